// Adversarial review of the close-code contract, classify and describe: each
// test holds one promise of docs/codes.md that an edge case once broke.
import { describe as group, expect, it } from 'vitest';
import { classify } from '../../src/classify';
import { defineCloseCodes } from '../../src/codes';
import { describe } from '../../src/describe';

group('describe with contract names that are also Object.prototype names', () => {
  // codes.md: describe gives "one sentence"; defineCloseCodes takes any non-empty name that is not CloseCode's.
  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'])('%s naming 3000 reads as the app named it', (name) => {
    const codes = defineCloseCodes(JSON.parse(`{"${name}": 3000}`) as Record<string, number>);
    const result = classify({ code: 3000, reason: 'x' }, { codes });
    expect(result.name).toBe(name);
    expect(describe(result)).toBe(`The server closed the connection with library code 3000 ${name}: "x".`);
  });
});

group('defineCloseCodes reads each entry once', () => {
  // codes.md: every value is an integer in 3000–4999 and a name means one code. A map read through a getter or a
  // Proxy (a reactive config object) may answer differently on a second read: the contract holds what was checked.
  it('codes, nameOf and codeOf agree with the value that was checked, whatever a second read would say', () => {
    let reads = 0;
    const map = {
      get TokenExpired() {
        reads++;
        return reads === 1 ? 4001 : 9999;
      },
    };
    const contract = defineCloseCodes(map as Record<string, number>);
    expect(contract.codes).toEqual({ TokenExpired: 4001 });
    expect(contract.codeOf('TokenExpired')).toBe(4001);
    expect(contract.nameOf(4001)).toBe('TokenExpired');
    expect(Object.isFrozen(contract.codes)).toBe(true);
  });

  it("a name such as '__proto__' from JSON stays an entry of codes, not its prototype", () => {
    const contract = defineCloseCodes(JSON.parse('{"__proto__": 4001, "Other": 4002}') as Record<string, number>);
    expect(Object.keys(contract.codes)).toEqual(['__proto__', 'Other']);
    expect(Object.getPrototypeOf(contract.codes)).toBe(Object.prototype);
    expect(contract.codeOf('__proto__')).toBe(4001);
  });
});
