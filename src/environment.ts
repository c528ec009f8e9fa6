// What closekit needs from the outside world. Each is injectable so tests can
// use fakes and a virtual clock; the defaults are the browser's globals.

/** The parts of a `WebSocket` that closekit uses. Browsers, undici and `ws` all fit. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  readonly bufferedAmount?: number;
  binaryType: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: { readonly code: number; readonly reason: string; readonly wasClean: boolean }) => void) | null;
  send(data: never): void;
  close(code?: number, reason?: string): void;
}

/** A `WebSocket` constructor: `new (url, protocols?)`. */
export type WebSocketConstructorLike = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** Opaque handle returned by {@link Timers.setTimeout}. */
export type TimerHandle = unknown;

/** Timer functions; default `globalThis.setTimeout` / `clearTimeout`. */
export interface Timers {
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** A monotonic-enough clock in milliseconds; default `Date.now`. */
export interface Clock {
  now(): number;
}

/** A random source returning a number in [0, 1); default `Math.random`. */
export type RandomSource = () => number;

/** The ready states of the WebSocket standard. */
export const ReadyState = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;
