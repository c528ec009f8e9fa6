import { describe, expect, it, vi } from 'vitest';
import { isSocketError, type OnlineSource, type VisibilitySource } from '../../src/socket';
import { setup } from './harness';
import { toggle } from '../support/toggle';

const fixed = { backoff: { initialMs: 100, jitter: 'none' } } as const;

describe('url', () => {
  it.each([
    [
      'throws',
      () => {
        throw new Error('no token');
      },
    ],
    ['rejects', () => Promise.reject(new Error('no token'))],
    ['returns a non-string', () => 42 as unknown as string],
  ])('a url function that %s emits error and counts as a failed attempt with backoff', async (_what, broken) => {
    let calls = 0;
    const url = () => (++calls === 1 ? broken() : 'ws://app.test/live');
    const h = setup({ url, policy: fixed });
    await h.clock.advanceAsync(0);
    expect(h.of('error')).toHaveLength(1);
    const [error] = h.of('error');
    expect(isSocketError(error) && error.code).toBe('url-failed');
    expect(h.of('close')[0]?.result).toMatchObject({ code: 1006, opened: false });
    expect(h.of('reconnecting')).toMatchObject([{ attempt: 1, delayMs: 100 }]);
    expect(h.server.attempts).toBe(0);
    await h.clock.advanceAsync(100);
    expect(h.socket.state).toBe('open');
    expect(h.socket.url).toBe('ws://app.test/live');
  });

  it('accepts an async url and a URL object', async () => {
    const h = setup({ url: async () => new URL('ws://app.test/x?t=1') });
    await h.clock.advanceAsync(0);
    expect(h.server.urls).toEqual(['ws://app.test/x?t=1']);
  });

  it('a WebSocket constructor that throws (malformed URL) is a failed attempt and an error', () => {
    const h = setup({ url: 'not a url', policy: { ...fixed, maxAttempts: 2 } });
    h.clock.runAll();
    expect(h.of('error').map((e) => (e as { code?: string }).code)).toEqual(['connect-failed', 'connect-failed']);
    expect(h.of('stopped')).toMatchObject([{ cause: 'max-attempts' }]);
  });

  it('a connect timeout also covers a url promise that never settles', async () => {
    const h = setup({ url: () => new Promise<string>(() => {}), connectTimeoutMs: 500, policy: { ...fixed, maxAttempts: 1 } });
    await h.clock.advanceAsync(500);
    expect(h.of('close')[0]?.result).toMatchObject({ reason: 'connect timeout' });
  });
});

describe('pauseWhenOffline / pauseWhenHidden', () => {
  const onlineSource = (t: ReturnType<typeof toggle>): OnlineSource => ({ isOnline: t.get, subscribe: t.subscribe });
  const visibilitySource = (t: ReturnType<typeof toggle>): VisibilitySource => ({ isVisible: t.get, subscribe: t.subscribe });

  it('does not start attempts while offline, and tries at once when back online', () => {
    const net = toggle(false);
    const h = setup({ pauseWhenOffline: true, online: onlineSource(net), policy: fixed });
    h.clock.advance(60_000);
    expect(h.server.attempts).toBe(0);
    expect(h.socket.state).toBe('waiting');
    net.set(true);
    h.clock.advance(0);
    expect(h.socket.state).toBe('open');
  });

  it('skips the rest of the backoff when the network comes back', () => {
    const net = toggle(true);
    const h = setup({ pauseWhenOffline: true, online: onlineSource(net), policy: { backoff: { initialMs: 10_000, jitter: 'none' } } });
    h.clock.advance(0);
    net.set(false);
    h.server.dropAll();
    h.clock.advance(20_000);
    expect(h.server.attempts).toBe(1);
    net.set(true);
    h.clock.advance(0);
    expect(h.server.attempts).toBe(2);
    expect(h.socket.state).toBe('open');
  });

  it('pauses while hidden only when asked to', () => {
    const page = toggle(false);
    const ignoring = setup({ visibility: visibilitySource(page) });
    ignoring.clock.advance(0);
    expect(ignoring.socket.state).toBe('open');

    const h = setup({ pauseWhenHidden: true, visibility: visibilitySource(page) });
    h.clock.advance(1000);
    expect(h.server.attempts).toBe(0);
    page.set(true);
    h.clock.advance(0);
    expect(h.socket.state).toBe('open');
  });

  it('keeps track of the network while stopped', () => {
    const net = toggle(true);
    const h = setup({ pauseWhenOffline: true, online: onlineSource(net), policy: fixed, startClosed: true });
    net.set(false);
    h.socket.close();
    net.set(true); // while stopped
    h.socket.reconnect();
    h.clock.advance(0);
    h.server.dropAll();
    h.clock.advance(100);
    expect(h.server.attempts).toBe(2);
    expect(h.socket.state).toBe('open');
  });

  it('dispose() unsubscribes from the sources', () => {
    const net = toggle(true);
    const page = toggle(true);
    const h = setup({ pauseWhenOffline: true, online: onlineSource(net), pauseWhenHidden: true, visibility: visibilitySource(page) });
    expect(net.listeners.size).toBe(1);
    expect(page.listeners.size).toBe(1);
    h.socket.dispose();
    expect(net.listeners.size + page.listeners.size).toBe(0);
  });
});

describe('reconnect()', () => {
  it('restarts a stopped socket with fresh counters', () => {
    const h = setup({ policy: { ...fixed, maxAttempts: 2 } });
    h.server.setDefault('refuse');
    h.clock.runAll();
    expect(h.socket.state).toBe('stopped');
    expect(h.socket.attempt).toBe(2); // the first try and one retry failed
    h.server.setDefault('accept');
    h.socket.reconnect();
    expect(h.socket.attempt).toBe(0);
    h.clock.advance(0);
    expect(h.socket.state).toBe('open');
  });

  it('skips the backoff wait', () => {
    const h = setup({ policy: { backoff: { initialMs: 60_000, maxMs: 60_000, jitter: 'none' } } });
    h.clock.advance(0);
    h.server.dropAll();
    h.clock.advance(0);
    h.socket.reconnect();
    h.clock.advance(0);
    expect(h.socket.state).toBe('open');
    expect(h.clock.pending()).toBe(0);
  });

  it('replaces an open connection without a close event', () => {
    const h = setup();
    h.clock.advance(0);
    h.socket.reconnect();
    h.clock.advance(0);
    expect(h.server.connections.map((c) => c.state)).toEqual(['closed', 'open']);
    expect(h.of('close')).toEqual([]);
    expect(h.of('open')).toHaveLength(2);
  });

  it('ignores a refresh that resolves after reconnect() took over', async () => {
    let resolveRefresh = (): void => {};
    const h = setup({ policy: { rules: { TokenExpired: 'reauth' } }, auth: { refresh: () => new Promise<void>((r) => (resolveRefresh = r)) } });
    h.server.rejectNext('TokenExpired');
    await h.clock.advanceAsync(0);
    expect(h.socket.state).toBe('reauthenticating');
    h.socket.reconnect();
    await h.clock.advanceAsync(0);
    expect(h.socket.state).toBe('open');
    resolveRefresh();
    await h.clock.runAllAsync();
    expect(h.server.attempts).toBe(2);
  });
});

describe('close()', () => {
  it.each(['connecting', 'waiting', 'reauthenticating', 'idle'] as const)('while %s stops at once with cause client', async (state) => {
    const h = setup({
      policy: { ...fixed, rules: { TokenExpired: 'reauth' } },
      auth: { refresh: () => new Promise(() => {}) },
      startClosed: state === 'idle',
    });
    if (state === 'connecting') h.server.hangNext();
    if (state === 'waiting') h.server.refuseNext();
    if (state === 'reauthenticating') h.server.rejectNext('TokenExpired');
    await h.clock.advanceAsync(0);
    expect(h.socket.state).toBe(state);
    h.socket.send('unsent');
    h.socket.close();
    expect(h.socket.state).toBe('stopped');
    expect(h.of('stopped')).toMatchObject([{ cause: 'client', pending: ['unsent'] }]);
    await h.clock.runAllAsync();
    expect(h.server.attempts).toBe(state === 'idle' ? 0 : 1);
    expect(h.server.connections.every((c) => c.state === 'closed')).toBe(true);
  });

  it('a second close() while closing is ignored; close() after stopped is a no-op', () => {
    const h = setup();
    h.clock.advance(0);
    h.socket.close();
    h.socket.close(4000);
    h.clock.runAll();
    h.socket.close();
    expect(h.of('stopped')).toHaveLength(1);
    expect(h.server.connections[0]?.closeCode).toBe(1000);
  });
});

describe('listeners and hooks never break the machine', () => {
  it('an error listener that throws is not reported again (no loop)', () => {
    const h = setup();
    const second = vi.fn();
    h.socket.on('error', () => {
      throw new Error('error listener bug');
    });
    h.socket.on('error', second);
    h.socket.on('open', () => {
      throw new Error('open listener bug');
    });
    h.clock.advance(0);
    expect(h.socket.state).toBe('open');
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('subscribe() returns an unsubscribe function; off() and once() work with the wrapped listeners', () => {
    const h = setup();
    const onOpen = vi.fn();
    const onState = vi.fn();
    const onceOpen = vi.fn();
    const off = h.socket.subscribe('open', onOpen);
    h.socket.on('state', onState);
    h.socket.once('open', onceOpen);
    expect(h.socket.listeners('state')).toContain(onState);
    h.socket.off('state', onState);
    off();
    off();
    h.clock.advance(0);
    h.socket.reconnect();
    h.clock.advance(0);
    expect(onOpen).not.toHaveBeenCalled();
    expect(onState).not.toHaveBeenCalled();
    expect(onceOpen).toHaveBeenCalledTimes(1);
    expect(h.socket.listenerCount('open')).toBe(1); // the harness recorder
  });

  it('calls back into the socket from a listener are run after the current step', () => {
    const h = setup();
    h.socket.on('open', () => h.socket.close(4000, 'from listener'));
    h.clock.runAll();
    expect(h.of('stopped')).toMatchObject([{ cause: 'client', result: { code: 4000 } }]);
    expect(h.names().indexOf('open')).toBeLessThan(h.names().indexOf('state:closing'));
  });

  it('dispose() from inside a close listener stops everything', () => {
    const h = setup();
    h.socket.on('close', () => h.socket.dispose());
    h.clock.advance(0);
    h.server.dropAll();
    h.clock.advance(0);
    expect(h.clock.pending()).toBe(0);
    expect(h.socket.state).toBe('stopped');
    h.clock.advance(60_000);
    expect(h.server.attempts).toBe(1);
  });

  it('queued messages go out before anything an open listener sends', () => {
    const h = setup({ startClosed: true });
    h.socket.send('queued-1');
    h.socket.send('queued-2');
    h.socket.on('open', () => h.socket.send('from-open'));
    h.socket.reconnect();
    h.clock.advance(0);
    h.socket.send('later');
    expect(h.server.received).toEqual(['queued-1', 'queued-2', 'from-open', 'later']);
  });
});

describe('heartbeat hooks', () => {
  it('uses a custom ping and pong matcher', () => {
    const h = setup({
      heartbeat: { intervalMs: 100, timeoutMs: 50, message: () => JSON.stringify({ type: 'ping' }), isPong: (d) => d === '{"type":"pong"}' },
    });
    h.server.setAutoPong({ ping: '{"type":"ping"}', pong: '{"type":"pong"}' });
    h.clock.advance(0);
    h.clock.advance(1000);
    expect(h.socket.state).toBe('open');
    expect(h.of('message')).toEqual([]);
    expect(h.server.lastConnection?.received.length).toBeGreaterThanOrEqual(9);
  });

  it('an isPong that throws is reported and the message delivered', () => {
    const h = setup({
      heartbeat: {
        intervalMs: 100,
        timeoutMs: 50,
        isPong: () => {
          throw new Error('bad matcher');
        },
      },
    });
    h.clock.advance(0);
    h.server.send('data');
    h.clock.advance(0);
    expect(h.of('message')).toEqual(['data']);
    expect(h.of('error')[0]?.message).toMatch(/bad matcher/);
  });

  it('keeps one timer however busy the stream is', () => {
    const h = setup({ heartbeat: { intervalMs: 100, timeoutMs: 50 } });
    h.clock.advance(0);
    for (let i = 0; i < 100; i++) h.server.send(`m${i}`);
    h.clock.advance(0);
    expect(h.of('message')).toHaveLength(100);
    expect(h.clock.pending()).toBe(1);
  });

  it('any incoming message counts as a sign of life', () => {
    const h = setup({ heartbeat: { intervalMs: 100, timeoutMs: 50 } });
    h.clock.advance(0);
    for (let i = 0; i < 20; i++) {
      h.clock.advance(120);
      h.server.send(`tick ${i}`);
      h.clock.advance(0);
    }
    expect(h.of('close')).toEqual([]);
  });
});

describe('send()', () => {
  it('with the queue off, throws while not open', () => {
    const h = setup({ queue: false, startClosed: true });
    expect(() => h.socket.send('x')).toThrow(expect.objectContaining({ code: 'not-open' }));
  });

  it('sends straight away when open', () => {
    const h = setup();
    h.clock.advance(0);
    h.socket.send('now');
    expect(h.server.received).toEqual(['now']);
  });
});

describe('properties', () => {
  it('reflect the current connection', () => {
    const h = setup({ protocols: 'chat' });
    expect(h.socket.readyState).toBe(3);
    h.clock.advance(0);
    expect(h.socket.readyState).toBe(1);
    expect(h.socket.protocol).toBe('chat');
    expect(h.socket.lastClose).toBeUndefined();
    h.server.closeAll(1001);
    h.clock.advance(0);
    expect(h.socket.lastClose).toMatchObject({ code: 1001, name: 'GoingAway' });
    expect(h.socket.protocol).toBe('');
    expect(h.socket.readyState).toBe(3);
  });
});

describe("stopped's result is the close of its own run", () => {
  it.each([
    ['close()', (h: ReturnType<typeof setup>) => h.socket.close()],
    ['dispose()', (h: ReturnType<typeof setup>) => h.socket.dispose()],
  ])('a reconnect() after a stop, then %s before any close: result undefined, lastClose still the earlier close', (_how, end) => {
    const h = setup({});
    h.clock.advance(0);
    h.server.closeAll(1000, 'bye');
    h.clock.advance(0);
    expect(h.of('stopped')).toMatchObject([{ cause: 'policy', result: { code: 1000, reason: 'bye' } }]);
    h.socket.reconnect();
    end(h);
    expect(h.of('stopped')).toHaveLength(2);
    expect(h.of('stopped')[1]).toMatchObject({ cause: 'client', result: undefined });
    expect(h.socket.lastClose).toMatchObject({ code: 1000, reason: 'bye' });
  });

  it('a close inside the run is carried: a drop, then close() while waiting', () => {
    const h = setup({});
    h.clock.advance(0);
    h.server.closeAll(1001);
    h.clock.advance(0);
    expect(h.socket.state).toBe('waiting');
    h.socket.close();
    expect(h.of('stopped')).toMatchObject([{ cause: 'client', result: { code: 1001 } }]);
  });
});

describe('a hand-written policy', () => {
  const rules = [] as const;
  it.each([
    [
      'throws',
      () => {
        throw new Error('policy bug');
      },
    ],
    ['returns nonsense', () => ({ action: 'reconnect', delayMs: Number.NaN })],
  ])('that %s is reported and the run stops instead of looping', (_what, decide) => {
    const h = setup({ policy: { decide: decide as never, explain: () => '', rules } });
    h.server.setDefault('refuse');
    h.clock.runAll();
    expect(h.server.attempts).toBe(1);
    expect(h.of('stopped')).toMatchObject([{ cause: 'policy' }]);
    expect(h.of('error')[0]?.message).toMatch(/policy\.decide/);
  });

  it('is used as given', () => {
    const h = setup({
      policy: { decide: () => ({ action: 'reconnect', delayMs: 7, attempt: 1, rule: { source: 'default', key: 'x', origin: 'app', rule: { action: 'reconnect' } } }), explain: () => '', rules },
    });
    h.server.refuseNext();
    h.clock.advance(0);
    expect(h.of('reconnecting')).toMatchObject([{ delayMs: 7 }]);
  });
  it('after a connection open resetAfterMs, is asked with every counter reset, the previous delay included', () => {
    const contexts: unknown[] = [];
    const h = setup({
      policy: {
        decide: (_result, context) => {
          contexts.push(context);
          return { action: 'reconnect', delayMs: 300, attempt: 1, rule: { source: 'default', key: 'x', origin: 'app', rule: { action: 'reconnect' } } };
        },
        explain: () => '',
        rules,
        resetAfterMs: 1000,
      },
    });
    h.server.refuseNext();
    h.clock.advance(0);
    h.clock.advance(300);
    expect(h.socket.state).toBe('open');
    h.clock.advance(5000);
    h.server.closeAll(1001);
    h.clock.advance(0);
    expect(contexts).toMatchObject([
      { attempt: 0, previousDelayMs: 0 },
      { attempt: 0, reauthAttempt: 0, previousDelayMs: 0, uptimeMs: 5000 },
    ]);
  });
});
