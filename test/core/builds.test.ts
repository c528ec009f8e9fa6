// The development and production builds (src/dev.ts), and the self-contained
// browser build for pages without a bundler. Each runs in its own Node process,
// as an app would load it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'closekit-builds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a few bad calls throw, as JSON: name, code/option/rule and message. */
const probe = `
  const out = {};
  const grab = (key, f) => { try { f(); out[key] = 'no throw'; } catch (e) { out[key] = { name: e.name, code: e.code, option: e.option, rule: e.rule, message: e.message }; } };
  grab('socketOption', () => m.createSocket('ws://x.test', { WebSocket: class {}, hearbeat: {} }));
  grab('duration', () => m.createSocket('ws://x.test', { WebSocket: class {}, connectTimeoutMs: 2 ** 31 }));
  grab('policyOption', () => m.createPolicy({ backoff: { factor: 0.5 } }));
  grab('closeCode', () => m.validateClientClose(1001));
  grab('send', () => { const s = m.createSocket('ws://x.test', { WebSocket: class { close() {} }, startClosed: true }); try { s.send(42); } finally { s.dispose(); } });
  out.classify = m.classify({ code: 4001 }, { codes: {} }).kind;
  {
    // An injected clock that answers nonsense: reported once, as an error event (not thrown).
    const s = m.createSocket('ws://x.test', { WebSocket: class { close() {} }, startClosed: true, clock: { now: () => NaN } });
    s.on('error', (e) => { out.clock = { name: e.name, code: e.code, message: e.message }; });
    s.reconnect();
    s.dispose();
  }
`;

/** Runs `probe` against `specifier` in a fresh Node process; `noProcess` removes the global `process` first, as in a browser. */
function run(specifier: string, env: Record<string, string | undefined>, noProcess = false): Record<string, { name: string; code?: string; option?: string; rule?: string; message: string } | string> {
  const script = `
    const p = globalThis.process;
    ${noProcess ? 'delete globalThis.process;' : ''}
    const m = await import(${JSON.stringify(specifier)});
    ${probe}
    p.stdout.write(JSON.stringify(out));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } }));
}

let production = '';

beforeAll(async () => {
  // What a bundler makes of closekit for a production build: process.env.NODE_ENV replaced, dead text dropped.
  production = join(dir, 'production.mjs');
  await build({
    stdin: { contents: "export * from 'closekit';", resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    define: { 'process.env.NODE_ENV': '"production"' },
    outfile: production,
    logLevel: 'silent',
  });
});

describe('development build (Node, NODE_ENV unset)', () => {
  it('says what was wrong and what would be right', () => {
    const r = run('closekit', { NODE_ENV: undefined });
    expect(r['socketOption']).toMatchObject({ name: 'SocketError', code: 'invalid-option', option: 'hearbeat', message: expect.stringMatching(/Did you mean 'heartbeat'/) });
    expect(r['duration']).toMatchObject({ option: 'connectTimeoutMs', message: expect.stringContaining('2147483647') });
    expect(r['policyOption']).toMatchObject({ name: 'PolicyError', option: 'backoff.factor', message: expect.stringMatching(/must be/) });
    expect(r['closeCode']).toMatchObject({ name: 'CloseCodeError', rule: 'client-range', message: expect.stringMatching(/1000 or 3000–4999/) });
    expect(r['send']).toMatchObject({ name: 'SocketError', code: 'invalid-data', message: expect.stringMatching(/send\(\) takes/) });
    expect(r['classify']).toBe('application');
    expect(r['clock']).toMatchObject({ name: 'SocketError', code: 'hook-failed', message: expect.stringMatching(/^clock\.now returned NaN, not a finite number/) });
  });
});

describe('production build', () => {
  it.each([
    ['bundled with NODE_ENV=production', (): string => production, {}, false],
    ['dist/ in Node with NODE_ENV=production', (): string => 'closekit', { NODE_ENV: 'production' }, false],
    ['dist/closekit.browser.js where there is no process at all', (): string => pathToFileURL(join(root, 'dist', 'closekit.browser.js')).href, {}, true],
  ] as const)('%s: the same typed errors and fields, short messages, every check kept', (_, specifier, env, noProcess) => {
    const r = run(specifier(), env, noProcess);
    expect(r['socketOption']).toEqual({ name: 'SocketError', code: 'invalid-option', option: 'hearbeat', message: 'hearbeat' });
    expect(r['duration']).toMatchObject({ name: 'SocketError', code: 'invalid-option', option: 'connectTimeoutMs' });
    expect(r['policyOption']).toMatchObject({ name: 'PolicyError', option: 'backoff.factor', message: 'backoff.factor' });
    expect(r['closeCode']).toMatchObject({ name: 'CloseCodeError', rule: 'client-range', message: 'client-range' });
    expect(r['send']).toMatchObject({ name: 'SocketError', code: 'invalid-data', message: 'invalid-data' });
    expect(r['classify']).toBe('application');
    expect(r['clock']).toEqual({ name: 'SocketError', code: 'hook-failed', message: 'clock.now' });
  });

  it('leaves the development text out of the bundle', () => {
    const dev = ['Did you mean', 'is not an option here', 'the longest a timer can wait', 'send() takes', 'which is not a decision', 'not a finite number of ms'];
    const code = readFileSync(production, 'utf8');
    const browser = readFileSync(join(root, 'dist', 'closekit.browser.js'), 'utf8');
    expect(dev.filter((text) => code.includes(text))).toEqual([]);
    expect(dev.filter((text) => browser.includes(text))).toEqual([]);
    expect(/process\.env/.test(browser)).toBe(false);
  });

  it('the per-module dist needs process or a bundler (which is what the browser build is for)', () => {
    const entry = pathToFileURL(join(root, 'dist', 'index.js')).href;
    const script = `const p = globalThis.process; delete globalThis.process; import(${JSON.stringify(entry)}).then(() => p.stdout.write('loaded'), (e) => p.stdout.write(e.message));`;
    writeFileSync(join(dir, 'raw.mjs'), script);
    expect(execFileSync(process.execPath, [join(dir, 'raw.mjs')], { cwd: root, encoding: 'utf8' }).trim()).toMatch(/process is not defined/);
  });
});
