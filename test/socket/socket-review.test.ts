// Adversarial review of the socket: each test here broke a promise of
// docs/guarantees.md or docs/socket.md before its fix.
import { describe, expect, it } from 'vitest';
import { HandSocket, handSocket } from '../support/hand-socket';
import { createPolicy } from '../../src/policy';
import { createSocket, isSocketError } from '../../src/socket';
import { createFakeClock, createFakeServer, type FakeClock } from '../../src/testing';

/** A WebSocket driven by hand, for events no well-behaved WebSocket (or the fake server) would fire. */
/** A socket on HandSocket retrying after 100 ms; its events recorded by name. */
function retrying(options: Record<string, unknown> = {}) {
  const { clock, socket } = handSocket({ policy: createPolicy({ backoff: { initialMs: 100, jitter: 'none' } }), ...options });
  const seen: string[] = [];
  for (const event of ['open', 'close', 'reconnecting', 'stopped', 'error'] as const) socket.on(event, () => seen.push(event));
  return { clock, socket, seen, made: HandSocket.made };
}

describe('a close event the socket cannot read is still a close', () => {
  for (const [what, event] of [
    ['without an event object', undefined],
    [
      'whose getters throw',
      {
        get wasClean(): boolean {
          throw new Error('unreadable');
        },
        get code(): number {
          throw new Error('unreadable');
        },
      },
    ],
  ] as const) {
    it(`${what}: the connection ends (its code unreadable: NaN) and the policy reconnects`, () => {
      const h = retrying();
      h.clock.advance(0);
      h.made[0]?.open();
      expect(h.socket.state).toBe('open');
      h.made[0]?.shut(event);
      expect(h.socket.state).toBe('waiting');
      expect(h.socket.lastClose?.code).toBeNaN();
      expect(h.seen).toEqual(['open', 'close', 'reconnecting']);
      h.clock.advance(100);
      expect(h.made).toHaveLength(2);
      h.socket.dispose();
    });
  }
});

describe('a clock that goes back (the system time set back, an NTP step) delays nothing', () => {
  it('with a heartbeat, a silent connection is still declared dead within intervalMs + timeoutMs', () => {
    const clock = createFakeClock();
    const server = createFakeServer({ clock });
    let setBackMs = 0;
    const socket = createSocket('ws://app.test/live', {
      WebSocket: server.WebSocket,
      clock: { now: () => clock.now() - setBackMs },
      timers: clock,
      pauseWhenOffline: false,
      heartbeat: { intervalMs: 1000, timeoutMs: 500 },
    });
    const reasons: string[] = [];
    socket.on('close', ({ result }) => reasons.push(result.reason));
    clock.advance(0);
    expect(socket.state).toBe('open');
    clock.advance(400);
    // The wall clock is set back an hour; the server stays silent.
    setBackMs = 3_600_000;
    clock.advance(1100);
    expect(reasons).toEqual(['heartbeat timeout']);
    socket.dispose();
  });
});

/** The fake clock's timers, with a clearTimeout that always throws. */
const stubborn = (clock: FakeClock) => ({
  setTimeout: (callback: () => void, delayMs: number) => clock.setTimeout(callback, delayMs),
  clearTimeout: () => {
    throw new Error('cannot clear');
  },
});

describe('timers whose clearTimeout throws: a timer that could not be cleared changes nothing when it fires', () => {
  it('the heartbeat keeps an answering connection: no heartbeat timeout', () => {
    const clock = createFakeClock();
    const server = createFakeServer({ clock, autoPong: true });
    const socket = createSocket('ws://app.test/live', {
      WebSocket: server.WebSocket,
      clock,
      timers: stubborn(clock),
      pauseWhenOffline: false,
      heartbeat: { intervalMs: 1000, timeoutMs: 500 },
    });
    const closes: string[] = [];
    socket.on('close', ({ result }) => closes.push(result.reason));
    clock.advance(0);
    clock.advance(10_000);
    expect(closes).toEqual([]);
    expect(server.connections).toHaveLength(1);
    // One ping per quiet interval, each answered.
    expect(server.received).toEqual(Array(10).fill('ping'));
    socket.dispose();
  });

  it("the attempt after a quick failure still gets connectTimeoutMs: the first attempt's connect timer does not cut it short", () => {
    const clock = createFakeClock();
    const server = createFakeServer({ clock });
    const socket = createSocket('ws://app.test/live', {
      WebSocket: server.WebSocket,
      clock,
      timers: stubborn(clock),
      pauseWhenOffline: false,
      connectTimeoutMs: 10_000,
      policy: createPolicy({ backoff: { initialMs: 1000, jitter: 'none' } }),
    });
    const closes: string[] = [];
    socket.on('close', ({ result }) => closes.push(`${result.reason || result.code} at ${clock.now()}`));
    server.refuseNext().hangNext();
    clock.advance(0);
    clock.advance(20_000);
    // Refused at once; the retry at 1 s hangs and is abandoned at 11 s, not at 10 s.
    expect(closes).toEqual(['1006 at 0', 'connect timeout at 11000']);
    socket.dispose();
  });

  it('a burst cut short by dispose(): its drain timer fires later without throwing', () => {
    const clock = createFakeClock();
    const socket = createSocket(
      () => {
        throw new Error('no url');
      },
      { WebSocket: createFakeServer({ clock }).WebSocket, clock, timers: stubborn(clock), pauseWhenOffline: false },
    );
    // An error listener that reconnects: the loop the socket runs 500 steps at a time.
    socket.on('error', () => socket.reconnect());
    clock.next();
    expect(clock.pending()).toBeGreaterThan(0);
    socket.dispose();
    expect(() => clock.runAll()).not.toThrow();
  });
});

describe('a url function whose answer cannot be read is a failing hook, reported', () => {
  it('an object whose `then` getter throws: the attempt fails at once with url-failed, and the policy retries', () => {
    const clock = createFakeClock();
    const server = createFakeServer({ clock });
    const broken = Object.defineProperty({}, 'then', {
      get() {
        throw new Error('unreadable then');
      },
    });
    const socket = createSocket(() => broken as unknown as string, {
      WebSocket: server.WebSocket,
      clock,
      timers: clock,
      pauseWhenOffline: false,
      policy: createPolicy({ backoff: { initialMs: 100, jitter: 'none' } }),
    });
    const seen: string[] = [];
    socket.on('error', (error) => seen.push(`error ${isSocketError(error) ? error.code : ''}`));
    socket.on('close', ({ result }) => seen.push(`close ${result.reason}`));
    expect(() => clock.advance(0)).not.toThrow();
    expect(seen).toEqual(['error url-failed', 'close url failed']);
    expect(socket.state).toBe('waiting');
    socket.dispose();
  });
});

describe('timers that fire each callback twice', () => {
  it('the wake detector keeps one timer: the second call of a tick arms nothing (it doubled every tick, hanging the page within a minute)', () => {
    const clock = createFakeClock();
    const server = createFakeServer({ clock, autoPong: true });
    const twice = {
      setTimeout: (callback: () => void, delayMs: number) => [clock.setTimeout(callback, delayMs), clock.setTimeout(callback, delayMs)],
      clearTimeout: (handle: unknown) => {
        for (const one of handle as unknown[]) clock.clearTimeout(one);
      },
    };
    const socket = createSocket('ws://app.test/live', {
      WebSocket: server.WebSocket,
      clock,
      timers: twice,
      pauseWhenOffline: false,
      heartbeat: { intervalMs: 1000, timeoutMs: 500 },
      lifecycle: { wakeDriftMs: 2000 },
    });
    const closes: string[] = [];
    socket.on('close', ({ result }) => closes.push(result.reason));
    clock.advance(0);
    for (let second = 0; second < 20; second++) clock.advance(1000);
    expect(closes).toEqual([]);
    // The wake detector's and the heartbeat's timers, each set twice, and the duplicates of those that fired.
    expect(clock.pending()).toBeLessThanOrEqual(8);
    socket.dispose();
  });
});
