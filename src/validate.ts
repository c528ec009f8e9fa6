import { isClientCloseCode } from './codes';
import { CloseCodeError, show } from './errors';

/** The most bytes a close reason may take: 125-byte control frame payload minus the 2-byte code. */
export const MAX_REASON_BYTES = 123;

/**
 * The UTF-8 length of `text` in bytes, as a browser encodes it (a lone
 * surrogate becomes U+FFFD, 3 bytes).
 */
export function utf8ByteLength(text: string): number {
  if (typeof text !== 'string') throw new CloseCodeError('reason-not-string', text, __DEV__ ? `utf8ByteLength counts a string, got ${show(text)}.` : '');
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Checks a close reason against RFC 6455's limit; throws a
 * {@link CloseCodeError} (`reason-not-string` or `reason-too-long`).
 */
export function validateReason(reason: unknown): asserts reason is string | undefined {
  if (reason === undefined) return;
  if (typeof reason !== 'string') {
    throw new CloseCodeError('reason-not-string', reason, __DEV__ ? `A close reason must be a string, got ${show(reason)}.` : '');
  }
  const bytes = utf8ByteLength(reason);
  if (bytes > MAX_REASON_BYTES) {
    throw new CloseCodeError('reason-too-long', reason, __DEV__ ? `A close reason may be at most ${MAX_REASON_BYTES} UTF-8 bytes; this one is ${bytes} bytes (${reason.length} UTF-16 units).` : '');
  }
}

/**
 * Applies the browser's rule for `WebSocket.close(code, reason)` and throws a
 * {@link CloseCodeError} saying which part failed, instead of the browser's
 * DOMException: the code must be 1000 or an integer in 3000–4999, the reason
 * at most 123 UTF-8 bytes. Stricter than the browser in one place: a
 * fractional code is refused rather than silently rounded.
 *
 * @example
 * validateClientClose(4000, 'bye') // ok
 * validateClientClose(1001)        // throws CloseCodeError (rule 'client-range')
 */
export function validateClientClose(code: unknown, reason?: unknown): asserts code is number {
  if (typeof code !== 'number' || !Number.isInteger(code)) {
    throw new CloseCodeError('not-integer', code, __DEV__ ? `close() needs an integer code (1000 or 3000–4999), got ${show(code)}.` : '');
  }
  if (!isClientCloseCode(code)) {
    throw new CloseCodeError(
      'client-range',
      code,
      __DEV__ ? `close() may only use 1000 or 3000–4999, got ${code}; codes such as 1001 or 1011 are for servers (a browser would throw InvalidAccessError).` : '',
    );
  }
  validateReason(reason);
}
