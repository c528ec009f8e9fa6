import fc from 'fast-check';
import { describe as group, expect, it } from 'vitest';
import { CloseCodeError, defineCloseCodes, isCloseCodeError, isSendableCode, nameOfCode } from '../../src/index';

group('defineCloseCodes', () => {
  const AppCodes = defineCloseCodes({ Unauthorized: 4001, Forbidden: 4003, RateLimited: 4029 });

  it('returns a frozen contract with lookups both ways', () => {
    expect(AppCodes.codes).toEqual({ Unauthorized: 4001, Forbidden: 4003, RateLimited: 4029 });
    expect(AppCodes.names).toEqual(['Unauthorized', 'Forbidden', 'RateLimited']);
    expect(AppCodes.nameOf(4029)).toBe('RateLimited');
    expect(AppCodes.nameOf(4002)).toBeUndefined();
    expect(AppCodes.codeOf('Forbidden')).toBe(4003);
    expect(AppCodes.has(4001)).toBe(true);
    expect(AppCodes.has(1000)).toBe(false);
    expect(Object.isFrozen(AppCodes)).toBe(true);
    expect(Object.isFrozen(AppCodes.codes)).toBe(true);
    expect(Object.isFrozen(AppCodes.names)).toBe(true);
  });

  it('does not keep a reference to the caller’s object', () => {
    const map: Record<string, number> = { A: 4000 };
    const contract = defineCloseCodes(map);
    map.A = 4999;
    expect(contract.codes.A).toBe(4000);
  });

  it('codeOf throws a CloseCodeError for a name it does not define', () => {
    expect(() => AppCodes.codeOf('Nope' as 'Forbidden')).toThrow(/Unknown close code name "Nope".*Unauthorized, Forbidden, RateLimited/);
  });

  it.each([
    ['below the private range', { Bad: 1008 }, 'private-range', /Bad is 1008.*3000–4999/],
    ['above the private range', { Bad: 5000 }, 'private-range', /Bad is 5000/],
    ['a fraction', { Bad: 4000.5 }, 'not-integer', /Bad must be an integer.*4000\.5/],
    ['NaN', { Bad: NaN }, 'not-integer', /Bad must be an integer/],
    ['a string', { Bad: '4001' }, 'not-integer', /Bad must be an integer.*"4001"/],
    ['a duplicate value', { First: 4001, Second: 4001 }, 'duplicate-code', /Second and First both use 4001/],
    ['an empty name', { '': 4001 }, 'invalid-name', /non-empty/],
    ['a blank name', { '  ': 4001 }, 'invalid-name', /non-empty/],
  ])('rejects %s', (_label, map, rule, message) => {
    let thrown: unknown;
    try {
      defineCloseCodes(map as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CloseCodeError);
    expect(isCloseCodeError(thrown)).toBe(true);
    expect((thrown as CloseCodeError).rule).toBe(rule);
    expect((thrown as CloseCodeError).name).toBe('CloseCodeError');
    expect((thrown as CloseCodeError).message).toMatch(message);
  });

  it('rejects a non-object', () => {
    expect(() => defineCloseCodes(null as never)).toThrow(CloseCodeError);
    expect(() => defineCloseCodes([4001] as never)).toThrow(CloseCodeError);
  });

  it('property: accepts any set of unique integers in 3000–4999 and round-trips them', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 3000, max: 4999 }), { maxLength: 40 }), (values) => {
        const map = Object.fromEntries(values.map((code, index) => [`Code${index}`, code]));
        const contract = defineCloseCodes(map);
        values.forEach((code, index) => {
          expect(contract.nameOf(code)).toBe(`Code${index}`);
          expect(contract.codeOf(`Code${index}`)).toBe(code);
        });
      }),
    );
  });
});

group('wire rules', () => {
  it('isSendableCode is exactly what ws and undici accept on the wire (FACTS.md)', () => {
    for (let code = 0; code <= 65535; code++) {
      const expected = (code >= 1000 && code <= 1014 && ![1004, 1005, 1006].includes(code)) || (code >= 3000 && code <= 4999);
      if (isSendableCode(code) !== expected) expect.fail(`isSendableCode(${code})`);
    }
    expect(isSendableCode(1000.5)).toBe(false);
  });

  it('nameOfCode knows the IANA names only', () => {
    expect(nameOfCode(1014)).toBe('BadGateway');
    expect(nameOfCode(3008)).toBe('Timeout');
    expect(nameOfCode(1004)).toBeUndefined();
    expect(nameOfCode(4001)).toBeUndefined();
  });
});
