// A scripted `ws` server on 127.0.0.1 for integration tests. Each incoming
// upgrade takes the next scripted behaviour (or the default): accept, accept
// then close with a code, answer the upgrade with an HTTP status, accept then
// destroy the TCP socket, or hold the upgrade forever. It can stop answering
// heartbeat pings, and restart (close everyone, stop listening, come back on
// the same port). Always `await server.close()` in afterEach.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

/** What the server does with one upgrade request. */
export type Behaviour =
  | 'accept'
  /** Accept, then close at once with this code (the accept-then-close pattern). */
  | { readonly close: number; readonly reason?: string }
  /** Refuse the upgrade with this HTTP status (the client sees 1006, never open). */
  | { readonly http: number }
  /** Accept, then destroy the TCP socket without a close frame. */
  | 'destroy'
  /** Take the TCP connection but never answer the upgrade. */
  | 'hang'
  /** Accept and hand the connection to a function. */
  | ((ws: WebSocket, request: IncomingMessage) => void);

export interface TestServerOptions {
  /** For upgrades nothing scripted. @default 'accept' */
  readonly default?: Behaviour;
  /** Answer `ping` text messages with `pong`. @default true */
  readonly pong?: boolean;
}

export interface TestServer {
  /** `ws://127.0.0.1:<port>` (add a path as you like). */
  readonly url: string;
  readonly port: number;
  /** Upgrade requests received (undici sends a rejected one twice, so compare with care). */
  readonly upgrades: number;
  /** The request URL (path and query) of every upgrade, in order. */
  readonly requestUrls: readonly string[];
  /** The TCP socket of every upgrade, in order (see whether the client gave up on a hung one). */
  readonly upgradeSockets: readonly Socket[];
  /** Connections accepted, in order. */
  readonly accepted: readonly WebSocket[];
  /** Every text message received that was not a heartbeat ping, in order. */
  readonly received: readonly string[];
  /** Heartbeat pings received. */
  readonly pings: number;
  /** Queues behaviours for the next upgrades, in order. */
  next(...behaviours: Behaviour[]): TestServer;
  /** Sets the behaviour for upgrades nothing scripted. */
  setDefault(behaviour: Behaviour): TestServer;
  /** Turns `ping` → `pong` replies on or off (off simulates a half-open connection). */
  setPong(on: boolean): void;
  /** Sends text to every open connection. */
  broadcast(data: string): void;
  /** Closes every open connection with `code`. */
  closeAll(code?: number, reason?: string): void;
  /** Destroys every TCP connection without a close frame. */
  destroyAll(): void;
  /** Closes every connection with `code` (1012), stops listening for `downForMs`, then listens on the same port again. */
  restart(options?: { readonly downForMs?: number; readonly code?: number }): Promise<void>;
  /** Stops everything; idempotent. */
  close(): Promise<void>;
}

/** Polls `predicate` with real timers until it is true; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Real-time pause, for the few checks that something does *not* happen. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Listens on 127.0.0.1 (`port` 0: a free one) and resolves with the port. */
export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * An HTTP server that answers plain requests with 426 Upgrade Required, hands
 * upgrades to `onUpgrade`, and keeps its open TCP connections in `sockets` (so
 * that an outage or a stop can cut them).
 */
export function upgradeServer(onUpgrade: (request: IncomingMessage, socket: Socket, head: Buffer) => void, sockets: Set<Socket>): Server {
  const server = createServer((_request, response) => {
    response.writeHead(426).end();
  });
  server.on('upgrade', onUpgrade);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return server;
}

/** Starts a scripted server on 127.0.0.1 on a free port. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const script: Behaviour[] = [];
  let fallback: Behaviour = options.default ?? 'accept';
  let pong = options.pong ?? true;
  let upgrades = 0;
  let pings = 0;
  let closed = false;
  const requestUrls: string[] = [];
  const upgradeSockets: Socket[] = [];
  const accepted: WebSocket[] = [];
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const wss = new WebSocketServer({ noServer: true });

  const onUpgrade = (request: IncomingMessage, socket: Socket, head: Buffer): void => {
    upgrades++;
    requestUrls.push(request.url ?? '');
    upgradeSockets.push(socket);
    socket.on('error', () => {});
    const behaviour = script.shift() ?? fallback;
    if (behaviour === 'hang') return;
    if (typeof behaviour === 'object' && 'http' in behaviour) {
      socket.end(`HTTP/1.1 ${behaviour.http} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      accepted.push(ws);
      ws.on('error', () => {});
      ws.on('message', (data: RawData, isBinary: boolean) => {
        const text = isBinary ? `<binary ${(data as Buffer).length}>` : data.toString();
        if (text === 'ping') {
          pings++;
          if (pong && ws.readyState === ws.OPEN) ws.send('pong');
          return;
        }
        received.push(text);
      });
      if (behaviour === 'destroy') ws.terminate();
      else if (typeof behaviour === 'function') behaviour(ws, request);
      else if (typeof behaviour === 'object') ws.close(behaviour.close, behaviour.reason);
    });
  };

  const makeServer = (): Server => upgradeServer(onUpgrade, sockets);

  let http = makeServer();
  const port = await listen(http, 0);

  const open = (): WebSocket[] => accepted.filter((ws) => ws.readyState === ws.OPEN);

  const stopListening = async (code: number | undefined): Promise<void> => {
    const closing = open().map(
      (ws) =>
        new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          if (code === undefined) ws.terminate();
          else ws.close(code);
          // A client that never answers our close frame is cut off.
          setTimeout(() => {
            ws.terminate();
            resolve();
          }, 500).unref();
        }),
    );
    const server = http;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all(closing);
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await stopped;
  };

  const api: TestServer = {
    url: `ws://127.0.0.1:${port}`,
    port,
    get upgrades() {
      return upgrades;
    },
    requestUrls,
    upgradeSockets,
    accepted,
    received,
    get pings() {
      return pings;
    },
    next(...behaviours) {
      script.push(...behaviours);
      return api;
    },
    setDefault(behaviour) {
      fallback = behaviour;
      return api;
    },
    setPong(on) {
      pong = on;
    },
    broadcast(data) {
      for (const ws of open()) ws.send(data);
    },
    closeAll(code = 1000, reason) {
      for (const ws of open()) ws.close(code, reason);
    },
    destroyAll() {
      for (const ws of open()) ws.terminate();
    },
    async restart({ downForMs = 0, code = 1012 } = {}) {
      await stopListening(code);
      await sleep(downForMs);
      if (closed) return;
      http = makeServer();
      await listen(http, port);
    },
    async close() {
      if (closed) return;
      closed = true;
      await stopListening(undefined);
      wss.close();
    },
  };
  return api;
}
