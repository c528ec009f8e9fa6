// What the guides quote from closekit must be what closekit says: error
// messages in comments, and the demo agreeing with the quick start it sits beside.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppRules } from '../../demo/contract';
import { createPolicy, isPolicyError } from '../../src/index';

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');

describe('the guides quote closekit correctly', () => {
  it("docs/policy.md's PolicyError sample prints the real option and message", () => {
    let printed = '';
    try {
      createPolicy({ rules: { '4200-4100': 'stop' } });
    } catch (error) {
      if (isPolicyError(error)) printed = `${error.option} ${error.message}`;
    }
    expect(printed).toMatch(/^rules\.4200-4100 /);
    expect(read('docs/policy.md')).toContain(`  // ${printed}\n`);
  });

  it("the README's demo excerpt re-authenticates as the quick start does: at once", () => {
    expect(AppRules.TokenExpired).toEqual({ action: 'reauth', delayMs: 0 });
    const readme = read('README.md');
    expect(readme).toContain("TokenExpired: { action: 'reauth', delayMs: 0 }, // 4001");
    expect(readme).toMatch(/close +4001 +TokenExpired +application +reauth +0 ms/);
  });
});
