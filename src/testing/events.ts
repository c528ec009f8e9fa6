// Event objects and a minimal listener registry for the fake WebSocket. Plain
// objects rather than DOM classes: Node 20 has no CloseEvent, and the kit must
// run in any test runner.

/**
 * A handler type checked like a method (bivariantly), so a fake socket with
 * typed handlers still fits interfaces that declare `(event: unknown) => void`.
 */
export type EventHandler<E> = {
  /** Called with the event. */
  handle(event: E): void;
}['handle'];

/** The `open` event of a fake WebSocket. */
export interface FakeOpenEvent<T = unknown> {
  readonly type: 'open';
  readonly target: T;
}

/**
 * The `message` event of a fake WebSocket; `data` is what the server sent,
 * except that binary data (an ArrayBuffer or a view) arrives as a Blob or an
 * ArrayBuffer by the socket's `binaryType`, as in a browser.
 */
export interface FakeMessageEvent<T = unknown> {
  readonly type: 'message';
  readonly data: unknown;
  readonly target: T;
}

/** The `error` event of a fake WebSocket. Like a browser's, it carries no reason. */
export interface FakeErrorEvent<T = unknown> {
  readonly type: 'error';
  readonly target: T;
}

/** The `close` event of a fake WebSocket, shaped like a `CloseEvent`. */
export interface FakeCloseEvent<T = unknown> {
  readonly type: 'close';
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  readonly target: T;
}

/** Events of a fake WebSocket by type. */
export interface FakeEventMap<T = unknown> {
  open: FakeOpenEvent<T>;
  message: FakeMessageEvent<T>;
  error: FakeErrorEvent<T>;
  close: FakeCloseEvent<T>;
}

/** The event types a fake WebSocket dispatches. */
export type FakeEventType = keyof FakeEventMap;

/** What `addEventListener` accepts: a function or an object with `handleEvent`. */
export type FakeListener<E> =
  | EventHandler<E>
  | {
      /** Called with each event, as for a DOM `EventListener` object. */
      handleEvent(event: E): void;
    };

/** An error shaped like the DOMException a browser throws (`name` is what tests check). */
export function domError(name: 'InvalidAccessError' | 'SyntaxError' | 'InvalidStateError', message: string): Error {
  if (typeof DOMException === 'function') return new DOMException(message, name);
  const error = new Error(message);
  error.name = name;
  return error;
}
