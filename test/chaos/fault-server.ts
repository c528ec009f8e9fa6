// The chaos run's server: a real `ws` server on 127.0.0.1 whose faults come
// from a seeded plan. It speaks a tiny protocol with the clients:
//
//   client → server   {"n": 17}            message number 17 of this client
//                     "ping"               heartbeat (answered "pong")
//   server → client   {"ack": 17}          message 17 was processed
//                     {"ack": [17, 18]}    a batch of acks
//                     {"hello": k}         a greeting some connections get first
//
// The client id and the attempt number travel in the upgrade URL
// (`/?c=<client>&k=<attempt>`). The server processes each message at most once
// per client (it dedupes by number: delivery is at-least-once) and records,
// per connection, the order the numbers arrived in.
//
// What a connection can meet (chosen by the plan when its upgrade arrives):
// a plain accept; an accept followed by an immediate close with a code (the
// accept-then-close pattern); an HTTP 401 or 503 on the upgrade; a stalled
// handshake (the TCP connection is taken and never answered); an accept then
// an abrupt TCP destroy. Accepted connections may then meet, after some
// messages or some time, a close with a code, a TCP destroy, or half-open
// silence (the server stops reading and never writes again: only the
// client's heartbeat can notice). `outage()` stops listening altogether and
// comes back on the same port.
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { listen, upgradeServer } from '../support/ws-server';

/** What happens to one upgrade request. */
export type UpgradeFate =
  | { readonly kind: 'accept'; readonly fault: ConnectionFault; readonly greet: boolean; readonly batchAcks: boolean }
  | { readonly kind: 'close-at-once'; readonly code: number }
  | { readonly kind: 'http'; readonly status: 401 | 503 }
  | { readonly kind: 'stall' }
  | { readonly kind: 'destroy-at-once' };

/** What happens later to an accepted connection: at the first of `afterMessages` processed or `afterMs` open. */
export type ConnectionFault =
  | { readonly kind: 'none' }
  | { readonly kind: 'close'; readonly code: number; readonly afterMessages: number; readonly afterMs: number }
  | { readonly kind: 'destroy'; readonly afterMessages: number; readonly afterMs: number }
  | { readonly kind: 'silence'; readonly afterMessages: number; readonly afterMs: number };

/** Chooses the fate of each upgrade; consulted in arrival order. */
export type FaultPlan = (client: number, attempt: number) => UpgradeFate;

/** One accepted connection, as the server saw it. */
export interface ServerConnection {
  readonly client: number;
  readonly attempt: number;
  /** Message numbers in the order they arrived and were processed. */
  readonly numbers: number[];
  /** Set once the server went silent on it. */
  silencedAt: number | undefined;
  /** The fault that ended it, if one did. */
  endedBy: string | undefined;
}

export interface FaultServer {
  readonly url: string;
  readonly port: number;
  /** Every accepted connection, in order. */
  readonly connections: readonly ServerConnection[];
  /** Numbers processed per client (each once). */
  processed(client: number): ReadonlySet<number>;
  /** How many messages arrived again after being processed (at-least-once re-sends). */
  readonly duplicates: number;
  /** Upgrades received, by fate kind. */
  readonly fates: Readonly<Record<string, number>>;
  /** Faults applied to accepted connections, by kind. */
  readonly faults: Readonly<Record<string, number>>;
  /** Protocol errors seen (a message that is neither "ping" nor {"n": number}). */
  readonly garbage: readonly string[];
  /** Raw TCP connections currently open on the server side. */
  readonly openSockets: number;
  /** What each of those is, e.g. 'client 3 attempt 7: stall'. */
  describeOpenSockets(): string[];
  /** Stop listening and cut every connection (abruptly, or with `code`), come back on the same port after `downMs`. */
  outage(downMs: number, code: number | undefined): Promise<{ readonly downAt: number; readonly upAt: number }>;
  /** No more faults: every upgrade is accepted, pending fault timers are cancelled. Silenced connections stay silent. */
  calm(): void;
  /** Resumes every silenced connection, so the client's closing handshake can complete. */
  wake(): void;
  /** Stops everything. */
  close(): Promise<void>;
}

const queryOf = (request: IncomingMessage): URLSearchParams => new URL(request.url ?? '/', 'http://127.0.0.1').searchParams;

/** Starts the fault server on a free port of 127.0.0.1. */
export async function startFaultServer(plan: FaultPlan): Promise<FaultServer> {
  const wss = new WebSocketServer({ noServer: true });
  const connections: ServerConnection[] = [];
  const processed = new Map<number, Set<number>>();
  const fates: Record<string, number> = {};
  const faults: Record<string, number> = {};
  const garbage: string[] = [];
  const sockets = new Set<Socket>();
  /** What each TCP connection is, for a failure message. */
  const labels = new WeakMap<Socket, string>();
  const live = new Set<WebSocket>();
  const silenced = new Set<WebSocket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  /** The fault timers only, which calm() cancels. */
  const faultTimers = new Set<ReturnType<typeof setTimeout>>();
  let duplicates = 0;
  let calm = false;
  let closed = false;

  const later = (ms: number, callback: () => void, set = timers): void => {
    const timer = setTimeout(() => {
      set.delete(timer);
      callback();
    }, ms);
    set.add(timer);
  };
  const count = (table: Record<string, number>, key: string): void => {
    table[key] = (table[key] ?? 0) + 1;
  };

  function serve(ws: WebSocket, record: ServerConnection, fate: Extract<UpgradeFate, { kind: 'accept' }>): void {
    const fault = calm ? ({ kind: 'none' } as const) : fate.fault;
    const seen = processed.get(record.client) ?? new Set<number>();
    processed.set(record.client, seen);
    let ended = false;
    let handled = 0;
    let acks: number[] = [];

    const strike = (): void => {
      if (ended || fault.kind === 'none' || calm) return;
      ended = true;
      record.endedBy = fault.kind === 'close' ? `close ${fault.code}` : fault.kind;
      count(faults, record.endedBy);
      if (fault.kind === 'close') ws.close(fault.code, 'chaos');
      else if (fault.kind === 'destroy') ws.terminate();
      else {
        // Half-open: stop reading and never write again; the client must find out by itself.
        record.silencedAt = performance.now();
        silenced.add(ws);
        ws.pause();
      }
    };
    const flushAcks = (): void => {
      if (acks.length === 0 || ended || ws.readyState !== ws.OPEN) return;
      ws.send(JSON.stringify({ ack: acks.length === 1 ? acks[0] : acks }));
      acks = [];
    };

    if (fault.kind !== 'none') later(fault.afterMs, strike, faultTimers);
    if (fate.greet) ws.send(JSON.stringify({ hello: record.attempt }));
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      if (ended) return;
      const text = isBinary ? '<binary>' : raw.toString();
      if (text === 'ping') {
        ws.send('pong');
        return;
      }
      let n: unknown;
      try {
        n = (JSON.parse(text) as { n?: unknown }).n;
      } catch {
        n = undefined;
      }
      if (typeof n !== 'number') {
        garbage.push(text.slice(0, 80));
        return;
      }
      // The fault strikes before this message is processed: it was written, never handled.
      // (Not once calm: a fault that can no longer strike must not swallow the message either.)
      if (fault.kind !== 'none' && !calm && handled >= fault.afterMessages) return strike();
      handled++;
      record.numbers.push(n);
      if (seen.has(n)) duplicates++;
      seen.add(n);
      if (!fate.batchAcks) {
        ws.send(JSON.stringify({ ack: n }));
        return;
      }
      if (acks.push(n) === 1) later(15, flushAcks);
    });
    ws.on('close', () => {
      ended = true;
      live.delete(ws);
    });
  }

  const onUpgrade = (request: IncomingMessage, socket: Socket, head: Buffer): void => {
    socket.on('error', () => {});
    const query = queryOf(request);
    const client = Number(query.get('c'));
    const attempt = Number(query.get('k'));
    const fate: UpgradeFate = calm ? { kind: 'accept', fault: { kind: 'none' }, greet: false, batchAcks: false } : plan(client, attempt);
    count(fates, fate.kind === 'http' ? `http ${fate.status}` : fate.kind);
    labels.set(socket, `client ${client} attempt ${attempt}: ${fate.kind}${fate.kind === 'accept' ? ` (${fate.fault.kind})` : ''}`);
    // A stalled handshake is cut off after a while, as a real server's handshake timeout would
    // (undici does not drop the TCP connection of an attempt it gave up on while connecting).
    if (fate.kind === 'stall') return later(1500, () => socket.destroy());
    if (fate.kind === 'http') {
      socket.end(`HTTP/1.1 ${fate.status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      ws.on('error', () => {});
      live.add(ws);
      if (fate.kind === 'destroy-at-once') return ws.terminate();
      if (fate.kind === 'close-at-once') return ws.close(fate.code, 'refused');
      const record: ServerConnection = { client, attempt, numbers: [], silencedAt: undefined, endedBy: undefined };
      connections.push(record);
      serve(ws, record, fate);
    });
  };

  const makeServer = (): Server => upgradeServer(onUpgrade, sockets);

  let http = makeServer();
  const port = await listen(http, 0);

  /** Stops listening and cuts every connection: with a close frame when `code` is given, else abruptly. */
  const stopListening = async (code: number | undefined): Promise<void> => {
    const server = http;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const ws of live) {
      if (code !== undefined && ws.readyState === ws.OPEN && !silenced.has(ws)) ws.close(code, 'outage');
    }
    // A graceful goodbye gets a moment to reach the clients; then every TCP connection goes.
    if (code !== undefined) await new Promise((resolve) => later(20, () => resolve(undefined)));
    for (const socket of sockets) socket.destroy();
    silenced.clear();
    await stopped;
  };

  return {
    url: `ws://127.0.0.1:${port}/`,
    port,
    connections,
    processed: (client) => processed.get(client) ?? new Set(),
    get duplicates() {
      return duplicates;
    },
    fates,
    faults,
    garbage,
    get openSockets() {
      return sockets.size;
    },
    describeOpenSockets: () => [...sockets].map((socket) => labels.get(socket) ?? 'no upgrade request'),
    async outage(downMs, code) {
      const downAt = performance.now();
      await stopListening(code);
      await new Promise((resolve) => later(downMs, () => resolve(undefined)));
      if (!closed) {
        http = makeServer();
        await listen(http, port);
      }
      return { downAt, upAt: performance.now() };
    },
    calm() {
      calm = true;
      for (const timer of faultTimers) clearTimeout(timer);
      faultTimers.clear();
    },
    wake() {
      for (const ws of silenced) ws.resume();
      silenced.clear();
    },
    async close() {
      if (closed) return;
      closed = true;
      calm = true;
      for (const timer of [...timers, ...faultTimers]) clearTimeout(timer);
      timers.clear();
      faultTimers.clear();
      await stopListening(undefined);
      wss.close();
    },
  };
}
