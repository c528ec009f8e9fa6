import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/codes';
import { README, codeSection, renderCodeTable, tableIn } from '../../docs/tools/code-table';

describe('README close-code table', () => {
  const section = codeSection(readFileSync(README, 'utf8'));

  it('matches CloseCode in src/codes.ts (regenerate with npm run docs:readme)', () => {
    expect(tableIn(section)).toBe(renderCodeTable());
  });

  it.each(Object.entries(CloseCode))('has a row for %s (%i)', (name, code) => {
    expect(section).toContain(`| ${code} | \`${name}\` |`);
  });
});
