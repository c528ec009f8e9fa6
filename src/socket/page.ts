// The page's life as injectable sources, beside browser.ts: back/forward
// cache and Page Lifecycle events, and a wake-up detector that notices the
// machine slept because a timer fired far later than it was set for.
//
// References: HTML "pagehide"/"pageshow" and PageTransitionEvent.persisted
// (https://html.spec.whatwg.org/multipage/nav-history-apis.html#pagetransitionevent);
// Page Lifecycle API freeze/resume (https://wicg.github.io/page-lifecycle/).
import type { Clock, TimerHandle, Timers } from '../environment';
import { listen, type Target } from './browser';
import type { PageSource } from './types';

/** The window's `pagehide`/`pageshow` and the document's `freeze`/`resume`, when there is a page. */
export function browserPageSource(): PageSource | undefined {
  const g = globalThis as Partial<Target> & { document?: Partial<Target> };
  const document = g.document;
  if (typeof g.addEventListener !== 'function' || typeof document?.addEventListener !== 'function') return undefined;
  const window = g as Target;
  const doc = document as Target;
  return {
    subscribe(listener) {
      const transition = (event: Event): void => listener({ type: event.type as 'pagehide' | 'pageshow', persisted: (event as Event & { persisted?: unknown }).persisted === true });
      const lifecycle = (event: Event): void => listener({ type: event.type as 'freeze' | 'resume' });
      return listen([
        [window, 'pagehide', transition],
        [window, 'pageshow', transition],
        [doc, 'freeze', lifecycle],
        [doc, 'resume', lifecycle],
      ]);
    },
  };
}

/**
 * Checks every `driftMs / 2` that its timer fires on time; one at least
 * `driftMs` late means the machine slept (or the page was stopped), and
 * `woke` is called with how late it was. Ticks that began or ended while
 * `isVisible` said false are not counted: a hidden tab's timers are
 * throttled (up to a minute in Chromium), which is not sleep. Returns what
 * stops it. `time` is the socket's clock and timers (time.ts), which run each
 * timer at most once: a timer that fires twice cannot start a second chain of ticks.
 */
export function startWakeDetector(time: Clock & Timers, driftMs: number, isVisible: () => boolean, woke: (sleptMs: number) => void): () => void {
  const periodMs = Math.max(1, Math.floor(driftMs / 2));
  let handle: TimerHandle | undefined;
  let stopped = false;
  const arm = (): void => {
    if (stopped) return;
    const due = time.now() + periodMs;
    const visibleAtStart = isVisible();
    handle = time.setTimeout(() => {
      handle = undefined;
      const lateMs = time.now() - due;
      const counted = visibleAtStart && isVisible();
      arm();
      if (counted && lateMs >= driftMs) woke(lateMs);
    }, periodMs);
  };
  arm();
  return () => {
    stopped = true;
    if (handle !== undefined) time.clearTimeout(handle);
    handle = undefined;
  };
}
