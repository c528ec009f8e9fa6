/**
 * What went wrong, for a {@link SocketError}:
 * - `url-failed`: the `url` function threw or rejected (the attempt counts as failed).
 * - `connect-failed`: the WebSocket constructor threw (e.g. a malformed URL).
 * - `refresh-failed`: `auth.refresh` threw or rejected (the run stops with `reauth-failed`).
 * - `refresh-missing`: the policy asked for re-authentication but no `auth.refresh` is configured.
 * - `listener-failed`: an event listener threw; the socket carried on.
 * - `hook-failed`: a heartbeat hook (`message`, `isPong`) threw.
 * - `send-failed`: a queued message could not be delivered after open.
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

  constructor(code: SocketErrorCode, message: string, cause?: unknown) {
    super(message);
    this.code = code;
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
