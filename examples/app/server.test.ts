// The two halves together over a real connection on 127.0.0.1: the app's
// server (closekit/server) and the app's chat client (createSocket), sharing
// one contract. undici's WebSocket stands in for the browser's, with the
// Origin header a page at https://chat.example.com would send.
import { WebSocket as UndiciWebSocket } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { connectChat, type Chat, type ChatStatus } from './chat';
import { startChatServer, type ChatServer } from './server';

const PAGE_ORIGIN = 'https://chat.example.com';

/** undici's WebSocket, sending the Origin header a browser page would. */
function fromOrigin(origin: string) {
  return class PageWebSocket extends UndiciWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, { protocols: protocols ?? [], headers: { origin } });
    }
  };
}

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function start(isValidToken: (token: string) => boolean, maxConnections?: number): Promise<ChatServer> {
  const server = await startChatServer({
    allowedOrigins: [PAGE_ORIGIN],
    isValidToken,
    ...(maxConnections === undefined ? {} : { maxConnections }),
  });
  cleanup.push(() => server.close());
  return server;
}

function join(server: ChatServer, token: { value: string }, refresh: () => Promise<void>, origin = PAGE_ORIGIN) {
  const statuses: ChatStatus[] = [];
  const messages: string[] = [];
  let reached: ((status: ChatStatus) => void) | undefined;
  const chat: Chat = connectChat({
    url: server.url,
    tokens: { current: () => token.value, refresh },
    WebSocket: fromOrigin(origin),
    onMessage: (text) => messages.push(text),
    onStatus: (status) => {
      statuses.push(status);
      reached?.(status);
    },
  });
  cleanup.push(() => chat.leave());
  const until = (wanted: ChatStatus) =>
    new Promise<void>((resolve, reject) => {
      if (chat.status === wanted) return resolve();
      const timer = setTimeout(() => reject(new Error(`status never became ${wanted}: ${statuses.join(' → ')}`)), 5_000);
      reached = (status) => {
        if (status !== wanted) return;
        clearTimeout(timer);
        resolve();
      };
    });
  return { chat, statuses, messages, until };
}

describe('the app over real WebSockets on 127.0.0.1', () => {
  it('an expired token: the server answers 4001, the client refreshes and is back online', async () => {
    const valid = new Set<string>();
    const server = await start((token) => valid.has(token));
    const token = { value: 'expired' };
    const member = join(server, token, async () => {
      token.value = 'fresh';
      valid.add('fresh');
    });
    // The first connection opens too (accept-then-close), so wait for the second.
    await expect.poll(() => [server.accepted, member.chat.status], { timeout: 5_000 }).toEqual([2, 'online']);
    expect(member.chat.socket.lastClose).toMatchObject({ kind: 'application', name: 'TokenExpired', code: 4001, opened: true });
    expect(member.statuses).toContain('reconnecting');
  });

  it('messages go round once online', async () => {
    const server = await start(() => true);
    const alice = join(server, { value: 'a' }, async () => undefined);
    await alice.until('online');
    alice.chat.send('hello, room');
    await expect.poll(() => alice.messages, { timeout: 5_000 }).toEqual(['hello, room']);
  });

  it('RateLimited reaches the client by name', async () => {
    const server = await start(() => true, 1);
    const first = join(server, { value: 'a' }, async () => undefined);
    await first.until('online');
    const second = join(server, { value: 'b' }, async () => undefined);
    await expect.poll(() => second.chat.socket.lastClose, { timeout: 5_000 }).toMatchObject({ kind: 'application', name: 'RateLimited', code: 4029 });
  });

  it('a page on another origin gets HTTP 403: the server never creates a WebSocket, the client only sees 1006', async () => {
    const server = await start(() => true);
    const intruder = join(server, { value: 'stolen' }, async () => undefined, 'https://evil.example');
    await expect.poll(() => intruder.chat.socket.lastClose, { timeout: 5_000 }).toMatchObject({ code: 1006, opened: false });
    expect(server.accepted).toBe(0);
  });
});
