import { CloseCode, isSendableCode, type CloseCodeContract, type CloseCodeMap, type CloseCodeName } from '../codes';
import { CloseCodeError, show } from '../errors';
import { trimReason } from './reason';
import { reasonWithRetryHint } from './retry-hint';
import type { ClosableSocket } from './types';

/** Names of the IANA codes a server may send (all but 1005, 1006 and 1015), e.g. `'TryAgainLater'`. */
export type SendableCodeName = Exclude<CloseCodeName, 'NoStatusReceived' | 'AbnormalClosure' | 'TLSHandshake'>;

/** A code for {@link closeWith}: a number, an IANA name, or a name from the app's contract. */
export type ServerCloseCode<N extends string = never> = number | SendableCodeName | N;

/** Options for {@link closeWith} and {@link rejectAfterAccept}. */
export interface CloseWithOptions<M extends CloseCodeMap = CloseCodeMap> {
  /** The app's contract from `defineCloseCodes`, so `code` can be one of its names. */
  readonly codes?: CloseCodeContract<M>;
  /**
   * Asks the client to wait this long before reconnecting: a retry hint is
   * added at the end of the reason (`'restarting retry-after=30s'`; see
   * docs/retry-hints.md), which closekit's classify reads as `retryAfterMs`
   * and its policies honour. A whole number of ms, 0 to 9999999, or
   * whole seconds up to 9999999 s; anything else throws a `CloseCodeError`
   * (rule `retry-hint`).
   */
  readonly retryAfterMs?: number;
}

/** The retry hint alone, for a {@link Closer}'s functions (the contract is already bound). */
export type RetryHintOptions = Pick<CloseWithOptions, 'retryAfterMs'>;

/** What was put in the close frame. */
export interface SentClose {
  readonly code: number;
  /** The reason after trimming to 123 UTF-8 bytes. */
  readonly reason: string;
}

// Why each refused band may not be sent, for the error message.
function whyNotSendable(code: number): string {
  if (!Number.isInteger(code)) return 'a close code is an integer';
  if (code === 1005 || code === 1006 || code === 1015) {
    return `${code} is reported by the client itself and must never be sent in a close frame (RFC 6455 §7.4.1)`;
  }
  if (code === 1004) return '1004 is reserved and has no meaning';
  if (code >= 0 && code <= 999) return '0–999 are not used';
  if (code >= 1016 && code <= 2999) return '1016–2999 are reserved for the standard and for extensions';
  return 'codes above 4999 (or negative) are not valid close codes';
}

/** A `defineCloseCodes` contract (anything else names nothing). */
const isContract = (codes: unknown): codes is CloseCodeContract =>
  codes !== null &&
  typeof codes === 'object' &&
  typeof (codes as CloseCodeContract).codeOf === 'function' &&
  typeof (codes as CloseCodeContract).codes === 'object' &&
  (codes as CloseCodeContract).codes !== null;

/** Turns a number or a name into a code that may go on the wire, or throws a `CloseCodeError`. */
export function resolveServerCode(code: unknown, codes?: CloseCodeContract): number {
  let value: unknown = code;
  if (typeof code === 'string') {
    // defineCloseCodes refuses a contract name that is an IANA name for another code, so the two
    // lookups never disagree: 'Unauthorized' is 3000 with or without a contract.
    if (isContract(codes) && Object.prototype.hasOwnProperty.call(codes.codes, code)) value = codes.codeOf(code);
    else if (Object.prototype.hasOwnProperty.call(CloseCode, code)) value = CloseCode[code as CloseCodeName];
    else {
      const where = !isContract(codes)
        ? 'it is not an IANA name (such as TryAgainLater), and no codes contract was given: pass { codes } or use createCloser(AppCodes) to close with your own names'
        : `it is neither an IANA name (such as TryAgainLater) nor one of the contract's names (${codes.names.join(', ') || 'none'})`;
      throw new CloseCodeError('unknown-name', code, `Unknown close code name ${show(code)}: ${where}.`);
    }
  }
  if (typeof value !== 'number' || !isSendableCode(value)) {
    const reason = typeof value === 'number' ? whyNotSendable(value) : 'a close code is a number or a code name';
    throw new CloseCodeError('not-sendable', code, `Cannot close with ${show(code)}: ${reason}. A server may send 1000–1003, 1007–1014 and 3000–4999.`);
  }
  return value;
}

/**
 * Closes a server-side WebSocket (`ws`) with a code the client can act on.
 * `code` may be a number, an IANA name (`'TryAgainLater'`) or, with
 * `{ codes }`, a name from the app's contract. Codes that may not appear on
 * the wire (0–999, 1004, 1005, 1006, 1015, 1016–2999, 5000+, non-integers)
 * throw a `CloseCodeError` with rule `not-sendable` and nothing is sent;
 * an unknown name throws with rule `unknown-name`. The reason is trimmed to
 * 123 UTF-8 bytes on a character boundary (see {@link trimReason}).
 * For a contract bound once, see {@link createCloser}.
 *
 * @example
 * closeWith(ws, 1013, 'busy, retry in a minute');
 * closeWith(ws, 'RateLimited', 'slow down', { codes: AppCodes }); // 4029
 */
export function closeWith(ws: ClosableSocket, code: ServerCloseCode, reason?: string, options?: CloseWithOptions<Record<never, number>>): SentClose;
export function closeWith<M extends CloseCodeMap>(
  ws: ClosableSocket,
  code: ServerCloseCode<keyof M & string>,
  reason: string | undefined,
  options: CloseWithOptions<M> & { readonly codes: CloseCodeContract<M> },
): SentClose;
export function closeWith(ws: ClosableSocket, code: ServerCloseCode<string>, reason?: string, options?: CloseWithOptions): SentClose {
  return sendClose('closeWith', ws, code, reason, options?.codes, options?.retryAfterMs);
}

/** `caller` is the public function's name, which a TypeError's message starts with. */
function sendClose(caller: string, ws: ClosableSocket, code: unknown, reason: string | undefined, codes: CloseCodeContract | undefined, retryAfterMs?: number): SentClose {
  // Everything is checked before anything is sent: a bad code or hint leaves the socket open.
  const wireCode = resolveServerCode(code, codes);
  const text = retryAfterMs === undefined ? trimReason(reason ?? '') : reasonWithRetryHint(reason ?? '', retryAfterMs);
  if (ws === null || typeof ws !== 'object' || typeof ws.close !== 'function') throw new TypeError(`${caller} expects a ws WebSocket (an object with close()), got ${show(ws)}.`);
  ws.close(wireCode, text);
  return { code: wireCode, reason: text };
}

/**
 * The accept-then-close pattern: call it on a connection you have just
 * accepted (in `wss.on('connection')` or the `handleUpgrade` callback) to
 * turn the client away *with a reason it can read*. The client sees `open`,
 * then `close` with this code and reason, `wasClean: true` — where an HTTP
 * 401/403 on the upgrade would only give it a bare 1006. Validation and
 * trimming are those of {@link closeWith}; any message the client manages to
 * send before the close arrives should be ignored by the caller.
 *
 * @example
 * wss.on('connection', (ws, request) => {
 *   if (!validToken(request)) return rejectAfterAccept(ws, 'TokenExpired', 'token expired', { codes: AppCodes });
 *   serve(ws);
 * });
 */
export function rejectAfterAccept(ws: ClosableSocket, code: ServerCloseCode, reason?: string, options?: CloseWithOptions<Record<never, number>>): SentClose;
export function rejectAfterAccept<M extends CloseCodeMap>(
  ws: ClosableSocket,
  code: ServerCloseCode<keyof M & string>,
  reason: string | undefined,
  options: CloseWithOptions<M> & { readonly codes: CloseCodeContract<M> },
): SentClose;
export function rejectAfterAccept(ws: ClosableSocket, code: ServerCloseCode<string>, reason?: string, options?: CloseWithOptions): SentClose {
  return sendClose('rejectAfterAccept', ws, code, reason, options?.codes, options?.retryAfterMs);
}

/** {@link closeWith} and {@link rejectAfterAccept} bound to one contract. Made by {@link createCloser}. */
export interface Closer<M extends CloseCodeMap> {
  /** The contract the names come from. */
  readonly codes: CloseCodeContract<M>;
  /** {@link closeWith} with the contract's names. */
  closeWith(ws: ClosableSocket, code: ServerCloseCode<keyof M & string>, reason?: string, options?: RetryHintOptions): SentClose;
  /** {@link rejectAfterAccept} with the contract's names. */
  rejectAfterAccept(ws: ClosableSocket, code: ServerCloseCode<keyof M & string>, reason?: string, options?: RetryHintOptions): SentClose;
}

/**
 * Binds {@link closeWith} and {@link rejectAfterAccept} to the app's
 * contract, so server code names its codes exactly as the client does. The
 * functions do not need `this`; destructure them.
 *
 * @example
 * import { AppCodes } from './close-codes'; // the same module the client imports
 * const { closeWith, rejectAfterAccept } = createCloser(AppCodes);
 * closeWith(ws, 'RateLimited');                      // 4029
 * rejectAfterAccept(ws, 'TokenExpired', 'token expired');
 */
export function createCloser<M extends CloseCodeMap>(codes: CloseCodeContract<M>): Closer<M> {
  if (codes === null || typeof codes !== 'object' || typeof codes.codeOf !== 'function') {
    throw new TypeError(`createCloser expects a contract from defineCloseCodes, got ${show(codes)}.`);
  }
  return Object.freeze({
    codes,
    closeWith: (ws: ClosableSocket, code: ServerCloseCode<keyof M & string>, reason?: string, options?: RetryHintOptions) => sendClose('closeWith', ws, code, reason, codes, options?.retryAfterMs),
    rejectAfterAccept: (ws: ClosableSocket, code: ServerCloseCode<keyof M & string>, reason?: string, options?: RetryHintOptions) =>
      sendClose('rejectAfterAccept', ws, code, reason, codes, options?.retryAfterMs),
  });
}
