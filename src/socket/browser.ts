// The browser's own network and visibility signals, as the injectable
// sources the socket takes. Each is undefined outside a browser.
import type { OnlineSource, VisibilitySource } from './types';

interface EventSource {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** `subscribe` for a browser source: each event reports a value to the listener. */
function subscribeTo(target: EventSource, events: Record<string, () => boolean>): (listener: (value: boolean) => void) => () => void {
  return (listener) => {
    const handlers = Object.keys(events).map((type) => [type, () => listener((events[type] as () => boolean)())] as const);
    for (const [type, handler] of handlers) target.addEventListener(type, handler);
    return () => {
      for (const [type, handler] of handlers) target.removeEventListener(type, handler);
    };
  };
}

/** `navigator.onLine` and the window's `online`/`offline` events, when there are some. */
export function browserOnlineSource(): OnlineSource | undefined {
  const g = globalThis as Partial<EventSource> & { navigator?: { onLine?: unknown } };
  const navigator = g.navigator;
  if (typeof navigator?.onLine !== 'boolean' || typeof g.addEventListener !== 'function' || typeof g.removeEventListener !== 'function') return undefined;
  return { isOnline: () => navigator.onLine !== false, subscribe: subscribeTo(g as EventSource, { online: () => true, offline: () => false }) };
}

/** The page's visibility, when there is a document. */
export function browserVisibilitySource(): VisibilitySource | undefined {
  const document = (globalThis as { document?: Document }).document;
  if (typeof document?.addEventListener !== 'function' || typeof document.visibilityState !== 'string') return undefined;
  const isVisible = (): boolean => document.visibilityState !== 'hidden';
  return { isVisible, subscribe: subscribeTo(document, { visibilitychange: isVisible }) };
}
