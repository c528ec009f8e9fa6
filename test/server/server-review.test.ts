// Adversarial review of closekit/server: each test holds one promise of
// docs/server.md, docs/retry-hints.md or guarantees.md that an edge case once broke.
import { EventEmitter } from 'node:events';
import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import { connect, Socket, type AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as WsClient, WebSocketServer } from 'ws';
import { isCloseCodeError } from '../../src/errors';
import { answerHeartbeats, checkOrigin, closeWith, createUpgradeHandler, guardUpgrade, reasonWithRetryHint, rejectUpgrade } from '../../src/server/index';

describe('a reason that already holds retry-after= is refused, wherever it holds it', () => {
  // retry-hints.md: "a reason that already contains `retry-after=` throws a CloseCodeError with rule retry-hint, and nothing is sent".
  const long = `${'x'.repeat(110)} retry-after=5s`;

  it('also when the trim for the new hint would have cut it off', () => {
    expect(() => reasonWithRetryHint(long, 1000)).toThrow(expect.objectContaining({ name: 'CloseCodeError', rule: 'retry-hint' }));
  });

  it('closeWith sends nothing then', () => {
    const sent: unknown[] = [];
    const ws = { readyState: 1, close: (...args: unknown[]) => sent.push(args) };
    let error: unknown;
    try {
      closeWith(ws, 1013, long, { retryAfterMs: 1000 });
    } catch (caught) {
      error = caught;
    }
    expect(isCloseCodeError(error) && error.rule).toBe('retry-hint');
    expect(sent).toEqual([]);
  });
});

describe('the upgrade helpers name themselves in a TypeError, for every request, before writing anything', () => {
  // guarantees.md: "a TypeError or RangeError whose message starts with the function's name … thrown before anything is written or sent".
  const handshake = (origin?: string) => ({
    method: 'GET',
    headers: {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'sec-websocket-version': '13',
      ...(origin === undefined ? {} : { origin }),
    },
  });
  const socket = () => {
    const written: string[] = [];
    return { written, write: (chunk: string) => written.push(chunk), destroy: () => undefined };
  };
  const wss = { handleUpgrade: () => undefined, emit: () => true };

  it.each([
    ['guardUpgrade', 'with an Origin', (s: ReturnType<typeof socket>) => guardUpgrade(handshake('https://app.test'), s, {} as never)],
    ['guardUpgrade', 'without an Origin', (s: ReturnType<typeof socket>) => guardUpgrade(handshake(), s, { allowedOrigins: undefined } as never)],
    ['guardUpgrade', 'not a handshake', (s: ReturnType<typeof socket>) => guardUpgrade({ headers: {} }, s, { allowedOrigins: 42 } as never)],
    ['createUpgradeHandler', 'with an Origin', (s: ReturnType<typeof socket>) => createUpgradeHandler(wss, {} as never)(handshake('https://app.test'), s, undefined)],
    [
      'createUpgradeHandler',
      'without a WebSocketServer',
      (s: ReturnType<typeof socket>) => createUpgradeHandler(null as never, { allowedOrigins: ['https://app.test'] })(handshake('https://app.test'), s, undefined),
    ],
  ])('%s: allowedOrigins or the server of the wrong shape (%s)', (name, _case, call) => {
    const s = socket();
    expect(() => call(s)).toThrow(TypeError);
    expect(() => call(s)).toThrow(new RegExp(`^${name}[ :]`));
    expect(s.written).toEqual([]);
  });
});

describe('checkOrigin with a RegExp', () => {
  const from = (origin: string) => ({ headers: { origin } });

  it('takes a frozen RegExp (a constant hardened with Object.freeze) and answers without throwing', () => {
    const allowed = Object.freeze(/^https:\/\/app\.example\.com$/);
    expect(checkOrigin(from('https://app.example.com'), allowed)).toBe(true);
    expect(checkOrigin(from('https://evil.example'), allowed)).toBe(false);
  });

  it("leaves the app's RegExp as it was (a g or y flag's lastIndex included)", () => {
    const allowed = /app\.example\.com/g;
    allowed.lastIndex = 3;
    expect(checkOrigin(from('https://app.example.com'), allowed)).toBe(true);
    expect(allowed.lastIndex).toBe(3);
  });
});

describe('answerHeartbeats on a long-running server', () => {
  // A server answers heartbeats for its whole life: a connection that has closed must not be kept alive by it.
  setFlagsFromString('--expose-gc');
  const collectGarbage = runInNewContext('gc') as () => void;

  /** A `ws`-shaped server that forgets a connection once it closes, as `ws` does (clientTracking). */
  function trackingServer() {
    const server = Object.assign(new EventEmitter(), { clients: new Set<EventEmitter & { readyState: number; send(data: string): void }>() });
    const connect = () => {
      const ws = Object.assign(new EventEmitter(), { readyState: 1, sent: [] as string[], send: (data: string) => void ws.sent.push(data) });
      server.clients.add(ws);
      ws.once('close', () => {
        ws.readyState = 3;
        server.clients.delete(ws);
      });
      server.emit('connection', ws);
      return ws;
    };
    return { server, connect };
  }

  it('holds nothing of a connection that has closed', async () => {
    const { server, connect } = trackingServer();
    const stop = answerHeartbeats(server);
    // Connections made and closed in a function of their own, so that no variable of the test holds the last one.
    const session = (): WeakRef<object> => {
      const ws = connect();
      ws.emit('message', Buffer.from('ping'), false);
      const answered = ws.sent.join();
      ws.emit('close');
      expect(answered).toBe('pong');
      return new WeakRef(ws);
    };
    const gone = Array.from({ length: 20 }, session);
    // WeakRefs hold their target until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(gone.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    stop();
  });

  it('stop() still silences every open connection, and new ones are not watched', () => {
    const { server, connect } = trackingServer();
    const before = connect();
    const stop = answerHeartbeats(server);
    const during = connect();
    stop();
    const after = connect();
    for (const ws of [before, during, after]) {
      ws.emit('message', Buffer.from('ping'), false);
      expect(ws.sent).toEqual([]);
      expect(ws.listenerCount('message')).toBe(0);
    }
    expect(server.listenerCount('connection')).toBe(0);
  });
});

describe('on the wire (a real http + ws server on 127.0.0.1)', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  async function start(setup: (http: Server, wss: WebSocketServer) => void): Promise<number> {
    const http = createServer((_request, response) => response.writeHead(426).end());
    const wss = new WebSocketServer({ noServer: true });
    setup(http, wss);
    servers.push(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return (http.address() as AddressInfo).port;
  }

  /** Sends a raw handshake with these extra header lines and answers the response's status code. */
  function handshakeStatus(port: number, extra: string[]): Promise<number> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let head = '';
      socket.on('data', (chunk) => {
        head += chunk.toString('latin1');
        const status = /^HTTP\/1\.1 (\d{3})/.exec(head);
        if (status) {
          socket.destroy();
          resolve(Number(status[1]));
        }
      });
      socket.on('error', reject);
      const lines = ['GET /live HTTP/1.1', 'Host: 127.0.0.1', 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', ...extra];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
  }

  it('a repeated, empty or null Origin is refused (403), whichever copy comes first', async () => {
    const port = await start((http, wss) => {
      wss.on('connection', (ws) => ws.close(1000));
      http.on('upgrade', createUpgradeHandler(wss, { allowedOrigins: ['http://app.test'] }));
    });
    expect(await handshakeStatus(port, ['Origin: http://app.test'])).toBe(101);
    expect(await handshakeStatus(port, ['Origin: http://app.test', 'Origin: http://evil.test'])).toBe(403);
    expect(await handshakeStatus(port, ['Origin: http://evil.test', 'Origin: http://app.test'])).toBe(403);
    expect(await handshakeStatus(port, ['Origin: '])).toBe(403);
    expect(await handshakeStatus(port, ['Origin: null'])).toBe(403);
  });

  it('answerHeartbeats: a client that pings and closes at once gets a clean close, and the server carries on', async () => {
    const port = await start((http, wss) => {
      answerHeartbeats(wss);
      http.on('upgrade', (request, socket, head) => wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request)));
    });
    for (let i = 0; i < 5; i++) {
      const client = new WsClient(`ws://127.0.0.1:${port}/live`);
      const closed = new Promise<number>((resolve) => client.on('close', (code) => resolve(code)));
      client.on('open', () => {
        client.send('ping');
        client.close(1000);
      });
      expect(await closed).toBe(1000);
    }
    const client = new WsClient(`ws://127.0.0.1:${port}/live`);
    const answer = new Promise<string>((resolve) => client.on('message', (data) => resolve(String(data))));
    client.on('open', () => client.send('ping'));
    expect(await answer).toBe('pong');
    client.close();
  });
});

describe('rejectUpgrade refuses a header value Node itself would refuse', () => {
  // guarantees.md: a header the response cannot carry is answered "as Node's own APIs do: a TypeError … thrown before
  // anything is written". Node's setHeader refuses any control character but HTAB, and anything outside Latin-1.
  it.each([
    ['a vertical tab', 'a\u000bb'],
    ['an escape', 'a\u001b[2Jb'],
    ['DEL', 'a\u007fb'],
    ['a character outside Latin-1', 'caf€'],
  ])('%s', (_label, value) => {
    const written: string[] = [];
    const socket = { write: (chunk: string) => written.push(chunk), destroy: () => undefined };
    expect(() => rejectUpgrade(socket, 403, 'no', { 'X-Why': value })).toThrow(/^rejectUpgrade[ :]/);
    expect(written).toEqual([]);
    expect(() => new ServerResponse(new IncomingMessage(new Socket())).setHeader('X-Why', value), 'Node refuses it too').toThrow(TypeError);
  });

  it('takes what Node takes: a tab, Latin-1, plain text', () => {
    const written: string[] = [];
    const socket = { write: (chunk: string) => written.push(chunk), destroy: () => undefined };
    rejectUpgrade(socket, 403, 'no', { 'X-Why': 'a\tcafé b' });
    expect(written.join('')).toContain('X-Why: a\tcafé b\r\n');
  });
});
