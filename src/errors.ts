/**
 * Which rule a close code or reason broke.
 * - `not-integer`: the code is not a whole number.
 * - `client-range`: a browser may only call `close()` with 1000 or 3000–4999.
 * - `not-sendable`: the code may not appear in a close frame on the wire (RFC 6455 §7.4).
 * - `private-range`: an app's own codes must lie in 3000–4999.
 * - `reason-too-long`: the reason is over 123 UTF-8 bytes.
 * - `reason-not-string`: the reason is not a string.
 * - `duplicate-code`: two names in one contract share a code.
 * - `invalid-name`: a contract name is empty or not a string.
 * - `unknown-name`: a code name that the contract does not define.
 * - `reserved-name`: a contract name that is closekit's name for another code (`Forbidden` is 3003).
 * - `retry-hint`: a server's `retryAfterMs` cannot be written as a retry hint, or the reason already holds one.
 */
export type CloseCodeRule =
  | 'not-integer'
  | 'client-range'
  | 'not-sendable'
  | 'private-range'
  | 'reason-too-long'
  | 'reason-not-string'
  | 'duplicate-code'
  | 'invalid-name'
  | 'unknown-name'
  | 'reserved-name'
  | 'retry-hint';

/**
 * Thrown when a close code or reason breaks a rule: a bad entry in
 * `defineCloseCodes`, a `close()` the browser would refuse, or a code the
 * server may not send. `rule` says which rule, `value` holds what was passed.
 *
 * @example
 * try { socket.close(1001) } catch (e) { if (isCloseCodeError(e)) console.log(e.rule) } // 'client-range'
 */
export class CloseCodeError extends Error {
  override readonly name = 'CloseCodeError' as const;
  /** The rule that was broken. */
  readonly rule: CloseCodeRule;
  /** The offending value, as it was passed. */
  readonly value: unknown;

  constructor(rule: CloseCodeRule, value: unknown, message: string) {
    // Production builds pass no text (dev.ts): the rule is the message then.
    super(message || rule);
    this.rule = rule;
    this.value = value;
  }
}

/**
 * Thrown by `createPolicy` when an option is invalid. `option` is the path of
 * the offending option (e.g. `rules.4200-4100` or `backoff.factor`), `value`
 * what was passed; the message says what would be valid.
 */
export class PolicyError extends Error {
  override readonly name = 'PolicyError' as const;
  /** Path of the offending option, e.g. `backoff.initialMs` or `rules.4001.action`. */
  readonly option: string;
  /** The offending value, as it was passed. */
  readonly value: unknown;

  constructor(option: string, value: unknown, message: string) {
    super(message || option);
    this.option = option;
    this.value = value;
  }
}

// `name` checks as well as `instanceof`: errors may cross realms or duplicated bundles.
/** True when `error` is a {@link CloseCodeError} (also across bundles and realms). */
export function isCloseCodeError(error: unknown): error is CloseCodeError {
  return error instanceof CloseCodeError || (error instanceof Error && error.name === 'CloseCodeError');
}

/** True when `error` is a {@link PolicyError} (also across bundles and realms). */
export function isPolicyError(error: unknown): error is PolicyError {
  return error instanceof PolicyError || (error instanceof Error && error.name === 'PolicyError');
}

/** Renders any value for an error message: strings quoted, others as JSON where possible. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
