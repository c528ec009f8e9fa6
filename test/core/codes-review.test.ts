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
