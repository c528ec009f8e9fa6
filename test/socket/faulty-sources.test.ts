// The app's injected sources of time and chance (`clock`, `timers`, `random`)
// and its WebSocket class are hooks too: one that throws or answers nonsense is
// reported and the socket carries on. Each of these wedged the socket, or ended
// a step half-way, before the fix.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSocket, isSocketError, type SocketEvents, type SocketOptions } from '../../src/socket';
import { createFakeClock, createFakeServer, type FakeClock } from '../../src/testing';
import { createPolicy } from '../../src/policy';

/** Retries after 100 ms, always. */
const retryAfter100ms = () => createPolicy({ backoff: { initialMs: 100, jitter: 'none' } });

/** A socket on the fake server with the given sources, its events recorded by name. */
function socketWith(options: Record<string, unknown>, clock: FakeClock = createFakeClock()) {
  const server = createFakeServer({ clock });
  const socket = createSocket('ws://app.test/live', {
    WebSocket: server.WebSocket,
    clock,
    timers: clock,
    random: () => 0.5,
    pauseWhenOffline: false,
    policy: retryAfter100ms(),
    ...options,
  } as SocketOptions);
  const seen: string[] = [];
  const errors: Error[] = [];
  for (const event of ['open', 'close', 'reconnecting', 'stopped'] as const) socket.on(event, () => seen.push(event));
  socket.on('error', (error) => errors.push(error));
  return { clock, server, socket, seen, errors };
}

const hookFailures = (errors: readonly Error[], hook: string) => errors.filter((e) => isSocketError(e) && e.code === 'hook-failed' && e.message.includes(hook));

afterEach(() => {
  vi.useRealTimers();
});

describe('a clock that fails is reported once, and time goes on from its last reading', () => {
  for (const [what, broken] of [
    [
      'throws',
      () => {
        throw new Error('clock broke');
      },
    ],
    ['answers NaN', () => Number.NaN],
    ['answers a string', () => '12'],
  ] as const) {
    it(`clock.now() ${what}: the close is still handled, the socket reconnects`, () => {
      const clock = createFakeClock();
      let fail = false;
      const h = socketWith({ clock: { now: () => (fail ? (broken as () => unknown)() : clock.now()) } }, clock);
      h.clock.runAll();
      expect(h.socket.state).toBe('open');
      fail = true;
      h.server.closeAll(1012, 'restart');
      h.clock.advance(0);
      expect(h.seen).toEqual(['open', 'close', 'reconnecting']);
      h.clock.runAll();
      expect(h.socket.state).toBe('open');
      h.server.closeAll(1012, 'restart again');
      h.clock.advance(0);
      h.clock.runAll();
      expect(h.seen).toEqual(['open', 'close', 'reconnecting', 'open', 'close', 'reconnecting', 'open']);
      // Reported once: the socket stops asking the broken clock.
      expect(hookFailures(h.errors, 'clock.now')).toHaveLength(1);
      expect(h.errors).toHaveLength(1);
      h.socket.dispose();
      expect(h.seen.at(-1)).toBe('stopped');
    });
  }

  it('after the failure, time goes on by Date.now() from the last reading: a long open still resets the counters', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const clock = createFakeClock();
    let fail = false;
    const h = socketWith({ clock: { now: () => (fail ? Number.NaN : clock.now()) } }, clock);
    // Two refused attempts first: the counter stands at 2 when the third opens.
    h.server.refuseNext().refuseNext();
    h.clock.runAll();
    expect(h.socket.state).toBe('open');
    expect(h.socket.attempt).toBe(2);
    fail = true;
    h.socket.send('noticed'); // the socket reads the time, and finds the clock broken
    expect(h.errors).toHaveLength(1);
    vi.setSystemTime(Date.now() + 60_000);
    h.server.closeAll(1012);
    h.clock.advance(0);
    // Open for a minute by Date.now(): past resetAfterMs (5 s), so this close counts as the first failure again.
    expect(h.socket.attempt).toBe(1);
    expect(h.errors).toHaveLength(1);
    h.socket.dispose();
  });
});

describe('timers that fail are reported once, and the socket carries on with the global timers', () => {
  it('timers.setTimeout throws after the first timer: the retry still happens', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const clock = createFakeClock();
    let calls = 0;
    const h = socketWith(
      {
        timers: {
          setTimeout: (callback: () => void, delayMs: number) => {
            if (++calls > 1) throw new Error('timers broke');
            return clock.setTimeout(callback, delayMs);
          },
          clearTimeout: (handle: unknown) => clock.clearTimeout(handle as never),
        },
      },
      clock,
    );
    h.clock.runAll();
    expect(h.socket.state).toBe('open');
    h.server.closeAll(1012);
    h.clock.advance(0);
    expect(h.seen).toEqual(['open', 'close', 'reconnecting']);
    // The retry waits on the global timer now.
    vi.advanceTimersByTime(100);
    h.clock.runAll();
    expect(h.socket.state).toBe('open');
    expect(hookFailures(h.errors, 'timers.setTimeout')).toHaveLength(1);
    expect(h.errors).toHaveLength(1);
    h.socket.dispose();
    // dispose() clears the global timers it set too: nothing is left to fire.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a listener that disposes on that error leaves no timer behind, and the run still ends in one stopped', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const clock = createFakeClock();
    let calls = 0;
    const timers = {
      setTimeout: (callback: () => void, delayMs: number) => {
        if (++calls > 1) throw new Error('timers broke');
        return clock.setTimeout(callback, delayMs);
      },
      clearTimeout: (handle: unknown) => clock.clearTimeout(handle as never),
    };
    const h = socketWith({ timers }, clock);
    h.socket.on('error', () => h.socket.dispose());
    // The first attempt sets its connect timer: the injected timers throw.
    h.clock.advance(0);
    expect(h.errors).toHaveLength(1);
    expect(h.seen).toEqual(['stopped']);
    expect(vi.getTimerCount()).toBe(0);
    expect(h.clock.pending()).toBe(0);
  });

  it('timers.clearTimeout throws: reported once; a timer it failed to clear changes nothing when it fires', () => {
    const clock = createFakeClock();
    const h = socketWith(
      {
        timers: {
          setTimeout: (callback: () => void, delayMs: number) => clock.setTimeout(callback, delayMs),
          clearTimeout: () => {
            throw new Error('cannot clear');
          },
        },
      },
      clock,
    );
    h.clock.runAll();
    expect(h.socket.state).toBe('open');
    // The connect timer was cleared at the open (and that failed); its late firing must not end the open connection.
    h.clock.advance(20_000);
    expect(h.socket.state).toBe('open');
    expect(hookFailures(h.errors, 'timers.clearTimeout')).toHaveLength(1);
    h.server.closeAll(1012);
    h.clock.advance(0);
    h.clock.runAll();
    expect(h.socket.state).toBe('open');
    expect(h.seen).toEqual(['open', 'close', 'reconnecting', 'open']);
    h.socket.dispose();
  });
});

describe('random that fails counts as a fixed draw', () => {
  it('random throws during a quick retry after the network came back: the retry is still scheduled', () => {
    let online = true;
    const listeners: ((value: boolean) => void)[] = [];
    let fail = false;
    const h = socketWith({
      pauseWhenOffline: true,
      online: {
        isOnline: () => online,
        subscribe: (listener: (value: boolean) => void) => {
          listeners.push(listener);
          return () => {};
        },
      },
      random: () => {
        if (fail) throw new Error('no entropy');
        return 0.5;
      },
    });
    h.clock.runAll();
    online = false;
    for (const listener of listeners) listener(false);
    h.server.refuseNext().refuseNext();
    h.server.closeAll(1006);
    h.clock.advance(0);
    expect(h.socket.state).toBe('waiting');
    fail = true;
    online = true;
    for (const listener of listeners) listener(true);
    // The attempt made at once is refused: a quick retry follows, whatever random does.
    h.clock.runAll();
    const retries = h.seen.filter((event) => event === 'reconnecting');
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(h.socket.state).toBe('open');
    h.socket.dispose();
  });
});

describe('a WebSocket that refuses its binaryType', () => {
  it('is a failed attempt (reported), not a step that ends half-way', () => {
    const clock = createFakeClock();
    const server = createFakeServer({ clock });
    let refuse = true;
    const Picky = class extends server.WebSocket {
      override set binaryType(value: string) {
        if (refuse) throw new Error('no binaryType for you');
        super.binaryType = value as never;
      }
      override get binaryType(): 'blob' | 'arraybuffer' {
        return super.binaryType;
      }
    };
    const socket = createSocket('ws://app.test/live', { WebSocket: Picky, binaryType: 'arraybuffer', clock, timers: clock, pauseWhenOffline: false, policy: retryAfter100ms() });

    const errors: Error[] = [];
    const closes: Parameters<SocketEvents['close']>[0][] = [];
    socket.on('error', (error) => errors.push(error));
    socket.on('close', (event) => closes.push(event));
    clock.advance(1);
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['connect-failed']);
    expect(closes.map((c) => c.result.code)).toEqual([1006]);
    expect(socket.state).toBe('waiting');
    refuse = false;
    clock.runAll();
    expect(socket.state).toBe('open');
    // The refused WebSocket was let go: the server saw it end, not a connection left open.
    expect(server.connections.filter((c) => c.state === 'open')).toHaveLength(1);
    socket.dispose();
  });
});

describe('a listener loop cannot hang the page', () => {
  it("'error' → reconnect() with an attempt that fails at once: the loop goes on timer by timer, not in one synchronous burst", () => {
    const clock = createFakeClock();
    const server = createFakeServer({ clock });
    const socket = createSocket(
      () => {
        throw new Error('no token yet');
      },
      { WebSocket: server.WebSocket, clock, timers: clock, pauseWhenOffline: false },
    );
    let errors = 0;
    socket.on('error', () => {
      errors++;
      // A naive app: every error means "try again now". Bounded here so that the old code ends too.
      if (errors < 100_000) socket.reconnect();
    });
    // One timer at a time, as a page's event loop runs them: the start timer, then whatever the burst left.
    clock.next();
    const firstBurst = errors;
    expect(firstBurst).toBeGreaterThan(1);
    expect(firstBurst).toBeLessThanOrEqual(1000);
    // The loop is the app's to end, and it goes on, a burst per timer, until it does.
    clock.next();
    expect(errors).toBeGreaterThan(firstBurst);
    expect(errors).toBeLessThanOrEqual(2 * firstBurst);
    socket.dispose();
    const atDispose = errors;
    clock.runAll();
    expect(errors).toBe(atDispose);
    expect(clock.pending()).toBe(0);
  });
});

describe('a source that fails while the socket is being created', () => {
  const broken = () => {
    throw new Error('source broke');
  };
  for (const [what, options, hooks] of [
    ['online', { pauseWhenOffline: true, online: { isOnline: broken, subscribe: broken } }, ['online.isOnline', 'online.subscribe']],
    ['visibility', { pauseWhenHidden: true, visibility: { isVisible: broken, subscribe: broken } }, ['visibility.isVisible', 'visibility.subscribe']],
    ['lifecycle.page', { lifecycle: { page: { subscribe: broken } } }, ['lifecycle.page.subscribe']],
  ] as const) {
    it(`${what}: reported on the first tick, once the app's listeners are there, and the socket connects`, () => {
      const h = socketWith(options);
      expect(h.errors).toEqual([]);
      h.clock.runAll();
      expect(h.errors.map((e) => (e as { code?: string }).code)).toEqual(hooks.map(() => 'hook-failed'));
      for (const [i, hook] of hooks.entries()) expect(h.errors[i]?.message).toContain(hook);
      expect(h.socket.state).toBe('open');
      h.socket.dispose();
    });
  }

  it('with startClosed too, and before a dispose() that comes first', () => {
    const h = socketWith({ startClosed: true, pauseWhenOffline: true, online: { isOnline: broken, subscribe: () => () => {} } });
    h.clock.runAll();
    expect(hookFailures(h.errors, 'online.isOnline')).toHaveLength(1);
    expect(h.socket.state).toBe('idle');
    const g = socketWith({ pauseWhenOffline: true, online: { isOnline: broken, subscribe: () => () => {} } });
    g.socket.dispose();
    expect(hookFailures(g.errors, 'online.isOnline')).toHaveLength(1);
    expect(g.seen).toEqual(['stopped']);
  });
});
