// A loopback HTTP server that serves the test page and the page bundle, and
// answers WebSocket upgrades on /ws/<key>?plan=… with the scripted behaviour of
// ./plan.ts. Everything binds to 127.0.0.1 on ephemeral ports; close() leaves
// no socket or server behind.
import { createHash } from 'node:crypto';
import { STATUS_CODES, createServer, type IncomingMessage } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { WebSocketServer, type WebSocket as ServerWebSocket } from 'ws';
import { PLAN_PARAM, type Step } from './plan';

const HOST = '127.0.0.1';
// RFC 6455 §1.3: the GUID the server appends to Sec-WebSocket-Key.
const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** One upgrade request the server saw. */
export interface ConnectionRecord {
  readonly key: string;
  /** 0 for the first connection under this key. */
  readonly index: number;
  readonly step: Step;
  /** Path and query of the request. */
  readonly url: string;
  /** The `token` query parameter, if any. */
  readonly token: string | null;
}

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>/`: the test page. */
  readonly pageUrl: string;
  /** `ws://127.0.0.1:<port>/`: base for plan URLs. */
  readonly wsBase: string;
  /** Every upgrade request, in arrival order. */
  readonly connections: ConnectionRecord[];
  /** Text messages received, by key, in arrival order. */
  messagesFor(key: string): string[];
  /** Destroys the TCP sockets of every connection under `key` (no close frame), as a crashed server or a cut cable would; returns how many. */
  drop(key: string): number;
  /** The close codes and reasons the server received from clients, by key. */
  closesFor(key: string): { code: number; reason: string }[];
  connectionsFor(key: string): ConnectionRecord[];
  /** Destroys every socket and closes the servers. */
  close(): Promise<void>;
}

/** Starts the server; `bundle` is the JavaScript served as /page.js to the page at `/`. */
export async function startLoopbackServer(bundle: string): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const connections: ConnectionRecord[] = [];
  const messages = new Map<string, string[]>();
  const closes = new Map<string, { code: number; reason: string }[]>();
  const counters = new Map<string, number>();
  const socketsByKey = new Map<string, Set<Socket>>();
  const wss = new WebSocketServer({ noServer: true });

  const http = createServer((request, response) => {
    if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      // The inline script records uncaught errors (a bundle that fails to load, say) for the suite to report.
      response.end(
        '<!doctype html><meta charset="utf-8"><title>closekit e2e</title>' +
          '<script>globalThis.pageErrors = []; addEventListener("error", (event) => pageErrors.push(String(event.message)));</script>' +
          '<script type="module" src="/page.js"></script>',
      );
    } else if (request.url === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      response.end(bundle);
    } else {
      response.writeHead(404).end();
    }
  });
  http.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => {});
    const url = new URL(request.url ?? '/', `http://${HOST}`);
    const match = /^\/ws\/([^/]+)$/.exec(url.pathname);
    const steps = parsePlan(url.searchParams.get(PLAN_PARAM));
    if (match === null || steps === undefined) {
      reject(socket, 400);
      return;
    }
    const key = decodeURIComponent(match[1] ?? '');
    const index = counters.get(key) ?? 0;
    counters.set(key, index + 1);
    const step = steps[Math.min(index, steps.length - 1)] as Step;
    const token = url.searchParams.get('token');
    const group = socketsByKey.get(key) ?? new Set<Socket>();
    socketsByKey.set(key, group);
    group.add(socket);
    socket.on('close', () => group.delete(socket));
    connections.push({ key, index, step, url: url.pathname + url.search, token });
    const received = messages.get(key) ?? [];
    messages.set(key, received);
    const closed = closes.get(key) ?? [];
    closes.set(key, closed);
    run(step, { request, socket, head, wss, token, received, closed });
  });

  await new Promise<void>((resolve) => http.listen(0, HOST, resolve));
  const { port } = http.address() as AddressInfo;

  return {
    pageUrl: `http://${HOST}:${port}/`,
    wsBase: `ws://${HOST}:${port}/`,
    connections,
    messagesFor: (key) => messages.get(key) ?? [],
    closesFor: (key) => closes.get(key) ?? [],
    drop(key) {
      const group = socketsByKey.get(key) ?? new Set<Socket>();
      const count = group.size;
      for (const socket of group) socket.destroy();
      return count;
    },
    connectionsFor: (key) => connections.filter((record) => record.key === key),
    async close() {
      for (const client of wss.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** A `ws://127.0.0.1:<port>/` URL on which nothing listens: bind a port, then release it. */
export async function refusedUrl(): Promise<string> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `ws://${HOST}:${port}/refused`;
}

function parsePlan(text: string | null): Step[] | undefined {
  if (text === null) return undefined;
  try {
    const steps: unknown = JSON.parse(text);
    return Array.isArray(steps) && steps.length > 0 ? (steps as Step[]) : undefined;
  } catch {
    return undefined;
  }
}

interface Upgrade {
  readonly request: IncomingMessage;
  readonly socket: Socket;
  readonly head: Buffer;
  readonly wss: WebSocketServer;
  readonly token: string | null;
  readonly received: string[];
  readonly closed: { code: number; reason: string }[];
}

function run(step: Step, upgrade: Upgrade): void {
  const { request, socket, head, wss } = upgrade;
  switch (step.do) {
    case 'reject':
      reject(socket, step.status);
      return;
    case 'hold':
      // Never answered; close() destroys the socket.
      return;
    case 'raw-close':
      rawClose(upgrade, closeFrame(step.code, Buffer.from(step.reason ?? '', 'utf8')));
      return;
    case 'empty-close':
      rawClose(upgrade, Buffer.from([0x88, 0x00]));
      return;
    case 'bad-utf8-close':
      // 0xC3 0x28 is an invalid two-byte sequence; 0xFF never occurs in UTF-8.
      rawClose(upgrade, closeFrame(step.code, Buffer.from([0x6f, 0x6b, 0xc3, 0x28, 0xff])));
      return;
    default:
      wss.handleUpgrade(request, socket, head, (ws) => accepted(step, ws, upgrade));
  }
}

function accepted(step: Step, ws: ServerWebSocket, { socket, token, received, closed }: Upgrade): void {
  ws.on('error', () => {});
  ws.on('close', (code, reason) => closed.push({ code, reason: reason.toString('utf8') }));
  switch (step.do) {
    case 'close':
      ws.close(step.code, step.reason);
      return;
    case 'destroy':
    case 'reset':
      // Wait for one message from the client, so it has surely seen `open`
      // before the TCP connection goes away (an RST can overtake the 101).
      ws.once('message', () => (step.do === 'reset' ? socket.resetAndDestroy() : socket.destroy()));
      return;
    case 'auth':
      if (token !== step.token) {
        ws.close(step.code, step.reason);
        return;
      }
      echo(ws, received, {});
      return;
    case 'echo':
      echo(ws, received, step);
      return;
    default:
      ws.terminate();
  }
}

function echo(ws: ServerWebSocket, received: string[], options: { ping?: string; pong?: string; pongs?: number }): void {
  let pongsLeft = options.pongs ?? Infinity;
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? `<binary ${(data as Buffer).length}>` : String(data);
    if (options.ping !== undefined && text === options.ping) {
      if (pongsLeft > 0) {
        pongsLeft--;
        ws.send(options.pong ?? 'pong');
      }
      return;
    }
    received.push(text);
    ws.send(text);
  });
}

function reject(socket: Socket, status: number): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Status'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** A server→client close frame (FIN + opcode 8, unmasked) with a 2-byte code and the given reason bytes. */
function closeFrame(code: number, reason: Buffer): Buffer {
  const payload = Buffer.concat([Buffer.from([(code >> 8) & 0xff, code & 0xff]), reason]);
  if (payload.length > 125) throw new Error(`close frame payload too long: ${payload.length}`);
  return Buffer.concat([Buffer.from([0x88, payload.length]), payload]);
}

/**
 * Completes the handshake by hand (so `ws` cannot object to what follows),
 * writes `frame`, records the client's answering close frame (its code, or
 * 1005 when it has none) and ends the TCP connection once the client answers
 * or gives up — the server closes TCP first after a close handshake (RFC 6455 §7.1.1).
 */
function rawClose({ request, socket, closed }: Upgrade, frame: Buffer): void {
  const key = request.headers['sec-websocket-key'];
  if (typeof key !== 'string') {
    reject(socket, 400);
    return;
  }
  const accept = createHash('sha1')
    .update(key + HANDSHAKE_GUID)
    .digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  socket.write(frame);
  let received = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    received = Buffer.concat([received, chunk]);
    const answer = clientCloseFrame(received);
    if (answer === 'incomplete') return;
    socket.off('data', onData);
    if (answer !== undefined) closed.push(answer);
    socket.end();
  };
  socket.on('data', onData);
  socket.once('end', () => socket.end());
}

/**
 * Reads a client's (masked) close frame: its code and reason, 1005 for an
 * empty one; `incomplete` until all of it has arrived; undefined for any
 * other frame.
 */
function clientCloseFrame(data: Buffer): { code: number; reason: string } | 'incomplete' | undefined {
  if (data.length < 2) return 'incomplete';
  const opcode = (data[0] as number) & 0x0f;
  const length = (data[1] as number) & 0x7f;
  const masked = ((data[1] as number) & 0x80) !== 0;
  if (opcode !== 0x8 || length > 125) return undefined;
  const start = 2 + (masked ? 4 : 0);
  if (data.length < start + length) return 'incomplete';
  const payload = Buffer.from(data.subarray(start, start + length));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (data[2 + (i % 4)] as number);
  if (payload.length < 2) return { code: 1005, reason: '' };
  return { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString('utf8') };
}
