// Writes the retry hint a client's classify reads back (docs/retry-hints.md):
// the human reason, a space, then `retry-after=<n>s` or `retry-after=<n>ms`,
// all within the 123 bytes of a close frame.
import { CloseCodeError, show } from '../errors';
import { MAX_REASON_BYTES } from '../validate';
import { trimReason } from './reason';

// The grammar allows 1 to 7 digits.
const MAX_DIGITS_VALUE = 9_999_999;

/** `retryAfterMs` in the hint's words: whole seconds when it is some, else milliseconds. */
function hintFor(retryAfterMs: unknown): string {
  if (typeof retryAfterMs === 'number' && Number.isInteger(retryAfterMs) && retryAfterMs >= 0) {
    if (retryAfterMs % 1000 === 0 && retryAfterMs / 1000 <= MAX_DIGITS_VALUE) return `retry-after=${retryAfterMs / 1000}s`;
    if (retryAfterMs <= MAX_DIGITS_VALUE) return `retry-after=${retryAfterMs}ms`;
  }
  throw new CloseCodeError('retry-hint', retryAfterMs, `retryAfterMs must be a whole number of milliseconds from 0 to 9999999 (or whole seconds up to 9999999 s), got ${show(retryAfterMs)}.`);
}

/**
 * The close reason carrying `reason` and a retry hint for `retryAfterMs`:
 * `reason` is trimmed (on a character boundary) so that both fit in 123
 * UTF-8 bytes; the hint always fits. Throws a `CloseCodeError` (rule
 * `retry-hint`) for a value the hint cannot express, or a reason that
 * already contains `retry-after=` (the client would ignore both).
 *
 * @example
 * reasonWithRetryHint('restarting', 30_000) // 'restarting retry-after=30s'
 * reasonWithRetryHint('', 1500)             // 'retry-after=1500ms'
 */
export function reasonWithRetryHint(reason: string, retryAfterMs: number): string {
  const hint = hintFor(retryAfterMs);
  const text = trimReason(reason, MAX_REASON_BYTES - hint.length - 1).trimEnd();
  // The whole reason, not what is left of it: the part the trim cuts off holds the app's intent too.
  if (reason.includes('retry-after=')) {
    throw new CloseCodeError('retry-hint', reason, `The close reason ${show(reason)} already contains 'retry-after='; pass the wait as retryAfterMs only.`);
  }
  return text === '' ? hint : `${text} ${hint}`;
}
