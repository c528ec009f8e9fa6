/**
 * What went wrong, for a {@link SocketError}:
 * - `url-failed`: the `url` function threw or rejected (the attempt counts as failed).
 * - `connect-failed`: the WebSocket constructor threw (e.g. a malformed URL).
 * - `refresh-failed`: `auth.refresh` threw, rejected or did not settle within `auth.timeoutMs` (the run stops with `reauth-failed`).
 * - `refresh-missing`: the policy asked for re-authentication but no `auth.refresh` is configured.
 * - `listener-failed`: an event listener threw; the socket carried on.
 * - `hook-failed`: a hook (`heartbeat.message`/`isPong`/`answer`, `queue.ack`, a hand-written `policy.decide`, the injected `clock` or `timers`, an online, visibility or page source) threw or answered nonsense.
 * - `send-failed`: the WebSocket refused a message (`send()` throws it; for a queued message it is emitted, with the message in `dropped`).
 * - `invalid-option`: `createSocket` was given a bad option (`option` names it).
 * - `invalid-data`: `send()` was given something a WebSocket cannot send.
 * - `not-open`: `send()` while not open with the queue turned off.
 * - `queue-full`: `send()` with a full queue and `overflow: 'error'`.
 * - `stopped`: `send()` after the run stopped.
 * - `disposed`: the socket was disposed.
 */
export type SocketErrorCode =
  | 'url-failed'
  | 'connect-failed'
  | 'refresh-failed'
  | 'refresh-missing'
  | 'listener-failed'
  | 'hook-failed'
  | 'send-failed'
  | 'invalid-option'
  | 'invalid-data'
  | 'not-open'
  | 'queue-full'
  | 'stopped'
  | 'disposed';

/**
 * Thrown by `send()` when a message cannot be sent or kept, and emitted
 * through the socket's `error` event when a hook or listener fails. The
 * original error, if any, is in `cause`.
 *
 * @example
 * socket.on('error', (e) => { if (isSocketError(e) && e.code === 'url-failed') showLoginHint() });
 */
export class SocketError extends Error {
  override readonly name = 'SocketError' as const;
  /** What went wrong. */
  readonly code: SocketErrorCode;
  /** For `invalid-option`: the path of the offending option, e.g. `heartbeat.intervalMs`. */
  readonly option: string | undefined;

  constructor(code: SocketErrorCode, message: string, cause?: unknown, option?: string) {
    // Production builds pass no text (dev.ts): the code is the message then.
    super(message || code);
    this.code = code;
    this.option = option;
    // Set by hand: `Error`'s `cause` option needs an ES2022 lib, closekit targets ES2020.
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

/** True when `error` is a {@link SocketError} (also across bundles and realms). */
export function isSocketError(error: unknown): error is SocketError {
  return error instanceof SocketError || (error instanceof Error && error.name === 'SocketError');
}

/** A short description of a thrown value for an error message. */
export function describeThrown(value: unknown): string {
  if (value instanceof Error) return value.message || value.name;
  try {
    return String(value);
  } catch {
    return 'an unprintable value';
  }
}

/** A `SocketError` for a thrown or rejected value: "<what>: <what was thrown>". */
export const thrown = (code: SocketErrorCode, what: string, error: unknown, cause: unknown = error): SocketError => new SocketError(code, `${what}: ${describeThrown(error)}`, cause);

/** `value` as an Error (a thrown string or object wrapped). */
export const toError = (value: unknown): Error => (value instanceof Error ? value : new Error(describeThrown(value)));

/** Something that takes the errors a hook or a listener caused: the runner, the outbox's reports. */
export interface ErrorSink {
  error(error: Error): void;
}

/**
 * Calls an app hook (`name` says which, e.g. `queue.ack.idOf`); a throw is
 * reported to `sink` as a `hook-failed` SocketError and gives `fallback`
 * (default undefined).
 */
export function callHook<T, F = undefined>(sink: ErrorSink, name: string, hook: () => T, fallback?: F): T | F {
  try {
    return hook();
  } catch (error) {
    sink.error(thrown('hook-failed', `${name} threw`, error));
    return fallback as F;
  }
}
