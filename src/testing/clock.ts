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
    throw new TypeError(`createFakeClock expects a finite start time in ms, got ${typeof startMs === 'number' ? startMs : typeof startMs}.`);
  }
  let nowMs = startMs;
  let nextId = 1;
  // A binary heap ordered by (dueMs, id), so ties run in scheduling order.
  // clearTimeout only forgets the id; cancelled entries are skipped when they
  // reach the top, and the heap is rebuilt when they pile up.
  const heap: ScheduledTimer[] = [];
  const live = new Map<number, ScheduledTimer>();

  const before = (a: ScheduledTimer, b: ScheduledTimer): boolean => a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.id < b.id);
  const at = (index: number): ScheduledTimer => heap[index] as ScheduledTimer;
  const swap = (i: number, j: number): void => {
    [heap[i], heap[j]] = [at(j), at(i)];
  };
  const siftUp = (index: number): void => {
    for (let i = index; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(at(i), at(parent))) return;
      swap(i, parent);
      i = parent;
    }
  };
  const siftDown = (index: number): void => {
    for (let i = index; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let first = i;
      if (left < heap.length && before(at(left), at(first))) first = left;
      if (right < heap.length && before(at(right), at(first))) first = right;
      if (first === i) return;
      swap(i, first);
      i = first;
    }
  };
  const popTop = (): void => {
    const last = heap.pop();
    if (last !== undefined && heap.length > 0) {
      heap[0] = last;
      siftDown(0);
    }
  };
  const insert = (timer: ScheduledTimer): void => {
    live.set(timer.id, timer);
    heap.push(timer);
    siftUp(heap.length - 1);
  };
  const earliest = (): ScheduledTimer | undefined => {
    while (heap.length > 0 && !live.has(at(0).id)) popTop();
    return heap[0];
  };

  const runFirstDueBy = (limitMs: number): boolean => {
    const first = earliest();
    if (first === undefined || first.dueMs > limitMs) return false;
    popTop();
    live.delete(first.id);
    nowMs = Math.max(nowMs, first.dueMs);
    first.callback();
    return true;
  };

  const checkMs = (ms: number, method: string): void => {
    if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
      throw new TypeError(`clock.${method} expects a duration in ms ≥ 0, got ${typeof ms === 'number' ? ms : typeof ms}.`);
    }
  };

  // NaN would never stop a run that keeps scheduling; a symbol or a string is a mistake.
  const checkLimit = (limit: number, method: string): void => {
    if (typeof limit !== 'number' || !(limit >= 1)) throw new TypeError(`clock.${method} expects a limit of timers ≥ 1 (or Infinity), got ${typeof limit === 'number' ? limit : typeof limit}.`);
  };

  const tooMany = (limit: number): Error => new Error(`clock.runAll stopped after ${limit} timers; something keeps scheduling timers (a reconnect loop that never stops?).`);

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
      if (typeof handle !== 'number' || !live.delete(handle)) return;
      if (heap.length > 64 && heap.length > 2 * live.size) {
        heap.length = 0;
        for (const timer of live.values()) heap.push(timer);
        for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);
      }
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
      checkLimit(limit, 'runAll');
      let ran = 0;
      while (runFirstDueBy(Infinity)) if (++ran >= limit && live.size > 0) throw tooMany(limit);
      return ran;
    },
    async runAllAsync(limit = DEFAULT_RUN_LIMIT) {
      checkLimit(limit, 'runAllAsync');
      let ran = 0;
      await settlePromises();
      while (runFirstDueBy(Infinity)) {
        await settlePromises();
        if (++ran >= limit && live.size > 0) throw tooMany(limit);
      }
      return ran;
    },
    pending: () => live.size,
    pendingTimes: () => [...live.values()].sort((a, b) => (before(a, b) ? -1 : 1)).map((timer) => timer.dueMs),
  };
}
