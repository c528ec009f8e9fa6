// closekit behind a real nginx (FACTS.md, "Proxies"): what each proxy failure
// looks like to the client, and a heartbeat that keeps an idle connection
// alive. Clients are closekit sockets on Node with the `ws` client; the
// upstream is a plain `ws` server on 127.0.0.1.
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import WsWebSocket, { WebSocketServer } from 'ws';
import type { CloseResult } from '../../src/classify';
import { answerHeartbeats, closeWith } from '../../src/server/index';
import { createPolicy } from '../../src/policy';
import { createSocket, type ManagedSocket, type SocketOptions } from '../../src/socket';
import { describeWithNginx, freePort, startNginx, type Nginx } from './nginx';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function upstream(onConnection: (ws: import('ws').WebSocket) => void = () => {}): Promise<WebSocketServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', onConnection);
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  );
  return wss;
}

async function proxy(upstreamPort: number, readTimeoutS?: number): Promise<Nginx> {
  const nginx = await startNginx({ upstreamPort, ...(readTimeoutS !== undefined && { readTimeoutS }) });
  cleanups.push(() => nginx.stop());
  return nginx;
}

/** A closekit socket that stops after its first close, recording what it saw. */
function socketTo(url: string, options: Partial<SocketOptions> = {}): { socket: ManagedSocket; opens: number[]; closes: CloseResult[]; firstClose: Promise<CloseResult> } {
  const opens: number[] = [];
  const closes: CloseResult[] = [];
  const socket = createSocket(url, { WebSocket: WsWebSocket, pauseWhenOffline: false, policy: createPolicy({ maxAttempts: 1 }), ...options });
  cleanups.push(() => socket.dispose());
  socket.on('open', () => opens.push(Date.now()));
  const firstClose = new Promise<CloseResult>((resolve) =>
    socket.on('close', ({ result }) => {
      closes.push(result);
      resolve(result);
    }),
  );
  return { socket, opens, closes, firstClose };
}

const portOf = (wss: WebSocketServer): number => (wss.address() as AddressInfo).port;

describeWithNginx()('behind nginx', () => {
  it('upstream down: HTTP 502 on the upgrade; the client sees 1006, never opened (no 1014)', async () => {
    const nginx = await proxy(await freePort());
    const status = await new Promise<number | undefined>((resolve) => {
      const raw = new WsWebSocket(`${nginx.url}/live`);
      raw.on('unexpected-response', (_request, response) => {
        resolve(response.statusCode);
        raw.terminate();
      });
      raw.on('error', () => resolve(undefined));
    });
    expect(status).toBe(502);
    const { firstClose, opens } = socketTo(`${nginx.url}/live`);
    expect(await firstClose).toMatchObject({ code: 1006, opened: false, wasClean: false });
    expect(opens).toEqual([]);
  });

  it('upstream killed mid-connection: 1006 after open, no close frame', async () => {
    const wss = await upstream();
    const nginx = await proxy(portOf(wss));
    const { firstClose, opens, socket } = socketTo(`${nginx.url}/live`);
    await new Promise((resolve) => socket.once('open', resolve));
    for (const client of wss.clients) client.terminate();
    expect(await firstClose).toMatchObject({ code: 1006, opened: true, wasClean: false });
    expect(opens).toHaveLength(1);
  });

  it('a clean close from the upstream passes through unchanged, reason and retry hint included', async () => {
    const wss = await upstream((ws) => closeWith(ws, 'ServiceRestart', 'deploying', { retryAfterMs: 5000 }));
    const nginx = await proxy(portOf(wss));
    const { firstClose } = socketTo(`${nginx.url}/live`);
    expect(await firstClose).toMatchObject({ code: 1012, reason: 'deploying retry-after=5s', retryAfterMs: 5000, opened: true, wasClean: true });
  });

  it('idle past proxy_read_timeout (1 s here): 1006 after open, no close frame', async () => {
    const wss = await upstream();
    const nginx = await proxy(portOf(wss), 1);
    const { firstClose, opens } = socketTo(`${nginx.url}/live`);
    const result = await firstClose;
    const closedAfterMs = Date.now() - (opens[0] as number);
    expect(result).toMatchObject({ code: 1006, opened: true, wasClean: false });
    expect(closedAfterMs).toBeGreaterThanOrEqual(900);
  });

  it('a heartbeat below the idle timeout, answered by the upstream, keeps the connection open', async () => {
    const wss = await upstream();
    answerHeartbeats(wss);
    const nginx = await proxy(portOf(wss), 1);
    const { socket, opens, closes } = socketTo(`${nginx.url}/live`, { heartbeat: { intervalMs: 300, timeoutMs: 500 } });
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(closes).toEqual([]);
    expect(opens).toHaveLength(1);
    expect(socket.state).toBe('open');
  });

  it.each([
    ['client to server only', 'up'],
    ['server to client only', 'down'],
  ] as const)('traffic in one direction (%s) also resets proxy_read_timeout', async (_name, direction) => {
    const wss = await upstream((ws) => {
      if (direction === 'down') {
        const timer = setInterval(() => ws.send('tick'), 300);
        ws.on('close', () => clearInterval(timer));
      }
    });
    const nginx = await proxy(portOf(wss), 1);
    const { socket, opens, closes } = socketTo(`${nginx.url}/live`);
    const timer = setInterval(() => direction === 'up' && socket.state === 'open' && socket.send('tick'), 300);
    cleanups.push(() => clearInterval(timer));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(closes).toEqual([]);
    expect(opens).toHaveLength(1);
  });
});
