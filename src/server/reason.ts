import { CloseCodeError, show } from '../errors';
import { MAX_REASON_BYTES } from '../validate';

const REPLACEMENT = '\uFFFD';

/**
 * Shortens `reason` to at most `maxBytes` UTF-8 bytes (default 123, the most
 * a close frame can carry), cutting only between characters: never inside a
 * multi-byte character or a surrogate pair. A lone surrogate, which has no
 * UTF-8 form, becomes U+FFFD (as an encoder would write it), so the result
 * encodes to valid UTF-8 and decodes back to itself.
 *
 * @example
 * trimReason('a'.repeat(200)).length // 123
 * trimReason('€'.repeat(42))         // 41 × '€' (123 bytes): the 42nd would split
 */
export function trimReason(reason: string, maxBytes: number = MAX_REASON_BYTES): string {
  if (typeof reason !== 'string') {
    throw new CloseCodeError('reason-not-string', reason, `A close reason must be a string, got ${show(reason)}.`);
  }
  if (typeof maxBytes !== 'number' || !Number.isInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(`trimReason: maxBytes must be an integer ≥ 0, got ${show(maxBytes)}.`);
  }
  let bytes = 0;
  let out = '';
  for (let i = 0; i < reason.length; i++) {
    const unit = reason.charCodeAt(i);
    let char: string;
    let size: number;
    if (unit < 0x80) [char, size] = [reason.charAt(i), 1];
    else if (unit < 0x800) [char, size] = [reason.charAt(i), 2];
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = i + 1 < reason.length ? reason.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        [char, size] = [reason.slice(i, i + 2), 4];
        i++;
      } else [char, size] = [REPLACEMENT, 3];
    } else if (unit >= 0xdc00 && unit <= 0xdfff) [char, size] = [REPLACEMENT, 3];
    else [char, size] = [reason.charAt(i), 3];
    if (bytes + size > maxBytes) break;
    bytes += size;
    out += char;
  }
  return out;
}
