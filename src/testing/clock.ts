import { MAX_DELAY_MS } from '../check';
import type { Clock, TimerHandle, Timers } from '../environment';
import { createTimerQueue } from './timer-queue';

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
  /** Schedules `callback` at `now() + delayMs` (a negative or non-finite delay, or one over 2147483647, counts as 0, as in a browser). */
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
   * means a loop that never stops (for example reconnecting forever); a
   * `limit` that is not a number ≥ 1 (Infinity allowed) throws a TypeError.
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

const DEFAULT_RUN_LIMIT = 10_000;
// Enough turns of the microtask queue for a chain of a few dozen awaits.
const MICROTASK_TURNS = 100;

async function settlePromises(): Promise<void> {
  for (let turn = 0; turn < MICROTASK_TURNS; turn++) await Promise.resolve();
}

// Error texts name the method (and print the bad value) so a failing test says what it did wrong.
const shown = (value: unknown): unknown => (typeof value === 'number' ? value : typeof value);

// Infinity would leave the clock at Infinity, or never return while a timer keeps rescheduling.
function checkDuration(ms: number, method: string): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new TypeError(`clock.${method} expects a finite duration in ms ≥ 0, got ${shown(ms)}.`);
  }
}

// NaN would never stop a run that keeps scheduling; a symbol or a string is a mistake.
function checkLimit(limit: number, method: string): void {
  if (typeof limit !== 'number' || !(limit >= 1)) throw new TypeError(`clock.${method} expects a limit of timers ≥ 1 (or Infinity), got ${shown(limit)}.`);
}

const tooMany = (limit: number): Error => new Error(`clock.runAll stopped after ${limit} timers; something keeps scheduling timers (a reconnect loop that never stops?).`);

// A negative or non-finite delay counts as 0, as in a browser; so does one a
// real timer cannot hold (a signed 32-bit integer), which fires at once.
const delayOrZero = (delayMs: unknown): number => (typeof delayMs === 'number' && delayMs > 0 && delayMs <= MAX_DELAY_MS ? delayMs : 0);

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
  if (typeof startMs !== 'number' || !Number.isFinite(startMs)) throw new TypeError(`createFakeClock expects a finite start time in ms, got ${shown(startMs)}.`);
  let nowMs = startMs;
  const { add, cancel, takeDueBy, size, dueTimes } = createTimerQueue();
  // Runs the earliest timer due by `limitMs`, first moving time to its due time; false when none is due.
  const runFirstDueBy = (limitMs: number): boolean => {
    const timer = takeDueBy(limitMs);
    if (timer === undefined) return false;
    nowMs = Math.max(nowMs, timer.dueMs);
    timer.callback();
    return true;
  };
  return {
    now: () => nowMs,
    setTimeout(callback, delayMs) {
      if (typeof callback !== 'function') throw new TypeError('clock.setTimeout expects a function.');
      return add(nowMs + delayOrZero(delayMs), callback);
    },
    clearTimeout: (handle) => void cancel(handle),
    advance(ms) {
      checkDuration(ms, 'advance');
      const targetMs = nowMs + ms;
      let ran = 0;
      while (runFirstDueBy(targetMs)) ran++;
      nowMs = Math.max(nowMs, targetMs);
      return ran;
    },
    async advanceAsync(ms) {
      checkDuration(ms, 'advanceAsync');
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
    next: () => runFirstDueBy(Infinity),
    runAll(limit = DEFAULT_RUN_LIMIT) {
      checkLimit(limit, 'runAll');
      let ran = 0;
      while (runFirstDueBy(Infinity)) if (++ran >= limit && size() > 0) throw tooMany(limit);
      return ran;
    },
    async runAllAsync(limit = DEFAULT_RUN_LIMIT) {
      checkLimit(limit, 'runAllAsync');
      let ran = 0;
      await settlePromises();
      while (runFirstDueBy(Infinity)) {
        await settlePromises();
        if (++ran >= limit && size() > 0) throw tooMany(limit);
      }
      return ran;
    },
    pending: size,
    pendingTimes: dueTimes,
  };
}
