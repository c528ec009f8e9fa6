import type { Clock, TimerHandle, Timers } from '../environment';

/**
 * A virtual clock that is also a timer source, for tests. Time only moves
 * when the test says so (`advance`, `next`, `runAll`); nothing here touches a
 * real timer, so a test that reconnects for "30 seconds" runs in microseconds.
 *
 * Pass it as both `clock` and `timers` to `createSocket`, and as `clock` to
 * `createFakeServer`.
 *
 * @example
 * const clock = createFakeClock();
 * clock.setTimeout(() => console.log('fired at', clock.now()), 500);
 * clock.advance(499); // nothing
 * clock.advance(1);   // "fired at 500"
 */
export interface FakeClock extends Clock, Timers {
  /** The virtual time in milliseconds. */
  now(): number;
  /** Schedules `callback` at `now() + delayMs` (a negative or non-finite delay counts as 0). */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer; unknown or already-run handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
  /**
   * Moves time forward by `ms`, running every timer that falls due on the way
   * in time order (ties in the order they were scheduled), including timers
   * those timers schedule. Returns how many timers ran. `advance(0)` runs what
   * is due now.
   */
  advance(ms: number): number;
  /** Like {@link FakeClock.advance}, but lets pending promise callbacks settle after every timer (for async hooks such as a token refresh). */
  advanceAsync(ms: number): Promise<number>;
  /** Jumps to the earliest pending timer and runs it. Returns false when none is pending. */
  next(): boolean;
  /**
   * Runs timers until none is pending, moving time as needed. Returns how many
   * ran. Throws after `limit` timers (default 10 000), which almost always
   * means a loop that never stops (for example reconnecting forever).
   */
  runAll(limit?: number): number;
  /** Like {@link FakeClock.runAll}, letting promise callbacks settle after every timer. */
  runAllAsync(limit?: number): Promise<number>;
  /**
   * How many timers are pending. Use it to prove a disposed object left no
   * timers behind; note that a fake server's events still on their way (such
   * as the close a `dispose()` started) are timers on this clock too.
   */
  pending(): number;
  /** The due times of the pending timers, earliest first (for debugging a test). */
  pendingTimes(): number[];
}

interface ScheduledTimer {
  readonly id: number;
  readonly dueMs: number;
  readonly callback: () => void;
}

const DEFAULT_RUN_LIMIT = 10_000;
// Enough turns of the microtask queue for a chain of a few dozen awaits.
const MICROTASK_TURNS = 100;

async function settlePromises(): Promise<void> {
  for (let turn = 0; turn < MICROTASK_TURNS; turn++) await Promise.resolve();
}

/**
 * Creates a {@link FakeClock} starting at `startMs` (default 0).
 *
 * A timer callback that throws stops the `advance`/`runAll` call that ran it
 * and the error reaches the test; the clock stays consistent (time is at that
 * timer's due time, later timers are still pending).
 *
 * @example
 * const clock = createFakeClock();
 * const socket = createSocket(url, { WebSocket: server.WebSocket, clock, timers: clock });
 * clock.advance(0); // deliver the open event
 */
export function createFakeClock(startMs = 0): FakeClock {
  if (typeof startMs !== 'number' || !Number.isFinite(startMs)) {
    throw new TypeError(`createFakeClock expects a finite start time in ms, got ${String(startMs)}.`);
  }
  let nowMs = startMs;
  let nextId = 1;
  // Kept sorted by (dueMs, id), so ties run in scheduling order.
  const timers: ScheduledTimer[] = [];

  const insert = (timer: ScheduledTimer): void => {
    let index = timers.length;
    while (index > 0 && (timers[index - 1] as ScheduledTimer).dueMs > timer.dueMs) index--;
    timers.splice(index, 0, timer);
  };

  const runFirstDueBy = (limitMs: number): boolean => {
    const first = timers[0];
    if (first === undefined || first.dueMs > limitMs) return false;
    timers.shift();
    nowMs = Math.max(nowMs, first.dueMs);
    first.callback();
    return true;
  };

  const checkMs = (ms: number, method: string): void => {
    if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
      throw new TypeError(`clock.${method} expects a duration in ms ≥ 0, got ${String(ms)}.`);
    }
  };

  const tooMany = (limit: number): Error =>
    new Error(`clock.runAll stopped after ${limit} timers; something keeps scheduling timers (a reconnect loop that never stops?).`);

  return {
    now: () => nowMs,
    setTimeout(callback, delayMs) {
      if (typeof callback !== 'function') throw new TypeError('clock.setTimeout expects a function.');
      const delay = typeof delayMs === 'number' && Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
      const timer = { id: nextId++, dueMs: nowMs + delay, callback };
      insert(timer);
      return timer.id;
    },
    clearTimeout(handle) {
      const index = timers.findIndex((timer) => timer.id === handle);
      if (index >= 0) timers.splice(index, 1);
    },
    advance(ms) {
      checkMs(ms, 'advance');
      const targetMs = nowMs + ms;
      let ran = 0;
      while (runFirstDueBy(targetMs)) ran++;
      nowMs = Math.max(nowMs, targetMs);
      return ran;
    },
    async advanceAsync(ms) {
      checkMs(ms, 'advanceAsync');
      const targetMs = nowMs + ms;
      let ran = 0;
      await settlePromises();
      while (runFirstDueBy(targetMs)) {
        ran++;
        await settlePromises();
      }
      nowMs = Math.max(nowMs, targetMs);
      return ran;
    },
    next() {
      return runFirstDueBy(Infinity);
    },
    runAll(limit = DEFAULT_RUN_LIMIT) {
      let ran = 0;
      while (runFirstDueBy(Infinity)) if (++ran >= limit && timers.length > 0) throw tooMany(limit);
      return ran;
    },
    async runAllAsync(limit = DEFAULT_RUN_LIMIT) {
      let ran = 0;
      await settlePromises();
      while (runFirstDueBy(Infinity)) {
        await settlePromises();
        if (++ran >= limit && timers.length > 0) throw tooMany(limit);
      }
      return ran;
    },
    pending: () => timers.length,
    pendingTimes: () => timers.map((timer) => timer.dueMs),
  };
}
