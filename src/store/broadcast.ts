// Delivers a value to subscribers once per change, folding every change made
// in one synchronous step (one socket transition, a burst of sends) into one
// delivery on the next microtask. No timers.

/** What {@link createBroadcast} returns. */
export interface Broadcast<T> {
  /** Something may have changed: deliver `read()` to every listener that has not seen it, on the next microtask. */
  changed(): void;
  /** Calls `listener` at once with `read()`, then once per change; returns the unsubscribe. */
  subscribe(listener: (value: T) => void): () => void;
  /** Drops every listener; later `changed()` calls do nothing. */
  close(): void;
}

/**
 * `read` returns the current value, the same object while nothing changed;
 * `watch` starts what only matters while someone listens and returns how to
 * stop it (called when the first listener comes and the last one goes).
 */
export function createBroadcast<T>(read: () => T, watch: () => () => void): Broadcast<T> {
  /** Each subscription, with the value it last received: every listener hears each change exactly once. */
  const listeners = new Set<{ readonly listener: (value: T) => void; seen: T }>();
  let scheduled = false;
  let closed = false;
  let unwatch: (() => void) | undefined;

  function flush(): void {
    scheduled = false;
    if (closed) return;
    const current = read();
    let failure: { error: unknown } | undefined;
    for (const entry of [...listeners]) {
      if (entry.seen === current || !listeners.has(entry)) continue;
      entry.seen = current;
      // One listener that throws must not starve the others; the first error is rethrown after them.
      try {
        entry.listener(current);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  function changed(): void {
    if (scheduled || closed) return;
    scheduled = true;
    queueMicrotask(flush);
  }

  function subscribe(listener: (value: T) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError(`store.subscribe(listener): listener must be a function, got ${typeof listener}.`);
    const current = read();
    if (closed) {
      listener(current);
      return () => {};
    }
    unwatch ??= watch();
    const entry = { listener, seen: current };
    // A value read live (a network source) may have changed with no event: the others hear of it too.
    for (const other of listeners) if (other.seen !== current) changed();
    listeners.add(entry);
    const unsubscribe = (): void => {
      if (!listeners.delete(entry) || listeners.size > 0) return;
      unwatch?.();
      unwatch = undefined;
    };
    // A first call that throws makes subscribe throw, and the app never gets `unsubscribe`: nothing may stay.
    try {
      listener(current);
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  function close(): void {
    closed = true;
    listeners.clear();
    unwatch?.();
    unwatch = undefined;
  }

  return { changed, subscribe, close };
}
