// The README quick start's server runs as written: its block is copied verbatim
// (the 'closekit' imports point at the sources, and it listens on 127.0.0.1 on a
// free port instead of 8080) and a real `ws` client talks to it. The client
// block runs in test/socket/readme.test.ts.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** The ```ts blocks under "## Quick start", up to the next section. */
function quickStartBlocks(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## Quick start');
  const end = readme.indexOf('\n## ', start + 1);
  return [...readme.slice(start, end).matchAll(/```ts\n([\s\S]*?)\n```/g)].map((match) => match[1] ?? '');
}

let server: Server;
let url: string;

beforeAll(async () => {
  const block = quickStartBlocks().find((code) => code.includes("from 'closekit/server'"));
  if (block === undefined) throw new Error('README.md has no server block (importing closekit/server) under "## Quick start".');
  expect(block).toContain('server.listen(8080);');
  const dir = join(here, '.quick-start');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.gitignore'), '*\n');
  const file = join(dir, 'server.ts');
  const source = (path: string) => pathToFileURL(join(root, 'src', path)).href;
  writeFileSync(
    file,
    block
      .replace(/from 'closekit\/server'/g, `from '${source('server/index.ts')}'`)
      .replace(/from 'closekit'/g, `from '${source('index.ts')}'`)
      .replace('server.listen(8080);', "server.listen(0, '127.0.0.1');"),
  );
  ({ server } = (await import(pathToFileURL(file).href)) as { server: Server });
  if (!server.listening) await once(server, 'listening');
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/live`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Connects as a page on `origin` would; resolves with what happened, in order. */
function talk(path: string, origin: string, send: readonly string[] = []): Promise<string[]> {
  return new Promise((resolve) => {
    const seen: string[] = [];
    const ws = new WebSocket(`${url}${path}`, { origin, handshakeTimeout: 5_000 });
    const timer = setTimeout(() => ws.terminate(), 5_000);
    ws.on('open', () => {
      seen.push('open');
      for (const message of send) ws.send(message);
    });
    ws.on('message', (data) => {
      seen.push(`message ${String(data)}`);
      if (seen.filter((entry) => entry.startsWith('message')).length === send.length) ws.close(1000);
    });
    ws.on('unexpected-response', (_request, response) => {
      seen.push(`http ${response.statusCode}`);
      ws.terminate();
    });
    ws.on('error', () => {});
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve([...seen, `close ${code} ${String(reason)}`]);
    });
  });
}

describe('the README quick start server', () => {
  it('accepts a bad token, then closes with 4001 "token expired" (the client can read why)', async () => {
    expect(await talk('?token=stale', 'https://app.example.com')).toEqual(['open', 'close 4001 token expired']);
  });

  it("answers the client's heartbeat ping with pong, and echoes other messages", async () => {
    expect(await talk('?token=let-me-in', 'https://app.example.com', ['ping', 'hello'])).toEqual(['open', 'message pong', 'message echo: hello', 'close 1000 ']);
  });

  it('turns a cross-site page away with HTTP 403 before any WebSocket exists', async () => {
    const seen = await talk('?token=let-me-in', 'https://evil.example');
    expect(seen[0]).toBe('http 403');
    expect(seen).not.toContain('open');
  });
});
