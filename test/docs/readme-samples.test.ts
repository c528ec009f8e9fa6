// Every ```ts and ```tsx block in README.md, CONTRIBUTING.md and docs/*.md
// must compile against the built package, imported the way an app imports it
// ('closekit', 'closekit/server', 'closekit/react', …): see
// test/support/markdown-samples.ts. (A fresh TypeScript program with the DOM,
// Node and React types takes seconds on a busy machine, hence the longer
// timeouts.)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeBlocks, compileSamples, type Sample, TYPED_LANGUAGES } from '../support/markdown-samples';

const root = fileURLToPath(new URL('../..', import.meta.url));
const samplesDir = join(dirname(fileURLToPath(import.meta.url)), '.samples');

/** The markdown files whose samples are checked: the README, CONTRIBUTING.md and every guide page. */
function documents(): string[] {
  const guides = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', 'CONTRIBUTING.md', ...guides];
}

const compile = (samples: readonly Sample[]): string[] => compileSamples(samples, samplesDir, root);

describe('README code samples', () => {
  const samples: Sample[] = documents().flatMap((file) =>
    codeBlocks(readFileSync(join(root, file), 'utf8'))
      .filter((block) => TYPED_LANGUAGES.includes(block.language))
      .map(({ line, language, code }) => ({ file, line, language, code })),
  );

  it('has samples to check', () => {
    expect(samples.length).toBeGreaterThan(0);
  });

  it.each(['README.md', 'docs/socket.md', 'docs/policy.md', 'docs/server.md', 'docs/testing.md', 'docs/ui-state.md'])('checks the samples of %s', (file) => {
    expect(samples.filter((sample) => sample.file === file).length).toBeGreaterThan(0);
  });

  it("reports a broken sample in a guide page at that page's line", () => {
    if (!existsSync(join(root, 'dist', 'index.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    const errors = compile([{ file: 'docs/policy.md', line: 10, language: 'ts', code: "import { classify } from 'closekit';\nconst n: number = classify({ code: 1000 }).reason;" }]);
    expect(errors).toEqual([expect.stringMatching(/^docs\/policy\.md:11: Type 'string' is not assignable to type 'number'/)]);
  }, 60_000);

  it('every ```ts and ```tsx block compiles against the built package', () => {
    if (!existsSync(join(root, 'dist', 'index.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    expect(compile(samples)).toEqual([]);
  }, 60_000);

  it('reports a broken sample at its README line', () => {
    if (!existsSync(join(root, 'dist', 'index.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    const errors = compile([{ file: 'README.md', line: 40, language: 'ts', code: "import { classify } from 'closekit';\nconst n: number = classify({ code: 1000 }).reason;" }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^README\.md:41: Type 'string' is not assignable to type 'number'/);
  }, 60_000);

  it('reports a broken ```tsx sample at its line, with closekit/react and React types in reach', () => {
    if (!existsSync(join(root, 'dist', 'react.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    const errors = compile([
      { file: 'docs/ui-state.md', line: 10, language: 'tsx', code: "import { createSocketStore } from 'closekit';\ncreateSocketStore('wss://x.test');" },
      { file: 'docs/ui-state.md', line: 20, language: 'tsx', code: "import { useSocketState } from 'closekit/react';\nexport const View = () => <p>{useSocketState(undefined).state}</p>;" },
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^docs\/ui-state\.md:11: Argument of type 'string'/);
  }, 90_000);

  it('finds blocks the way a reader sees them', () => {
    const found = codeBlocks(
      ['Intro:', '```ts', 'const a = 1;', '```', '', '```sh', 'npm i', '```', '', 'A snippet', 'over two lines:', '```typescript', 'let b;', '```', '', '  ```tsx', '  <b />', '  ```'].join('\n'),
    );
    expect(found).toEqual([
      { line: 3, language: 'ts', code: 'const a = 1;', caption: 'Intro:' },
      { line: 7, language: 'sh', code: 'npm i', caption: '' },
      { line: 13, language: 'typescript', code: 'let b;', caption: 'A snippet over two lines:' },
      { line: 17, language: 'tsx', code: '  <b />', caption: '' },
    ]);
  });
});
