// The browser's network and visibility, as the store reads them when the app
// passes no source of its own. The same signals the socket pauses on by
// default (navigator.onLine, document.visibilityState), so a UI and the socket
// agree on "offline" without the socket carrying a getter for it.
import type { OnlineSource, VisibilitySource } from '../socket/types';

type Target = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

const listen =
  (target: Target, types: readonly string[], read: () => boolean) =>
  (listener: (value: boolean) => void): (() => void) => {
    const handler = (): void => listener(read());
    for (const type of types) target.addEventListener(type, handler);
    return () => {
      for (const type of types) target.removeEventListener(type, handler);
    };
  };

/** `navigator.onLine` and the window's `online`/`offline` events; undefined outside a browser. */
export function browserOnline(): OnlineSource | undefined {
  const g = globalThis as Partial<Target> & { navigator?: { onLine?: unknown } };
  const navigator = g.navigator;
  if (typeof navigator?.onLine !== 'boolean' || typeof g.addEventListener !== 'function') return undefined;
  const isOnline = (): boolean => navigator.onLine !== false;
  return { isOnline, subscribe: listen(g as Target, ['online', 'offline'], isOnline) };
}

/** `document.visibilityState` and `visibilitychange`; undefined without a document. */
export function browserVisibility(): VisibilitySource | undefined {
  const document = (globalThis as { document?: Document }).document;
  if (typeof document?.addEventListener !== 'function' || typeof document.visibilityState !== 'string') return undefined;
  const isVisible = (): boolean => document.visibilityState !== 'hidden';
  return { isVisible, subscribe: listen(document, ['visibilitychange'], isVisible) };
}
