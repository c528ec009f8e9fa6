// The fake clock's pending timers: a binary heap ordered by (dueMs, id), so
// timers due at the same time run in the order they were scheduled.
// Cancelling only forgets the id; a cancelled entry is skipped when it reaches
// the top, and the heap is rebuilt when such entries pile up.

/** One pending timer. `id` is also the handle `setTimeout` returns. */
export interface ScheduledTimer {
  readonly id: number;
  readonly dueMs: number;
  readonly callback: () => void;
}

/** Pending timers, earliest first. Knows nothing about the current time. */
export interface TimerQueue {
  /** Adds a timer due at `dueMs`; returns its id. */
  add(dueMs: number, callback: () => void): number;
  /** Forgets a timer; false when `id` is unknown or already taken. */
  cancel(id: unknown): boolean;
  /** Removes and returns the earliest timer if it is due at or before `limitMs`. */
  takeDueBy(limitMs: number): ScheduledTimer | undefined;
  /** How many timers are pending. */
  size(): number;
  /** The due times of the pending timers, earliest first. */
  dueTimes(): number[];
}

// Below this many entries a heap full of cancelled timers costs nothing worth a rebuild.
const REBUILD_MIN_ENTRIES = 64;

const runsBefore = (a: ScheduledTimer, b: ScheduledTimer): boolean => a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.id < b.id);

// Only called with indexes inside the heap (noUncheckedIndexedAccess cannot know).
const timerAt = (heap: ScheduledTimer[], index: number): ScheduledTimer => heap[index] as ScheduledTimer;

function swap(heap: ScheduledTimer[], i: number, j: number): void {
  [heap[i], heap[j]] = [timerAt(heap, j), timerAt(heap, i)];
}

function siftUp(heap: ScheduledTimer[], index: number): void {
  for (let i = index; i > 0; ) {
    const parent = (i - 1) >> 1;
    if (!runsBefore(timerAt(heap, i), timerAt(heap, parent))) return;
    swap(heap, i, parent);
    i = parent;
  }
}

function siftDown(heap: ScheduledTimer[], index: number): void {
  for (let i = index; ; ) {
    const left = 2 * i + 1;
    const right = left + 1;
    let first = i;
    if (left < heap.length && runsBefore(timerAt(heap, left), timerAt(heap, first))) first = left;
    if (right < heap.length && runsBefore(timerAt(heap, right), timerAt(heap, first))) first = right;
    if (first === i) return;
    swap(heap, i, first);
    i = first;
  }
}

function removeTop(heap: ScheduledTimer[]): void {
  const last = heap.pop();
  if (last !== undefined && heap.length > 0) {
    heap[0] = last;
    siftDown(heap, 0);
  }
}

/** Creates an empty {@link TimerQueue}; ids start at 1. */
export function createTimerQueue(): TimerQueue {
  let nextId = 1;
  const heap: ScheduledTimer[] = [];
  const live = new Map<number, ScheduledTimer>();

  const earliestLive = (): ScheduledTimer | undefined => {
    while (heap.length > 0 && !live.has(timerAt(heap, 0).id)) removeTop(heap);
    return heap[0];
  };

  return {
    add(dueMs, callback) {
      const timer = { id: nextId++, dueMs, callback };
      live.set(timer.id, timer);
      heap.push(timer);
      siftUp(heap, heap.length - 1);
      return timer.id;
    },
    cancel(id) {
      if (typeof id !== 'number' || !live.delete(id)) return false;
      if (heap.length > REBUILD_MIN_ENTRIES && heap.length > 2 * live.size) {
        heap.length = 0;
        for (const timer of live.values()) heap.push(timer);
        for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i);
      }
      return true;
    },
    takeDueBy(limitMs) {
      const first = earliestLive();
      if (first === undefined || first.dueMs > limitMs) return undefined;
      removeTop(heap);
      live.delete(first.id);
      return first;
    },
    size: () => live.size,
    dueTimes: () => [...live.values()].sort((a, b) => (runsBefore(a, b) ? -1 : 1)).map((timer) => timer.dueMs),
  };
}
