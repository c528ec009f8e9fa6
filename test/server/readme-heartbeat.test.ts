// End to end: the README's quick start (the client, heartbeat on) against the
// README's server recipe, both run as written on loopback. Only the
// addresses change: the quick start's wss://example.test goes to the recipe's
// port, with the Origin a page on https://app.example.com would send, and its
// token endpoint answers the recipe's valid token. Time runs on fake timers in
// 1 s steps with real I/O between them, so four heartbeat intervals take
// well under a second of real time.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, expect, it, vi } from 'vitest';
import WsWebSocket, { type WebSocketServer } from 'ws';
import type { ManagedSocket } from '../../src/socket';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The first ```ts block that follows `heading`, or that contains `marker`, in the README. */
function block(where: { heading: string } | { marker: string }): string {
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)\n```/g)];
  const found = 'heading' in where ? blocks.find((b) => (b.index ?? 0) > readme.indexOf(where.heading) && readme.includes(where.heading)) : blocks.find((b) => b[1]?.includes(where.marker));
  if (found?.[1] === undefined) throw new Error(`README.md has no \`\`\`ts block for ${JSON.stringify(where)}.`);
  return found[1];
}

/** Writes `code` as a module with closekit's imports pointing at the sources. */
function asModule(name: string, code: string): string {
  const dir = join(here, '.readme');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.gitignore'), '*\n');
  const file = join(dir, name);
  const src = (entry: string): string => pathToFileURL(join(root, 'src', entry)).href;
  writeFileSync(file, code.replace(/from 'closekit\/server'/g, `from '${src('server/index.ts')}'`).replace(/from 'closekit'/g, `from '${src('index.ts')}'`));
  return pathToFileURL(file).href;
}

const saved = { WebSocket: (globalThis as { WebSocket?: unknown }).WebSocket, fetch: globalThis.fetch };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  (globalThis as { WebSocket?: unknown }).WebSocket = saved.WebSocket;
  globalThis.fetch = saved.fetch;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Run {
  readonly closes: string[];
  readonly opened: string[];
  readonly pings: number;
  readonly messages: string[];
  readonly socket: ManagedSocket;
  readonly base: string;
}

/** Runs the quick start against the server recipe (after `edit`) for five heartbeat intervals of fake time. */
async function run(name: string, edit: (recipe: string) => string = (recipe) => recipe): Promise<Run> {
  const heartbeat = /heartbeat: \{ intervalMs: ([\d_]+), timeoutMs: ([\d_]+) \}/.exec(block({ heading: '## Quick start' }));
  expect(heartbeat, 'the quick start turns the heartbeat on').not.toBeNull();
  const intervalMs = Number(heartbeat?.[1]?.replace(/_/g, ''));

  // The recipe, listening on an ephemeral loopback port instead of 8080.
  const recipe = edit(block({ marker: 'createUpgradeHandler(wss' }));
  expect(recipe).toMatch(/server\.listen\(8080\);/);
  const loaded = (await import(
    asModule(`${name}-server.ts`, `${recipe.replace('server.listen(8080);', "await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));")}\nexport { wss };\n`)
  )) as { server: Server; wss: WebSocketServer };
  const server = { http: loaded.server, wss: loaded.wss };
  let pings = 0;
  server.wss.on('connection', (ws) => ws.on('message', (data) => void (String(data) === 'ping' && pings++)));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of server.wss.clients) client.terminate();
        server.http.closeAllConnections();
        server.http.close(() => resolve());
      }),
  );
  const base = `ws://127.0.0.1:${(server.http.address() as AddressInfo).port}`;

  // What a page on https://app.example.com would do: its WebSocket sends that Origin.
  const opened: string[] = [];
  class PageWebSocket extends WsWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      const target = String(url).replace('wss://example.test', base);
      super(target, protocols, { origin: 'https://app.example.com' });
      this.addEventListener('open', () => opened.push(target));
    }
  }
  (globalThis as { WebSocket?: unknown }).WebSocket = PageWebSocket;
  globalThis.fetch = vi.fn(async () => new Response('let-me-in')) as unknown as typeof globalThis.fetch;
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});

  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const { socket } = (await import(asModule(`${name}-quick-start.ts`, block({ heading: '## Quick start' })))) as { socket: ManagedSocket };
  cleanups.push(() => socket.dispose());
  const closes: string[] = [];
  socket.on('close', ({ result }) => closes.push(`${result.code} ${result.reason}`));

  // Fake time in 1 s steps; real I/O (the connection, the pings and their answers) in between.
  const realPause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  for (let elapsed = 0; elapsed < intervalMs * 5; elapsed += 1000) {
    await vi.advanceTimersByTimeAsync(1000);
    for (let i = 0; i < 5; i++) await realPause();
  }
  const messages = log.mock.calls.map((call) => call.join(' ')).filter((line) => line.startsWith('message'));
  return { closes, opened, pings, messages, socket, base };
}

it('the README quick start stays open against the README server recipe, as written, across several heartbeat intervals', async () => {
  const { closes, opened, pings, socket, base } = await run('as-written');
  // The first attempt carries no token (4001, refresh, reconnect); the second stays open throughout.
  expect(closes).toEqual(['4001 token expired']);
  expect(opened).toEqual([`${base}/live?token=`, `${base}/live?token=let-me-in`]);
  expect(socket.state).toBe('open');
  expect(pings).toBeGreaterThanOrEqual(4);
});

const answering = 'answerHeartbeats(wss);';

it("the app sees no heartbeat traffic: pongs are the heartbeat's, pings the server skips", async () => {
  const { closes, socket, messages } = await run('quiet');
  expect(closes).toEqual(['4001 token expired']);
  expect(socket.state).toBe('open');
  // The one message is the echo of the subscribe the quick start queued before the open.
  expect(messages).toEqual(['message echo: {"type":"subscribe","room":"lobby"}']);
});

it('a recipe whose server answers nothing drops the quiet connection every interval + timeout', async () => {
  expect(block({ marker: 'createUpgradeHandler(wss' })).toContain(answering);
  const { closes } = await run('silent', (recipe) => recipe.replace(answering, ''));
  expect(closes).toContain('1006 heartbeat timeout');
});
