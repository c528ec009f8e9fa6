// Origin checks and the upgrade guard: a disallowed Origin (cross-site
// WebSocket hijacking) gets HTTP 403 and a request that is not a WebSocket
// handshake gets 400, both before any WebSocket exists.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as WsClient, WebSocketServer } from 'ws';
import { checkOrigin, createUpgradeHandler, guardUpgrade, whyNotWebSocket, type UpgradeRejection, type UpgradeRequestLike } from '../../src/server/index';

const handshake = (headers: Record<string, string> = {}, method = 'GET'): UpgradeRequestLike => ({
  method,
  url: '/live',
  headers: {
    connection: 'Upgrade',
    upgrade: 'websocket',
    'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'sec-websocket-version': '13',
    ...headers,
  },
});
const from = (origin: string | undefined) => handshake(origin === undefined ? {} : { origin });

describe('checkOrigin', () => {
  it.each([
    { origin: 'https://app.example.com', allowed: ['https://app.example.com'], ok: true },
    { origin: 'https://app.example.com', allowed: ['HTTPS://App.Example.com/'], ok: true },
    { origin: 'https://app.example.com', allowed: ['https://app.example.com:443'], ok: true },
    { origin: 'https://app.example.com:8443', allowed: ['https://app.example.com'], ok: false },
    { origin: 'http://app.example.com', allowed: ['https://app.example.com'], ok: false },
    { origin: 'https://evil.example', allowed: ['https://app.example.com'], ok: false },
    { origin: 'https://app.example.com.evil.example', allowed: ['https://app.example.com'], ok: false },
    { origin: 'null', allowed: ['https://app.example.com'], ok: false },
    { origin: 'https://app.example.com', allowed: 'https://app.example.com', ok: true },
    { origin: 'https://app.example.com', allowed: [], ok: false },
  ])('$origin against $allowed → $ok', ({ origin, allowed, ok }) => {
    expect(checkOrigin(from(origin), allowed)).toBe(ok);
  });

  it('tests a RegExp, fresh each time even with the g flag', () => {
    const allowed = /^https:\/\/[a-z0-9-]+\.example\.com$/g;
    expect(checkOrigin(from('https://a.example.com'), allowed)).toBe(true);
    expect(checkOrigin(from('https://a.example.com'), allowed)).toBe(true);
    expect(checkOrigin(from('https://a.example.com.evil.test'), allowed)).toBe(false);
  });

  it('asks a predicate with the origin and the request', () => {
    const seen: string[] = [];
    const allowed = (origin: string, request: UpgradeRequestLike) => {
      seen.push(`${origin} ${request.url ?? ''}`);
      return origin.endsWith('.tenant.test');
    };
    expect(checkOrigin(from('https://a.tenant.test'), allowed)).toBe(true);
    expect(checkOrigin(from('https://other.test'), allowed)).toBe(false);
    expect(seen).toEqual(['https://a.tenant.test /live', 'https://other.test /live']);
  });

  it('refuses a missing Origin unless allowMissing', () => {
    expect(checkOrigin(from(undefined), ['https://app.example.com'])).toBe(false);
    expect(checkOrigin(from(undefined), ['https://app.example.com'], { allowMissing: true })).toBe(true);
  });

  it('refuses a repeated Origin header', () => {
    const request: UpgradeRequestLike = { headers: { origin: ['https://app.example.com', 'https://evil.example'] } };
    expect(checkOrigin(request, ['https://app.example.com'], { allowMissing: true })).toBe(false);
  });
});

describe('whyNotWebSocket', () => {
  it.each([
    { label: 'a valid handshake', request: handshake(), why: undefined },
    { label: 'a POST', request: handshake({}, 'POST'), why: /GET/ },
    { label: 'Upgrade: h2c', request: handshake({ upgrade: 'h2c' }), why: /Upgrade/ },
    { label: 'no Connection: Upgrade', request: handshake({ connection: 'keep-alive' }), why: /Connection/ },
    { label: 'a short key', request: handshake({ 'sec-websocket-key': 'abc' }), why: /Sec-WebSocket-Key/ },
    { label: 'version 12', request: handshake({ 'sec-websocket-version': '12' }), why: /Version/ },
    { label: 'case and lists in the headers', request: handshake({ connection: 'keep-alive, UPGRADE', upgrade: 'WebSocket' }), why: undefined },
  ])('$label', ({ request, why }) => {
    if (why === undefined) expect(whyNotWebSocket(request)).toBeUndefined();
    else expect(whyNotWebSocket(request)).toMatch(why);
  });
});

describe('guardUpgrade on a raw socket', () => {
  function fakeSocket() {
    const written: string[] = [];
    let destroyed = false;
    let onFinish: (() => void) | undefined;
    return {
      written,
      get destroyed() {
        return destroyed;
      },
      socket: {
        write: (chunk: string) => written.push(chunk),
        end: (chunk: string) => {
          written.push(chunk);
          onFinish?.();
        },
        once: (_event: 'finish', listener: () => void) => void (onFinish = listener),
        on: () => undefined,
        destroy: () => void (destroyed = true),
      },
    };
  }

  it('lets an allowed handshake through and writes nothing', () => {
    const raw = fakeSocket();
    expect(guardUpgrade(from('https://app.example.com'), raw.socket, { allowedOrigins: ['https://app.example.com'] })).toBe(true);
    expect(raw.written).toEqual([]);
    expect(raw.destroyed).toBe(false);
  });

  it('answers a disallowed Origin with a complete 403 response and closes the socket', () => {
    const raw = fakeSocket();
    const rejections: UpgradeRejection[] = [];
    const ok = guardUpgrade(from('https://evil.example'), raw.socket, {
      allowedOrigins: ['https://app.example.com'],
      onReject: (rejection) => rejections.push(rejection),
    });
    expect(ok).toBe(false);
    expect(raw.destroyed).toBe(true);
    const response = raw.written.join('');
    expect(response).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(response).toContain('Connection: close\r\n');
    const [head, body] = response.split('\r\n\r\n');
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body ?? '')}`);
    expect(rejections).toMatchObject([{ status: 403, origin: 'https://evil.example' }]);
  });

  it('answers a request that is not a handshake with 400 and says which version it speaks', () => {
    const raw = fakeSocket();
    expect(guardUpgrade(handshake({ upgrade: 'h2c', origin: 'https://app.example.com' }), raw.socket, { allowedOrigins: ['https://app.example.com'] })).toBe(false);
    expect(raw.written.join('')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*Sec-WebSocket-Version: 13\r\n/);
    expect(raw.destroyed).toBe(true);
  });
});

describe('createUpgradeHandler over real HTTP on 127.0.0.1', () => {
  let http: Server | undefined;
  let wss: WebSocketServer | undefined;

  afterEach(async () => {
    for (const client of wss?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (wss === undefined ? resolve() : wss.close(() => resolve())));
    http?.closeAllConnections();
    await new Promise<void>((resolve) => (http === undefined ? resolve() : http.close(() => resolve())));
    http = undefined;
    wss = undefined;
  });

  async function start() {
    const connections: string[] = [];
    const rejections: number[] = [];
    http = createServer((_request, response) => response.writeHead(426).end('WebSocket only\n'));
    wss = new WebSocketServer({ noServer: true });
    wss.on('connection', (ws, request) => {
      connections.push(request.headers.origin ?? '(none)');
      ws.close(1000);
    });
    http.on('upgrade', createUpgradeHandler(wss, { allowedOrigins: ['http://app.test'], onReject: (rejection) => rejections.push(rejection.status) }));
    await new Promise<void>((resolve) => http?.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    return { url: `ws://127.0.0.1:${port}/live`, port, connections, rejections };
  }

  /** Connects with `ws` and reports the HTTP status of a refused handshake, or 101 once open. */
  function attempt(url: string, origin?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const client = new WsClient(url, origin === undefined ? {} : { origin });
      client.on('open', () => {
        resolve(101);
        client.close();
      });
      client.on('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        response.resume();
        client.terminate();
      });
      client.on('error', (error) => reject(error));
    });
  }

  /** Sends a raw upgrade request with the given headers and returns the status. */
  function rawUpgrade(port: number, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, path: '/live', headers });
      request.on('response', (response) => {
        resolve(response.statusCode ?? 0);
        response.resume();
      });
      request.on('upgrade', (response, socket) => {
        socket.destroy();
        resolve(response.statusCode ?? 101);
      });
      request.on('error', reject);
      request.end();
    });
  }

  it('a disallowed Origin gets 403 and no WebSocket is created', async () => {
    const server = await start();
    expect(await attempt(server.url, 'https://evil.example')).toBe(403);
    expect(server.connections).toEqual([]);
    expect(wss?.clients.size).toBe(0);
    expect(server.rejections).toEqual([403]);
  });

  it('a handshake with no Origin (a non-browser client) gets 403 by default', async () => {
    const server = await start();
    expect(await attempt(server.url)).toBe(403);
    expect(server.connections).toEqual([]);
  });

  it('an allowed Origin connects', async () => {
    const server = await start();
    expect(await attempt(server.url, 'http://app.test')).toBe(101);
    expect(server.connections).toEqual(['http://app.test']);
  });

  it('an upgrade request that is not a WebSocket handshake gets 400', async () => {
    const server = await start();
    expect(await rawUpgrade(server.port, { Connection: 'Upgrade', Upgrade: 'h2c', Origin: 'http://app.test' })).toBe(400);
    expect(await rawUpgrade(server.port, { Connection: 'Upgrade', Upgrade: 'websocket', Origin: 'http://app.test' })).toBe(400);
    expect(server.connections).toEqual([]);
    expect(server.rejections).toEqual([400, 400]);
  });

  it("a plain GET never reaches the upgrade handler: it is the request handler's", async () => {
    const server = await start();
    expect(await rawUpgrade(server.port, {})).toBe(426);
    expect(server.rejections).toEqual([]);
  });
});

describe('an argument of the wrong shape: a TypeError whose message starts with the function called', () => {
  const socket = { write: () => true, destroy: () => undefined, end: () => undefined } as never;
  const wss = { handleUpgrade: () => undefined, emit: () => true };
  it.each([
    ['whyNotWebSocket', () => whyNotWebSocket(null as never)],
    ['guardUpgrade', () => guardUpgrade(null as never, socket, { allowedOrigins: [] })],
    ['guardUpgrade', () => guardUpgrade({ headers: {} } as never, socket, null as never)],
    ['createUpgradeHandler', () => createUpgradeHandler(wss as never, { allowedOrigins: [] })(null as never, socket, undefined)],
    ['createUpgradeHandler', () => createUpgradeHandler(wss as never, null as never)({ headers: {} } as never, socket, undefined)],
  ])('%s', (name, call) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(new RegExp(`^${name}[ :]`));
  });
});
