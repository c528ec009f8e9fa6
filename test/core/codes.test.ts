import fc from 'fast-check';
import { describe as group, expect, it } from 'vitest';
import { CloseCode, CloseCodeError, defineCloseCodes, isCloseCodeError, isSendableCode, nameOfCode } from '../../src/index';

group('defineCloseCodes', () => {
  const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4029 });

  it('returns a frozen contract with lookups both ways', () => {
    expect(AppCodes.codes).toEqual({ TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4029 });
    expect(AppCodes.names).toEqual(['TokenExpired', 'AccessDenied', 'RateLimited']);
    expect(AppCodes.nameOf(4029)).toBe('RateLimited');
    expect(AppCodes.nameOf(4002)).toBeUndefined();
    expect(AppCodes.codeOf('AccessDenied')).toBe(4003);
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
    expect(() => AppCodes.codeOf('Nope' as 'AccessDenied')).toThrow(/Unknown close code name "Nope".*TokenExpired, AccessDenied, RateLimited/);
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
    // A name means one code: `result.name === 'Forbidden'` must never match an app's 4003.
    ['a library name for another code', { Forbidden: 4003 }, 'reserved-name', /^defineCloseCodes: Forbidden is closekit's name for 3003, so it cannot name 4003; give 4003 a name of its own/],
    ['Unauthorized for 4001', { Unauthorized: 4001 }, 'reserved-name', /Unauthorized is closekit's name for 3000/],
    ['Timeout for a 3xxx code', { Timeout: 3408 }, 'reserved-name', /Timeout is closekit's name for 3008/],
    ['a standard name', { GoingAway: 4001 }, 'reserved-name', /GoingAway is closekit's name for 1001/],
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

  it('accepts an IANA name for its own code (it means the same code either way)', () => {
    const contract = defineCloseCodes({ Unauthorized: 3000, Forbidden: 3003, TokenExpired: 4001 });
    expect(contract.nameOf(3003)).toBe('Forbidden');
  });

  it('a name means one code: the same name never classifies or resolves two codes', () => {
    for (const name of Object.keys(CloseCode) as (keyof typeof CloseCode)[]) {
      for (const code of [3001, 4001, 4999]) {
        expect(() => defineCloseCodes({ [name]: code } as never), `${name}: ${code}`).toThrow(expect.objectContaining({ rule: 'reserved-name' }));
      }
    }
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
