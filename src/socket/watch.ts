// The outside world's signals a socket follows: the network (online), the
// page's visibility, its back/forward cache and freeze/resume events, and the
// wake detector. Each becomes a machine input; a source that throws is
// reported and otherwise ignored.
import type { Clock, Timers } from '../environment';
import { callHook, type ErrorSink } from './errors';
import type { Input } from './machine';
import type { ResolvedOptions } from './options';
import { startWakeDetector } from './page';

/** What the watchers feed. */
export interface Watcher extends ErrorSink {
  input(input: Input): void;
  /** The socket's clock and timers. */
  readonly time: Clock & Timers;
}

/** Where the sources first stand: offline or hidden only when a source says so. */
export function initialSignals(watcher: Watcher, options: ResolvedOptions): { readonly online: boolean; readonly visible: boolean } {
  const { online, visibility } = options;
  return {
    online: online === undefined || callHook(watcher, 'online.isOnline', () => online.isOnline()) !== false,
    visible: visibility === undefined || callHook(watcher, 'visibility.isVisible', () => visibility.isVisible()) !== false,
  };
}

/** Subscribes `watcher` to every source `options` has; returns what ends each subscription, or undefined when there is none. */
export function watch(watcher: Watcher, options: ResolvedOptions): (() => void)[] | undefined {
  const { online, visibility, lifecycle } = options;
  const { time } = watcher;
  const stops: (() => void)[] = [];
  const subscribe = (name: string, call: () => unknown): void => {
    const stop = callHook(watcher, name, call);
    if (typeof stop === 'function') stops.push(stop as () => void);
  };
  if (online) subscribe('online.subscribe', () => online.subscribe((value) => watcher.input({ type: 'online', online: value !== false })));
  if (visibility) subscribe('visibility.subscribe', () => visibility.subscribe((value) => watcher.input({ type: 'visible', visible: value !== false })));
  const page = lifecycle?.page;
  if (lifecycle && page) {
    const now = (): number => time.now();
    const { backForwardCache, checkOnResume } = lifecycle;
    subscribe('lifecycle.page.subscribe', () =>
      page.subscribe((event) => {
        const type = (event as { type?: unknown } | undefined)?.type;
        const persisted = (event as { persisted?: unknown }).persisted === true;
        // A pagehide without `persisted` is the page unloading for good: nothing to keep.
        if (type === 'pagehide' && persisted && backForwardCache) watcher.input({ type: 'page-hide', at: now() });
        else if (type === 'pageshow' && persisted && backForwardCache) watcher.input({ type: 'page-show' });
        else if (type === 'freeze' && checkOnResume) watcher.input({ type: 'freeze', at: now() });
        else if (type === 'resume' && checkOnResume) watcher.input({ type: 'resume', at: now() });
      }),
    );
  }
  const driftMs = lifecycle?.wakeDriftMs;
  if (driftMs !== undefined) {
    const pageVisibility = lifecycle?.visibility;
    const isVisible = (): boolean => pageVisibility === undefined || callHook(watcher, 'visibility.isVisible', () => pageVisibility.isVisible()) !== false;
    stops.push(startWakeDetector(time, driftMs, isVisible, (sleptMs) => watcher.input({ type: 'wake', at: time.now(), sleptMs })));
  }
  return stops.length > 0 ? stops : undefined;
}
