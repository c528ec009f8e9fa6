import fc from 'fast-check';
import { describe as group, expect, it } from 'vitest';
import { CloseCodeError, MAX_REASON_BYTES, utf8ByteLength, validateClientClose } from '../../src/index';

function ruleOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(CloseCodeError);
    return (error as CloseCodeError).rule;
  }
}

group('utf8ByteLength', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['a€😀é', 10],
    ['\ud800', 3], // a lone surrogate is sent as U+FFFD
    ['\udc00x', 4],
    ['\ud83d\ud83d\ude00', 7],
  ])('%j is %i bytes', (text, bytes) => {
    expect(utf8ByteLength(text)).toBe(bytes);
  });

  it('property: agrees with TextEncoder for any string', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => utf8ByteLength(text) === encoder.encode(text).length),
      { numRuns: 2000 },
    );
  });
});

group('validateClientClose: the browser’s rule', () => {
  it.each([1000, 3000, 3999, 4000, 4999])('accepts %i', (code) => {
    expect(() => validateClientClose(code)).not.toThrow();
  });

  it.each([
    [1001, 'client-range'],
    [1005, 'client-range'],
    [1011, 'client-range'],
    [999, 'client-range'],
    [2999, 'client-range'],
    [5000, 'client-range'],
    [0, 'client-range'],
    [-1, 'client-range'],
    [4000.5, 'not-integer'],
    [NaN, 'not-integer'],
    ['1000', 'not-integer'],
  ])('refuses %j (%s)', (code, rule) => {
    expect(ruleOf(() => validateClientClose(code))).toBe(rule);
  });

  it('counts the reason in UTF-8 bytes: 41 × "€" (123 bytes) passes, 42 fails', () => {
    expect(ruleOf(() => validateClientClose(4000, '€'.repeat(41)))).toBeUndefined();
    expect(ruleOf(() => validateClientClose(4000, '€'.repeat(42)))).toBe('reason-too-long');
    expect(ruleOf(() => validateClientClose(4000, 'a'.repeat(123)))).toBeUndefined();
    expect(ruleOf(() => validateClientClose(4000, 'a'.repeat(124)))).toBe('reason-too-long');
    expect(ruleOf(() => validateClientClose(4000, `${'😀'.repeat(30)}abc`))).toBeUndefined(); // 123
    expect(ruleOf(() => validateClientClose(4000, '😀'.repeat(31)))).toBe('reason-too-long'); // 124
  });

  it('says which rule failed in the message', () => {
    expect(() => validateClientClose(1001)).toThrow(/1000 or 3000–4999, got 1001/);
    expect(() => validateClientClose(4000, 'é'.repeat(62))).toThrow(/at most 123 UTF-8 bytes; this one is 124 bytes/);
    expect(() => validateClientClose(4000, 5 as never)).toThrow(/reason must be a string/);
  });

  it('property: accepts exactly 1000 and integers in 3000–4999 with reasons up to 123 bytes', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -10, max: 70000 }), fc.double()), fc.option(fc.string({ unit: 'grapheme', maxLength: 80 }), { nil: undefined }), (code, reason) => {
        const codeOk = code === 1000 || (Number.isInteger(code) && code >= 3000 && code <= 4999);
        const reasonOk = reason === undefined || encoder.encode(reason).length <= MAX_REASON_BYTES;
        expect(ruleOf(() => validateClientClose(code, reason)) === undefined).toBe(codeOk && reasonOk);
      }),
      { numRuns: 3000 },
    );
  });
});
