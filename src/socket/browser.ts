// The browser's own network and visibility signals, as the injectable
// sources the socket takes. Each is undefined outside a browser.
import type { OnlineSource, VisibilitySource } from './types';

/** An event target: the window, the document. */
export interface Target {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

/** Adds each `[target, type, handler]` listener; returns what removes them all. */
export function listen(listeners: readonly (readonly [Target, string, (event: Event) => void])[]): () => void {
  for (const [target, type, handler] of listeners) target.addEventListener(type, handler);
  return () => {
    for (const [target, type, handler] of listeners) target.removeEventListener(type, handler);
  };
}

/** `navigator.onLine` and the window's `online`/`offline` events, when there are some. */
export function browserOnlineSource(): OnlineSource | undefined {
  const g = globalThis as Partial<Target> & { navigator?: { onLine?: unknown } };
  const navigator = g.navigator;
  if (typeof navigator?.onLine !== 'boolean' || typeof g.addEventListener !== 'function' || typeof g.removeEventListener !== 'function') return undefined;
  const window = g as Target;
  return {
    isOnline: () => navigator.onLine !== false,
    subscribe: (listener) =>
      listen([
        [window, 'online', () => listener(true)],
        [window, 'offline', () => listener(false)],
      ]),
  };
}

/** The page's visibility, when there is a document. */
export function browserVisibilitySource(): VisibilitySource | undefined {
  const document = (globalThis as { document?: Document }).document;
  if (typeof document?.addEventListener !== 'function' || typeof document.visibilityState !== 'string') return undefined;
  const isVisible = (): boolean => document.visibilityState !== 'hidden';
  return { isVisible, subscribe: (listener) => listen([[document, 'visibilitychange', () => listener(isVisible())]]) };
}
