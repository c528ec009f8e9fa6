// A virtual clock for simulations with many thousands of timers: a binary heap
// ordered by (due time, scheduling order), lazy cancellation, and a way to
// stand in for the global setTimeout / clearTimeout / Date.now while code that
// reads the globals (reconnecting-websocket, partysocket) runs.
//
// closekit's testing kit has its own fake clock for app tests; the benchmark
// needs one that can also stand in for the globals, so the anchors and
// closekit run on the same clock.

interface Timer {
  readonly id: number;
  readonly dueMs: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/** What `install()` replaced, so `restore()` can put it back. */
interface SavedGlobals {
  readonly setTimeout: typeof globalThis.setTimeout;
  readonly clearTimeout: typeof globalThis.clearTimeout;
  readonly dateNow: typeof Date.now;
}

const realSetImmediate = globalThis.setImmediate;

/** Lets every promise callback queued so far run (one real event-loop turn). */
export const settle = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

export class VirtualClock {
  private nowMs: number;
  private nextId = 1;
  private readonly heap: Timer[] = [];
  private readonly live = new Map<number, Timer>();
  private saved: SavedGlobals | undefined;

  constructor(startMs = 0) {
    this.nowMs = startMs;
  }

  /** The virtual time in ms. */
  now = (): number => this.nowMs;

  /** Schedules `callback` at now + delayMs; returns a numeric handle. */
  setTimeout = (callback: () => void, delayMs?: number): number => {
    const delay = typeof delayMs === 'number' && delayMs > 0 ? delayMs : 0;
    const timer: Timer = { id: this.nextId++, dueMs: this.nowMs + delay, callback, cancelled: false };
    this.live.set(timer.id, timer);
    this.push(timer);
    return timer.id;
  };

  /** Cancels a timer; unknown handles are ignored, as with the real one. */
  clearTimeout = (handle: unknown): void => {
    if (typeof handle !== 'number') return;
    const timer = this.live.get(handle);
    if (timer === undefined) return;
    timer.cancelled = true;
    this.live.delete(handle);
  };

  /** Timers scheduled and not yet run or cancelled. */
  pending(): number {
    return this.live.size;
  }

  /**
   * Runs every timer due up to `untilMs` in time order. After each group of
   * timers due at the same moment, promise callbacks are allowed to settle
   * (the anchors hop through promises between a timer and `new WebSocket`),
   * with the virtual time still at that moment.
   */
  async runUntil(untilMs: number, stop?: () => boolean): Promise<void> {
    for (;;) {
      const first = this.peek();
      if (first === undefined || first.dueMs > untilMs) break;
      this.nowMs = Math.max(this.nowMs, first.dueMs);
      while (this.peek()?.dueMs === this.nowMs) {
        const timer = this.pop() as Timer;
        if (timer.cancelled) continue;
        this.live.delete(timer.id);
        timer.callback();
      }
      await settle();
      if (stop?.() === true) return;
    }
    this.nowMs = Math.max(this.nowMs, untilMs);
    await settle();
  }

  /** Points the global setTimeout, clearTimeout and Date.now at this clock until `restore()`. */
  install(): void {
    if (this.saved !== undefined) return;
    this.saved = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout, dateNow: Date.now };
    globalThis.setTimeout = this.setTimeout as unknown as typeof globalThis.setTimeout;
    globalThis.clearTimeout = this.clearTimeout as unknown as typeof globalThis.clearTimeout;
    Date.now = this.now;
  }

  /** Puts back what `install()` replaced. */
  restore(): void {
    if (this.saved === undefined) return;
    globalThis.setTimeout = this.saved.setTimeout;
    globalThis.clearTimeout = this.saved.clearTimeout;
    Date.now = this.saved.dateNow;
    this.saved = undefined;
  }

  private peek(): Timer | undefined {
    // Cancelled timers are dropped lazily when they reach the top.
    while (this.heap.length > 0 && (this.heap[0] as Timer).cancelled) this.pop();
    return this.heap[0];
  }

  private static before(a: Timer, b: Timer): boolean {
    return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.id < b.id);
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!VirtualClock.before(heap[index] as Timer, heap[parent] as Timer)) break;
      [heap[index], heap[parent]] = [heap[parent] as Timer, heap[index] as Timer];
      index = parent;
    }
  }

  private pop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && VirtualClock.before(heap[left] as Timer, heap[smallest] as Timer)) smallest = left;
      if (right < heap.length && VirtualClock.before(heap[right] as Timer, heap[smallest] as Timer)) smallest = right;
      if (smallest === index) break;
      [heap[index], heap[smallest]] = [heap[smallest] as Timer, heap[index] as Timer];
      index = smallest;
    }
    return top;
  }
}
