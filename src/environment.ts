// What closekit needs from the outside world. Each is injectable so tests can
// use fakes and a virtual clock; the defaults are the browser's globals.

/**
 * An `on…` handler of a {@link WebSocketLike}. Declared method-style so it is
 * checked bivariantly: the browser's, undici's and `ws`'s classes type their
 * handlers with their own `Event` classes, and still fit.
 */
export type SocketHandler<E> = {
  /** The handler itself. */
  bivarianceHack(event: E): void;
}['bivarianceHack'];

/**
 * The parts of a `WebSocket` that closekit uses. The browser's `WebSocket`,
 * undici's and the `ws` package's all fit, as does closekit/testing's fake.
 */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** The subprotocol the server chose. */
  readonly protocol: string;
  /** Bytes queued by `send()` and not yet on the wire. */
  readonly bufferedAmount?: number;
  /** How binary messages are delivered (`'blob'`, `'arraybuffer'`…). */
  binaryType: string;
  /** Called once connected. */
  onopen: SocketHandler<unknown> | null;
  /** Called with each message. */
  onmessage: SocketHandler<{ readonly data: unknown }> | null;
  /** Called on a failure; a close follows. */
  onerror: SocketHandler<unknown> | null;
  /** Called once, when the connection is closed. */
  onclose: SocketHandler<{ readonly code: number; readonly reason: string; readonly wasClean: boolean }> | null;
  /** Sends a message (what the class accepts: closekit passes on what `send()` was given). */
  send(data: never): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
}

/** A `WebSocket` constructor: `new (url, protocols?)`. `typeof WebSocket` of the browser, undici or `ws` is one. */
export type WebSocketConstructorLike = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** Opaque handle returned by {@link Timers.setTimeout}. */
export type TimerHandle = unknown;

/** Timer functions; default `globalThis.setTimeout` / `clearTimeout`. */
export interface Timers {
  /** Calls `callback` once after `delayMs`; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer that has not fired; a spent or unknown handle is ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** A monotonic-enough clock in milliseconds; default `Date.now`. */
export interface Clock {
  /** The current time in ms. */
  now(): number;
}

/** A random source returning a number in [0, 1); default `Math.random`. */
export type RandomSource = () => number;

/** The ready states of the WebSocket standard. */
export const ReadyState = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;
