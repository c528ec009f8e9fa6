// Adversarial review of closekit/server: each test holds one promise of
// docs/server.md, docs/retry-hints.md or guarantees.md that an edge case once broke.
import { EventEmitter } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { isCloseCodeError } from '../../src/errors';
import { answerHeartbeats, checkOrigin, closeWith, createUpgradeHandler, guardUpgrade, reasonWithRetryHint } from '../../src/server/index';

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
