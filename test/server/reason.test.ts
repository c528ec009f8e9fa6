import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_REASON_BYTES, utf8ByteLength } from '../../src/index';
import { trimReason } from '../../src/server/index';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

// Any Unicode scalar or surrogate, and any UTF-16 code unit (lone surrogates
// included). Same ground as fc.string's 'binary' unit, without its
// multi-second first-use setup.
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((point) => String.fromCodePoint(point));
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
const roundTrip = (text: string) => new TextDecoder('utf-8', { fatal: true }).decode(new TextEncoder().encode(text));

describe('trimReason', () => {
  it('leaves a short reason alone', () => {
    expect(trimReason('')).toBe('');
    expect(trimReason('token expired')).toBe('token expired');
    expect(trimReason('a'.repeat(123))).toBe('a'.repeat(123));
  });

  it('cuts ASCII at exactly 123 bytes', () => {
    expect(trimReason('a'.repeat(124))).toBe('a'.repeat(123));
    expect(trimReason('a'.repeat(10_000))).toHaveLength(123);
  });

  // Each row puts a multi-byte character across the 123-byte line.
  it.each([
    { label: '2-byte (é) straddling the line', input: `${'a'.repeat(122)}é`, expected: 'a'.repeat(122) },
    { label: '2-byte (é) ending on the line', input: `${'a'.repeat(121)}éb`, expected: `${'a'.repeat(121)}é` },
    { label: '3-byte (€) straddling by one', input: `${'a'.repeat(121)}€`, expected: 'a'.repeat(121) },
    { label: '3-byte (€) straddling by two', input: `${'a'.repeat(122)}€`, expected: 'a'.repeat(122) },
    { label: '3-byte (€) ending on the line', input: `${'a'.repeat(120)}€€`, expected: `${'a'.repeat(120)}€` },
    { label: '41 × € is exactly 123 bytes', input: '€'.repeat(42), expected: '€'.repeat(41) },
    { label: '4-byte (😀, a surrogate pair) straddling by one', input: `${'a'.repeat(120)}😀`, expected: 'a'.repeat(120) },
    { label: '4-byte straddling by three', input: `${'a'.repeat(122)}😀`, expected: 'a'.repeat(122) },
    { label: '4-byte ending on the line', input: `${'a'.repeat(119)}😀😀`, expected: `${'a'.repeat(119)}😀` },
    { label: '30 × 😀 is 120 bytes; the 31st would be 124', input: '😀'.repeat(31), expected: '😀'.repeat(30) },
  ])('$label', ({ input, expected }) => {
    const trimmed = trimReason(input);
    expect(trimmed).toBe(expected);
    expect(bytes(trimmed)).toBeLessThanOrEqual(MAX_REASON_BYTES);
    expect(roundTrip(trimmed)).toBe(trimmed);
  });

  it('turns lone surrogates into U+FFFD so the result is valid UTF-8', () => {
    expect(trimReason('a\uD800b')).toBe('a\uFFFDb');
    expect(trimReason('\uDC00')).toBe('\uFFFD');
    expect(trimReason(`${'a'.repeat(121)}\uD83D`)).toBe('a'.repeat(121));
  });

  it('takes another byte limit', () => {
    expect(trimReason('€€€', 7)).toBe('€€');
    expect(trimReason('abc', 0)).toBe('');
    expect(() => trimReason('abc', -1)).toThrow(RangeError);
    expect(() => trimReason('abc', 1.5)).toThrow(RangeError);
  });

  it('refuses a non-string', () => {
    expect(() => trimReason(undefined as unknown as string)).toThrow(expect.objectContaining({ name: 'CloseCodeError', rule: 'reason-not-string' }));
  });

  it('property: any string → valid UTF-8, ≤ 123 bytes, a prefix of the input (lone surrogates aside), as long as possible', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: anyCodePoint, maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ maxLength: 300 })), (input) => {
        const trimmed = trimReason(input);
        const size = bytes(trimmed);
        expect(size).toBeLessThanOrEqual(MAX_REASON_BYTES);
        expect(size).toBe(utf8ByteLength(trimmed));
        expect(roundTrip(trimmed)).toBe(trimmed);
        const wellFormed = roundTrip(new TextDecoder().decode(new TextEncoder().encode(input)));
        expect(wellFormed.startsWith(trimmed)).toBe(true);
        if (trimmed.length < wellFormed.length) {
          // The next whole code point would not have fitted.
          const nextChar = String.fromCodePoint(wellFormed.codePointAt(trimmed.length) ?? 0);
          expect(size + bytes(nextChar)).toBeGreaterThan(MAX_REASON_BYTES);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('property: with lone surrogates about, the cut never splits a pair, whatever the limit', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(anyCodePoint, anyCodeUnit), minLength: 30, maxLength: 200 }), fc.integer({ min: 0, max: 200 }), (input, limit) => {
        const trimmed = trimReason(input, limit);
        expect(bytes(trimmed)).toBeLessThanOrEqual(limit);
        const last = trimmed.charCodeAt(trimmed.length - 1);
        expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
      }),
    );
  });
});
