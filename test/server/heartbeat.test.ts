// The server half of the heartbeat, over real connections on loopback: a
// closekit socket with its default heartbeat stays open against a `ws`
// server that uses answerHeartbeats, and is torn down against one that does not.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WsWebSocket, { WebSocketServer } from 'ws';
import { createSocket, type ManagedSocket, type SocketOptions } from '../../src/socket';
import { answerHeartbeats, createUpgradeHandler } from '../../src/server/index';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(http: Server): Promise<string> {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  );
  return `ws://127.0.0.1:${(http.address() as AddressInfo).port}/live`;
}

/** A plain `ws` server on its own port, answering heartbeats unless told not to. */
async function plainServer(answer: boolean, options?: Parameters<typeof answerHeartbeats>[1]): Promise<{ url: string; wss: WebSocketServer; received: string[] }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const received: string[] = [];
  wss.on('connection', (ws) => ws.on('message', (data) => received.push(String(data))));
  if (answer) answerHeartbeats(wss, options);
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  );
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/live`, wss, received };
}

/** A closekit socket with a short heartbeat; returns what it saw. */
function client(url: string, options: Partial<SocketOptions> = {}): { socket: ManagedSocket; opens: number[]; closes: unknown[]; messages: unknown[] } {
  const seen = { opens: [] as number[], closes: [] as unknown[], messages: [] as unknown[] };
  const socket = createSocket(url, { WebSocket: WsWebSocket, pauseWhenOffline: false, heartbeat: { intervalMs: 50, timeoutMs: 100 }, ...options });
  socket.on('open', () => seen.opens.push(Date.now()));
  socket.on('close', ({ result }) => seen.closes.push(result));
  socket.on('message', (data) => seen.messages.push(String(data)));
  cleanups.push(() => socket.dispose());
  return { socket, ...seen };
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('answerHeartbeats', () => {
  it("answers the client's default heartbeat: one connection stays open across many intervals, no pong emitted", async () => {
    const server = await plainServer(true);
    const { socket, opens, closes, messages } = client(server.url);
    await wait(600);
    expect(socket.state).toBe('open');
    expect(opens).toHaveLength(1);
    expect(closes).toEqual([]);
    expect(messages).toEqual([]);
    expect(server.received.filter((m) => m === 'ping').length).toBeGreaterThanOrEqual(4);
  });

  it('without it, the same quiet connection is declared dead and reopened every interval + timeout', async () => {
    const server = await plainServer(false);
    const { opens, closes } = client(server.url);
    // Bounded polling rather than a fixed wait: on a loaded machine the second open may take longer than interval + timeout.
    await expect.poll(() => opens.length, { timeout: 5000, interval: 20 }).toBeGreaterThanOrEqual(2);
    expect(closes[0]).toMatchObject({ code: 1006, reason: 'heartbeat timeout', opened: true });
  });

  it('answers another wire format when told', async () => {
    const server = await plainServer(true, { ping: '{"type":"ping"}', pong: '{"type":"pong"}' });
    const { socket, opens, messages } = client(server.url, {
      heartbeat: { intervalMs: 50, timeoutMs: 100, message: '{"type":"ping"}', isPong: (data) => String(data) === '{"type":"pong"}' },
    });
    await wait(400);
    expect(socket.state).toBe('open');
    expect(opens).toHaveLength(1);
    expect(messages).toEqual([]);
  });

  it('takes a test and an answer function, and leaves binary messages alone', async () => {
    const server = await plainServer(true, { ping: (text) => text.startsWith('ping:'), pong: (text) => `pong:${text.slice(5)}` });
    const ws = new WsWebSocket(server.url);
    cleanups.push(() => ws.terminate());
    const answers: string[] = [];
    ws.on('message', (data) => answers.push(String(data)));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(Buffer.from('ping:binary'), { binary: true });
    ws.send('ping:7');
    ws.send('hello');
    await wait(100);
    expect(answers).toEqual(['pong:7']);
  });

  it('answers through createUpgradeHandler, on connections already open, and stops when told', async () => {
    const http = createServer((_request, response) => response.writeHead(426).end());
    const wss = new WebSocketServer({ noServer: true });
    http.on('upgrade', createUpgradeHandler(wss, { allowedOrigins: ['http://app.test'], allowMissingOrigin: true }));
    const url = await listen(http);
    cleanups.push(() => {
      for (const c of wss.clients) c.terminate();
    });
    const early = new WsWebSocket(url);
    cleanups.push(() => early.terminate());
    await new Promise((resolve) => early.once('open', resolve));
    // Attached after a connection is already open: that one is answered too.
    const stop = answerHeartbeats(wss);
    const heard: string[] = [];
    early.on('message', (data) => heard.push(String(data)));
    early.send('ping');
    const { socket, opens } = client(url);
    await wait(400);
    expect(heard).toEqual(['pong']);
    expect(socket.state).toBe('open');
    expect(opens).toHaveLength(1);
    stop();
    early.send('ping');
    await wait(100);
    expect(heard).toEqual(['pong']);
  });

  it('answers on one WebSocket', async () => {
    const server = await plainServer(false);
    server.wss.on('connection', (ws) => answerHeartbeats(ws));
    const { socket, opens } = client(server.url);
    await wait(400);
    expect(socket.state).toBe('open');
    expect(opens).toHaveLength(1);
  });

  it('rejects what it cannot work with, naming it', () => {
    expect(() => answerHeartbeats({} as never)).toThrow(/WebSocketServer or WebSocket/);
    expect(() => answerHeartbeats(new WebSocketServer({ noServer: true }), { ping: 3 as never })).toThrow(/options\.ping/);
    expect(() => answerHeartbeats(new WebSocketServer({ noServer: true }), { pong: null as never })).toThrow(/options\.pong/);
  });
});
