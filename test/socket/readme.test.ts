// The README's quick start must run as written: its code is copied verbatim
// (only the 'closekit' import points at the sources) and run in a browser-like
// global scope: a fake WebSocket server, a stubbed fetch and fake timers.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, expect, it, vi } from 'vitest';
import type { Clock, Timers } from '../../src/environment';
import type { ManagedSocket } from '../../src/socket';
import { createFakeServer } from '../../src/testing';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

function quickStart(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const match = /```ts\n([\s\S]*?)\n```/.exec(section);
  if (match?.[1] === undefined) throw new Error('README.md has no ```ts block under "## Quick start".');
  return match[1];
}

const saved = { WebSocket: (globalThis as { WebSocket?: unknown }).WebSocket, fetch: globalThis.fetch };

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  (globalThis as { WebSocket?: unknown }).WebSocket = saved.WebSocket;
  globalThis.fetch = saved.fetch;
});

it('the README quick start runs as written: 4001 → token refresh → reconnect with the new token, queued message delivered', async () => {
  const code = quickStart();
  expect(code).toMatch(/from 'closekit'/);
  const dir = join(here, '.readme');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.gitignore'), '*\n');
  const file = join(dir, 'quick-start.ts');
  const source = pathToFileURL(join(root, 'src', 'index.ts')).href;
  writeFileSync(file, code.replace(/from 'closekit'/g, `from '${source}'`));

  vi.useFakeTimers();
  const timers: Clock & Timers = {
    now: () => Date.now(),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  const server = createFakeServer({ clock: timers });
  server.rejectNext(4001, 'token expired');
  server.setAutoPong(true); // the quick start turns the heartbeat on
  (globalThis as { WebSocket?: unknown }).WebSocket = server.WebSocket;
  const fetch = vi.fn(async () => new Response('fresh-token'));
  globalThis.fetch = fetch as unknown as typeof globalThis.fetch;
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});

  const { socket } = (await import(pathToFileURL(file).href)) as { socket: ManagedSocket };
  await vi.advanceTimersByTimeAsync(60_000);

  expect(fetch).toHaveBeenCalledTimes(1);
  expect(server.urls).toEqual(['wss://example.test/live?token=', 'wss://example.test/live?token=fresh-token']);
  expect(socket.state).toBe('open');
  // Flushed into the first connection too, which the server accepted and closed (4001) unread: it goes again on the second, once.
  expect(server.lastConnection?.received.filter((m) => m !== 'ping')).toEqual([JSON.stringify({ type: 'subscribe', room: 'lobby' })]);
  expect(log.mock.calls.map((c) => c.join(' '))).toContainEqual(expect.stringMatching(/4001.*→ reauth/));
  socket.dispose();
  expect(server.openConnections).toHaveLength(0);
});
