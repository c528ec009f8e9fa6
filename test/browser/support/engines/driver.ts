// The thin layer every browser test goes through: one driver per engine, each
// able to open a page at a loopback URL, evaluate a function in it and await
// the result, switch the page offline, and close. Tests never import
// playwright, puppeteer or the WebDriver client directly.
import type { EngineName } from '../locate';

/** A function shipped into the page as source: it may only use its argument and the page's globals. */
export type PageFunction<A, R> = (arg: A) => R | Promise<R>;

/** One open page (a fresh document; on Chromium and Firefox also a fresh browser context). */
export interface EnginePage {
  /** Runs `fn(arg)` in the page and resolves with its (JSON-serialisable) result; rejects when it throws. */
  evaluate<A, R>(fn: PageFunction<A, R>, arg: A): Promise<R>;
  /** Takes the page's network offline or back online (see `EngineDriver.offline`). */
  setOffline(offline: boolean): Promise<void>;
  /** Closes the page and everything it opened (its WebSockets with it). */
  close(): Promise<void>;
  /** Freezes the page or makes it active again (Page Lifecycle); only where the engine has a way (Chromium's DevTools protocol). */
  setLifecycleState?(state: 'frozen' | 'active'): Promise<void>;
}

/** A running browser engine, started by the suite and stopped by it. */
export interface EngineDriver {
  readonly engine: EngineName;
  /** The engine and its version as the browser reports them, e.g. `Chromium 150.0.7794.0`. */
  readonly version: string;
  /**
   * How `setOffline` works in this engine: `native` is the browser's own
   * network emulation (new connections fail, `navigator.onLine` is false and
   * the window fires `offline`); `events` sets `navigator.onLine` and fires
   * the window's `offline`/`online` events in the page, which is what
   * closekit's default online source reads.
   */
  readonly offline: 'native' | 'events';
  /** Opens `url` and resolves once it has loaded. Only one page is open at a time. */
  open(url: string): Promise<EnginePage>;
  /** Closes the browser and every helper process it started; safe to call twice. */
  close(): Promise<void>;
}

/**
 * The page half of `offline: 'events'`: makes `navigator.onLine` report
 * `online` and fires the matching window event. Serialised into the page.
 */
export function emulateOnline(online: boolean): void {
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => online });
  globalThis.dispatchEvent(new Event(online ? 'online' : 'offline'));
}

/** Polls `fn(arg)` in the page until it returns true; throws with `what` after `timeoutMs`. */
export async function waitInPage<A>(page: EnginePage, fn: PageFunction<A, boolean>, arg: A, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = 'false';
  for (;;) {
    try {
      if (await page.evaluate(fn, arg)) return;
      last = 'false';
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not true within ${timeoutMs} ms (last: ${String(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
