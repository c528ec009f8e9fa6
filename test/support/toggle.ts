// A boolean source (the network, the page's visibility) that a test flips by
// hand, shaped for closekit's `online`/`visibility` options and the store's.

/** A flippable boolean with subscribers; `listeners` is exposed so a test can check they are all removed. */
export function toggle(initial: boolean) {
  let value = initial;
  const listeners = new Set<(value: boolean) => void>();
  return {
    get: () => value,
    set(next: boolean) {
      value = next;
      // A copy: a listener may unsubscribe while it is being called.
      for (const listener of [...listeners]) listener(next);
    },
    subscribe(listener: (value: boolean) => void) {
      listeners.add(listener);
      return (): void => void listeners.delete(listener);
    },
    listeners,
  };
}
