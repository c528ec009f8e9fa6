// Regression tests for issue #11: each numbered promise that a fault run broke,
// pinned against the fake server and fake clock. Every test here failed before
// its fix.
import { describe, expect, it } from 'vitest';
import { type CloseResult, classify } from '../../src/classify';
import { defineCloseCodes } from '../../src/codes';
import { isPolicyError } from '../../src/errors';
import { createPolicy } from '../../src/policy';
import type { PolicyContext } from '../../src/policy/types';
import { createSocket, isSocketError, type SendData, type SocketEvents } from '../../src/socket';
import { createFakeServer } from '../../src/testing';
import { compilePolicy } from '../support/policy';
import { setup } from './harness';

const MAX_DELAY = 2 ** 31 - 1;

/** Three messages queued before the first open; the server closes that first connection with `code` at once. */
function queuedThenClosed(code: number, options: Parameters<typeof setup>[0] = {}) {
  const h = setup({ policy: { backoff: { initialMs: 100, jitter: 'none' } }, ...options });
  h.server.rejectNext(code, 'go away');
  for (const m of ['m1', 'm2', 'm3']) h.socket.send(m);
  return h;
}

/** queuedThenClosed(code), with dispose() called from the first `event` after that close; says whether it was called. */
function disposedFrom(event: keyof SocketEvents, code: number) {
  const h = queuedThenClosed(code);
  let called = false;
  h.socket.on(event, () => {
    if (!called && h.socket.lastClose !== undefined) {
      called = true;
      h.socket.dispose();
    }
  });
  h.clock.runAll();
  return { h, called };
}

describe('#11.1 dispose() from inside a listener still reports the step, exactly once', () => {
  const listeners: (keyof SocketEvents)[] = ['close', 'rejected', 'state'];

  it.each(listeners)('1008 (stop) with dispose() in a %s listener: one stopped, the queued messages handed back', (event) => {
    const { h, called } = disposedFrom(event, 1008);
    expect(called).toBe(event !== 'rejected'); // 1008 is standard: no `rejected`
    const stopped = h.of('stopped');
    expect(stopped).toHaveLength(1);
    expect(stopped[0]?.pending).toEqual(['m1', 'm2', 'm3']);
    expect(h.clock.pending()).toBe(0);
  });

  it.each(listeners)('4000 (reconnect) with dispose() in a %s listener: stopped client with all three queued', (event) => {
    const { h, called } = disposedFrom(event, 4000);
    expect(called).toBe(true);
    expect(h.of('stopped')).toEqual([{ cause: 'client', result: expect.objectContaining({ code: 4000 }), pending: ['m1', 'm2', 'm3'] }]);
    expect(h.server.attempts).toBe(1);
    expect(h.clock.pending()).toBe(0);
  });

  it('dispose() in an error listener (a failing url function): one stopped with the queue', () => {
    const h = setup({
      url: () => {
        throw new Error('no token');
      },
    });
    h.socket.send('m1');
    h.socket.on('error', () => h.socket.dispose());
    h.clock.runAll();
    expect(h.of('stopped')).toEqual([{ cause: 'client', result: expect.objectContaining({ code: 1006 }), pending: ['m1'] }]);
    expect(h.server.attempts).toBe(0);
  });

  it('dispose() in a stopped listener: no second stopped', () => {
    const h = queuedThenClosed(1008);
    h.socket.on('stopped', () => h.socket.dispose());
    h.clock.runAll();
    expect(h.of('stopped')).toHaveLength(1);
  });

  it('a listener calling dispose() stops later listeners from starting anything: no new connection', () => {
    const h = queuedThenClosed(4000);
    h.socket.on('reconnecting', () => h.socket.dispose());
    h.clock.runAll();
    expect(h.server.attempts).toBe(1);
    expect(h.of('stopped')).toHaveLength(1);
    expect(() => h.socket.send('late')).toThrow(expect.objectContaining({ code: 'disposed' }));
  });
});

describe('#11.2 durations of 2^31 ms or more are refused (setTimeout would fire them at once)', () => {
  it.each([
    [{ backoff: { maxMs: 2 ** 31 } }, 'backoff.maxMs'],
    [{ backoff: { initialMs: 2 ** 31, maxMs: 2 ** 32 } }, 'backoff.initialMs'],
    [{ rules: { 4000: { action: 'reconnect', delayMs: 2 ** 31 } } }, 'rules.4000.delayMs'],
    [{ resetAfterMs: 2 ** 31 }, 'resetAfterMs'],
  ] as const)('createPolicy(%j) throws a PolicyError naming %s and the maximum', (options, option) => {
    let error: unknown;
    try {
      createPolicy(options as never);
    } catch (e) {
      error = e;
    }
    expect(isPolicyError(error)).toBe(true);
    expect(error).toMatchObject({ option });
    expect((error as Error).message).toContain(String(MAX_DELAY));
  });

  it('the largest delay setTimeout honours is accepted, and Infinity still means never reset', () => {
    expect(() => createPolicy({ backoff: { maxMs: MAX_DELAY }, rules: { 4000: { action: 'reconnect', delayMs: MAX_DELAY } } })).not.toThrow();
    expect(() => createPolicy({ resetAfterMs: Infinity })).not.toThrow();
  });

  it.each([
    [{ connectTimeoutMs: 2 ** 31 }, 'connectTimeoutMs'],
    [{ heartbeat: { intervalMs: 2 ** 31, timeoutMs: 1000 } }, 'heartbeat.intervalMs'],
    [{ heartbeat: { intervalMs: 1000, timeoutMs: 2 ** 40 } }, 'heartbeat.timeoutMs'],
    [{ queue: { confirmAfterMs: 2 ** 31 } }, 'queue.confirmAfterMs'],
    [{ auth: { refresh: () => {}, timeoutMs: 2 ** 31 } }, 'auth.timeoutMs'],
    [{ policy: { backoff: { maxMs: 2 ** 31 } } }, 'backoff.maxMs'],
  ] as const)('createSocket(url, %j) throws a typed error naming %s and the maximum', (options, option) => {
    const server = createFakeServer();
    let error: unknown;
    try {
      // A policy row is compiled as an app would (createPolicy throws the PolicyError).
      createSocket('ws://x.test', compilePolicy({ WebSocket: server.WebSocket, timers: server.clock, clock: server.clock, ...options }) as never);
    } catch (e) {
      error = e;
    }
    expect(isSocketError(error) || isPolicyError(error)).toBe(true);
    expect(error).toMatchObject({ option });
    expect((error as Error).message).toContain(String(MAX_DELAY));
  });

  it('a hand-written policy answering a delay over the maximum is reported and the run stops, never a 1 ms loop', () => {
    const h = setup({
      policy: {
        decide: () => ({ action: 'reconnect', delayMs: 2 ** 31, attempt: 1, rule: { source: 'default', key: 'x', origin: 'app', rule: { action: 'reconnect' } } }),
        explain: () => '',
        rules: [],
      },
    });
    h.server.setDefault({ reject: 4000 });
    h.clock.runAll();
    expect(h.server.attempts).toBe(1);
    expect(h.of('stopped')).toMatchObject([{ cause: 'policy' }]);
    expect(h.of('error')[0]).toMatchObject({ code: 'hook-failed' });
  });
});

describe('#11.3 classify never throws, whatever the options', () => {
  const event = { code: 4001, reason: 'x', wasClean: true };
  const throwing = new Proxy(
    {},
    {
      get() {
        throw new Error('getter');
      },
    },
  );
  it.each([
    ['null options', null],
    ['a number', 5],
    ['codes: {}', { codes: {} }],
    ['codes: null', { codes: null }],
    [
      'nameOf that throws',
      {
        codes: {
          nameOf: () => {
            throw new Error('x');
          },
        },
      },
    ],
    ['nameOf returning a number', { codes: { nameOf: () => 7 } }],
    ['options whose getters throw', throwing],
    ['codes whose getters throw', { codes: throwing }],
  ])('%s', (_, options) => {
    const result = classify(event, options as never);
    expect(result).toMatchObject({ code: 4001, kind: 'application', name: undefined });
  });

  it('an event whose getters throw', () => {
    expect(classify(throwing as never)).toMatchObject({ kind: 'invalid', reason: '' });
  });

  it('a real contract still names the code', () => {
    expect(classify(event, { codes: defineCloseCodes({ TokenExpired: 4001 }) }).name).toBe('TokenExpired');
  });
});

describe('#11.4 send() of what a WebSocket cannot send: the same SocketError in every state, nothing queued', () => {
  const bad: unknown[] = [123, null, undefined, {}, [1, 2], true, Symbol('s'), () => 'x', 10n];
  it.each(bad.map((value) => [String(typeof value), value]))('%s while connecting, open and waiting', (_, value) => {
    const h = setup({ policy: { backoff: { initialMs: 100, jitter: 'none' } } });
    const expectInvalid = () => {
      let error: unknown;
      try {
        h.socket.send(value as SendData);
      } catch (e) {
        error = e;
      }
      expect(isSocketError(error) && error.code).toBe('invalid-data');
    };
    expectInvalid(); // idle, about to connect
    h.clock.advance(0);
    expect(h.socket.state).toBe('open');
    expectInvalid();
    h.server.closeAll(4000);
    h.clock.advance(0);
    expect(h.socket.state).toBe('waiting');
    expectInvalid();
    h.clock.runAll();
    expect(h.server.received).toEqual([]);
    expect(h.of('dropped')).toEqual([]);
  });

  it('strings, ArrayBuffers, views and Blobs are accepted', () => {
    const h = setup();
    for (const data of ['s', new ArrayBuffer(2), new Uint8Array(2), new DataView(new ArrayBuffer(1)), new Blob(['b'])]) h.socket.send(data);
    h.clock.runAll();
    expect(h.server.received).toHaveLength(5);
  });

  it('a send the open WebSocket itself refuses is a SocketError send-failed, with the cause', () => {
    const h = setup();
    h.clock.advance(0);
    const client = h.server.lastConnection?.socket as unknown as { send(data: unknown): void };
    const refusal = new Error('buffer full');
    client.send = () => {
      throw refusal;
    };
    let error: unknown;
    try {
      h.socket.send('x');
    } catch (e) {
      error = e;
    }
    expect(isSocketError(error) && error.code).toBe('send-failed');
    expect((error as { cause?: unknown }).cause).toBe(refusal);
  });
});

describe('#11.5 an auth.refresh that never settles times out', () => {
  it('default 30 s: stopped reauth-failed with a refresh-failed error saying so', async () => {
    const h = setup({ policy: { rules: { TokenExpired: 'reauth' } }, auth: { refresh: () => new Promise(() => {}) } });
    h.server.rejectNext('TokenExpired');
    await h.clock.advanceAsync(0);
    expect(h.socket.state).toBe('reauthenticating');
    await h.clock.advanceAsync(29_999);
    expect(h.socket.state).toBe('reauthenticating');
    await h.clock.advanceAsync(1);
    expect(h.of('stopped')).toMatchObject([{ cause: 'reauth-failed', result: { code: 4001 } }]);
    const [error] = h.of('error');
    expect(isSocketError(error) && error.code).toBe('refresh-failed');
    expect(error?.message).toMatch(/30000 ms/);
    expect(h.clock.pending()).toBe(0);
  });

  it('auth.timeoutMs sets it; a late resolve is ignored', async () => {
    let resolve: () => void = () => {};
    const h = setup({ policy: { rules: { TokenExpired: 'reauth' } }, auth: { refresh: () => new Promise<void>((r) => (resolve = r)), timeoutMs: 500 } });
    h.server.rejectNext('TokenExpired');
    await h.clock.advanceAsync(500);
    expect(h.of('stopped')).toMatchObject([{ cause: 'reauth-failed' }]);
    resolve();
    await h.clock.runAllAsync();
    expect(h.server.attempts).toBe(1);
    expect(h.of('stopped')).toHaveLength(1);
  });

  it('a refresh that settles in time clears its timer', async () => {
    const h = setup({ policy: { rules: { TokenExpired: { action: 'reauth', delayMs: 0 } } }, auth: { refresh: async () => {}, timeoutMs: 500 } });
    h.server.rejectNext('TokenExpired');
    await h.clock.runAllAsync();
    expect(h.socket.state).toBe('open');
    expect(h.clock.pending()).toBe(0);
  });
});

describe("#11.6 resetAfterMs has one owner: the socket resets its counters by the policy's figure, whoever wrote the policy", () => {
  const options = { resetAfterMs: 60_000, maxAttempts: 3, backoff: { initialMs: 10, jitter: 'none' } } as const;
  const compiled = () => createPolicy(options);
  // An app's own policy that delegates, spread so that resetAfterMs comes along (as docs/policy.md shows).
  const wrapped = () => {
    const inner = createPolicy(options);
    return { ...inner, decide: (result: CloseResult, context: PolicyContext) => inner.decide(result, context) };
  };
  const both = [
    ['createPolicy(options)', compiled],
    ['a hand-written policy carrying its resetAfterMs', wrapped],
  ] as const;
  it.each(both)('%s: connections living 10 s each stop after 3 sockets', (_, policy) => {
    const h = setup({ policy: policy() });
    for (let i = 0; i < 10; i++) {
      h.clock.advance(10_000);
      h.server.closeAll(1011);
    }
    h.clock.runAll();
    expect(h.server.attempts).toBe(3);
    expect(h.of('stopped')).toMatchObject([{ cause: 'max-attempts' }]);
  });

  it.each(both)('%s: with a stable open (past resetAfterMs) the counters start again', (_, policy) => {
    const h = setup({ policy: policy() });
    for (let i = 0; i < 5; i++) {
      h.clock.advance(70_000);
      h.server.closeAll(1011);
    }
    h.clock.advance(100);
    expect(h.of('stopped')).toEqual([]);
    expect(h.server.attempts).toBe(6);
    expect(h.of('reconnecting').map((r) => r.attempt)).toEqual([1, 1, 1, 1, 1]);
  });

  it('a hand-written policy without resetAfterMs gets the raw counts and the uptime: the socket resets nothing', () => {
    const seen: PolicyContext[] = [];
    const policy = {
      decide: (_result: CloseResult, context: PolicyContext) => {
        seen.push(context);
        return { action: 'reconnect' as const, delayMs: 10, attempt: (context.attempt ?? 0) + 1 };
      },
    };
    const h = setup({ policy: policy as never });
    for (let i = 0; i < 3; i++) {
      h.clock.advance(70_000);
      h.server.closeAll(1011);
    }
    h.clock.advance(100);
    expect(seen.map((c) => c.attempt)).toEqual([0, 1, 2]);
    expect(seen.every((c) => (c.uptimeMs ?? 0) > 60_000)).toBe(true);
  });
});

describe('#11.7 misspelt socket options are refused with a typed error naming them', () => {
  const server = createFakeServer();
  const base = { WebSocket: server.WebSocket };
  it.each([
    [{ hearbeat: { intervalMs: 1, timeoutMs: 1 } }, 'hearbeat', /Did you mean 'heartbeat'/],
    [{ maxAttempts: 3 }, 'maxAttempts', /policy/],
    [{ heartbeat: { intervalMs: 1000, timeoutMs: 100, timout: 5 } }, 'heartbeat.timout', /timeoutMs/],
    [{ queue: { maxx: 3 } }, 'queue.maxx', /Did you mean 'max'/],
    [{ auth: { refresh: () => {}, refesh: 1 } }, 'auth.refesh', /refresh/],
    [{ connectTimeoutMs: -1 }, 'connectTimeoutMs', /≥|>/],
    [{ WebSocket: 42 }, 'WebSocket', /constructor/],
    [{ online: { isOnline: () => true } }, 'online', /subscribe/],
  ] as const)('%j → SocketError option %s', (options, option, message) => {
    let error: unknown;
    try {
      createSocket('ws://x.test', { ...base, ...options } as never);
    } catch (e) {
      error = e;
    }
    expect(isSocketError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'invalid-option', option });
    expect((error as Error).message).toMatch(message);
  });

  it('a bad url is the same typed error', () => {
    expect(() => createSocket(42 as never, base)).toThrow(expect.objectContaining({ name: 'SocketError', code: 'invalid-option', option: 'url' }));
  });
});

describe('#11.8 exact delivery with queue.ack: what the server never acknowledged comes back', () => {
  const ack = {
    idOf: (data: SendData) => (typeof data === 'string' && data.startsWith('{') ? JSON.parse(data).id : undefined),
    acked: (data: unknown) => (typeof data === 'string' && data.startsWith('ack:') ? data.slice(4) : undefined),
  };
  const msg = (id: string) => JSON.stringify({ id });

  it('the server acks m1 and restarts: m2–m5 are re-sent after the reconnect, in order', () => {
    const h = setup({ queue: { ack }, policy: { backoff: { initialMs: 100, jitter: 'none' } } });
    h.clock.advance(0);
    for (const id of ['m1', 'm2', 'm3', 'm4', 'm5']) h.socket.send(msg(id));
    h.clock.advance(0);
    h.server.send('ack:m1');
    h.clock.advance(5000); // long past confirmAfterMs: time confirms nothing in ack mode
    h.server.restart({ downForMs: 1000 });
    h.clock.runAll();
    expect(h.socket.state).toBe('open');
    const first = h.server.connections[0];
    const last = h.server.connections.at(-1);
    expect(first?.received).toEqual(['m1', 'm2', 'm3', 'm4', 'm5'].map(msg));
    expect(last?.received).toEqual(['m2', 'm3', 'm4', 'm5'].map(msg));
    expect(h.of('dropped')).toEqual([]);
  });

  it('a run that stops hands back exactly the unacknowledged messages', () => {
    const h = setup({ queue: { ack } });
    h.clock.advance(0);
    for (const id of ['m1', 'm2', 'm3']) h.socket.send(msg(id));
    h.clock.advance(0);
    h.server.send('ack:m2');
    h.clock.advance(0);
    h.server.closeAll(1008);
    h.clock.runAll();
    expect(h.of('stopped')).toMatchObject([{ cause: 'policy', pending: [msg('m1'), msg('m3')] }]);
  });

  it('acks are still delivered as messages; untracked messages (idOf → undefined) are fire-and-forget', () => {
    const h = setup({ queue: { ack } });
    h.clock.advance(0);
    h.socket.send('plain');
    h.socket.send(msg('a'));
    h.clock.advance(0);
    h.server.send('ack:a');
    h.clock.advance(0);
    h.server.closeAll(1008);
    h.clock.runAll();
    expect(h.of('message')).toEqual(['ack:a']);
    expect(h.of('stopped')[0]?.pending).toEqual([]);
  });

  it('max bounds queued plus unacknowledged: overflow is reported, never silent', () => {
    const h = setup({ queue: { ack, max: 2, overflow: 'drop-oldest' } });
    h.clock.advance(0);
    for (const id of ['m1', 'm2', 'm3']) h.socket.send(msg(id));
    // m1 and m2 are in flight and may still be acknowledged: the new message is the one that goes.
    expect(h.of('dropped')).toEqual([{ messages: [msg('m3')] }]);
    const refuse = setup({ queue: { ack, max: 2, overflow: 'error' } });
    refuse.clock.advance(0);
    refuse.socket.send(msg('m1'));
    refuse.socket.send(msg('m2'));
    expect(() => refuse.socket.send(msg('m3'))).toThrow(expect.objectContaining({ code: 'queue-full' }));
  });

  it('idOf or acked that throws is reported; the message stays tracked', () => {
    const h = setup({
      queue: {
        ack: {
          idOf: () => 'same',
          acked: () => {
            throw new Error('bad ack parser');
          },
        },
      },
    });
    h.clock.advance(0);
    h.socket.send('x');
    h.clock.advance(0);
    h.server.send('whatever');
    h.clock.advance(0);
    h.server.closeAll(1008);
    h.clock.runAll();
    expect(h.of('error')[0]).toMatchObject({ code: 'hook-failed' });
    expect(h.of('stopped')[0]?.pending).toEqual(['x']);
  });
});
