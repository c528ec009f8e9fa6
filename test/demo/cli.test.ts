// Runs `npm run demo` the way a newcomer does (after the build): a child
// process with the built package, no set-up, and checks the story.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function demo(...args: string[]) {
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'demo/cli.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, ms: Date.now() - started };
}

/** Timeline lines (client and server events), with runs of spaces squeezed. */
function events(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => /^\s*\d+\.\d{3}s\s/.test(line))
    .map((line) =>
      line
        .trim()
        .replace(/\s+/g, ' ')
        .replace(/^\d+\.\d{3}s /, ''),
    );
}

const OPEN = /^open( after \d+ attempts)?$/;

/** Asserts each pattern matches a line, in this order (other lines may come between). */
function expectInOrder(lines: readonly string[], patterns: readonly RegExp[]): void {
  let at = 0;
  for (const pattern of patterns) {
    const found = lines.findIndex((line, index) => index >= at && pattern.test(line));
    expect(found, `no line matching ${pattern} after line ${at}:\n${lines.join('\n')}`).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
}

describe('npm run demo', () => {
  beforeAll(() => {
    if (!existsSync(`${root}/dist/index.js`)) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  });

  it('plays the whole story in order and exits 0 in under 15 s', () => {
    const run = demo();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.ms).toBeLessThan(15_000);
    expect(run.stdout).toMatch(/backoff scaled ×0\.1 for the demo/);
    expect(run.stdout).not.toMatch(/\u001b\[/);
    expectInOrder(events(run.stdout), [
      /^connecting token t1$/,
      OPEN,
      /^server closes 4001 "token expired"$/,
      /^close 4001 TokenExpired application reauth 0 ms /,
      /^rejected 4001 TokenExpired application /,
      /^reauth auth\.refresh\(\) #1$/,
      /^server issues a fresh token t2$/,
      /^connecting token t2$/,
      OPEN,
      /^server closes 1012 "server restart"$/,
      /^close 1012 ServiceRestart standard reconnect \d+ ms /,
      /^reconnecting \d+ ms attempt \d+$/,
      OPEN,
      /^server closes 1013 "try again later"$/,
      /^close 1013 TryAgainLater standard reconnect \d+ ms /,
      /^reconnecting \d+ ms attempt \d+$/,
      /^server rejects 4003 "account suspended"$/,
      /^close 4003 AccessDenied application stop \(policy\) /,
      /^rejected 4003 AccessDenied application /,
      /^stopped stop \(policy\) /,
    ]);
  });

  it('waits at least the scaled 1013 floor after Try Again Later', () => {
    const lines = events(demo('--scenario', 'overload').stdout);
    const delays = lines.filter((line) => line.startsWith('reconnecting')).map((line) => Number(/(\d+) ms/.exec(line)?.[1]));
    expect(delays).toHaveLength(2);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(500);
  });

  it.each([
    ['--scenario', 'restart', [/^close 1012 ServiceRestart standard reconnect/, OPEN, /^close 1000 NormalClosure standard stop \(client\)/, /^stopped stop \(client\)/]],
    ['--scenario', 'wall', [/^server refuses HTTP 401/, /^close 1006 AbnormalClosure standard reconnect .*never opened/, /^close 4001 TokenExpired application reauth/, /^stopped stop \(client\)/]],
    ['--scenario', 'drop', [/^server drops/, /^close 1006 AbnormalClosure standard reconnect .*dropped after open/, /^stopped/]],
    [
      '--preset',
      'pusher',
      [/^close 4200 ReconnectNow application reconnect 0 ms/, /^close 4100 OverCapacity application reconnect/, /^close 4004 OverQuota application stop \(policy\)/, /^stopped stop \(policy\)/],
    ],
    ['--preset', 'graphql-ws', [/^close 4408 InitTimeout application reconnect/, /^close 4403 GraphqlForbidden application reconnect/, /^close 4401 GraphqlUnauthorized application stop \(policy\)/]],
    ['--preset', 'centrifugo', [/^close 3001 Shutdown library reconnect/, /^close 3503 ForceNoReconnect library stop \(policy\)/]],
  ] as const)('%s %s plays its codes and exits 0', (flag, name, patterns) => {
    const run = demo(flag, name);
    expect(run.status, run.stderr).toBe(0);
    expectInOrder(events(run.stdout), patterns);
  });

  it('prints help and exits 0', () => {
    const run = demo('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/--scenario <name>/);
    expect(run.stdout).toMatch(/--preset <name>/);
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--scenario', 'nope'], /unknown scenario "nope"; choose one of all, reauth/],
    [['--preset', 'socketio'], /unknown preset "socketio"; choose one of pusher, graphql-ws, centrifugo/],
    [['--scenario', 'all', '--preset', 'pusher'], /not both/],
  ])('exits 2 with a clear message for %j', (args, message) => {
    const run = demo(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });
});
