// docs/ui-state.md: it has TypeScript samples with and without React, and
// every other code block is labelled as a framework snippet (those frameworks
// are not dependencies, so nothing here could compile them). Its ```ts and
// ```tsx blocks compile against the built package with every other page's, in
// test/docs/readme-samples.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeBlocks, TYPED_LANGUAGES } from '../support/markdown-samples';

const root = fileURLToPath(new URL('../..', import.meta.url));
const page = join(root, 'docs', 'ui-state.md');

describe('docs/ui-state.md', () => {
  const all = codeBlocks(readFileSync(page, 'utf8'));
  const typed = all.filter((block) => TYPED_LANGUAGES.includes(block.language));

  it('has TypeScript samples, with and without React', () => {
    expect(typed.map((block) => block.language)).toEqual(expect.arrayContaining(['ts', 'tsx']));
  });

  it('labels every other code block a framework snippet, for Svelte, Vue, Solid and Preact', () => {
    const others = all.filter((block) => !typed.includes(block));
    for (const block of others) expect(block.caption, `the block at line ${block.line}`).toMatch(/^Framework snippet, \*\*/);
    expect(others.map((block) => /\*\*(.+?)\*\*/.exec(block.caption)?.[1])).toEqual(['Svelte', 'Vue', 'Solid', 'Preact signals']);
  });
});
