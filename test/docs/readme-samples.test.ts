// Every ```ts block in README.md, CONTRIBUTING.md and docs/*.md must compile
// against the built package, imported the way an app imports it ('closekit',
// 'closekit/server', …).
// Each block is written to test/docs/.samples/ (git-ignored) as its own module
// and type-checked in one TypeScript program with closekit's strict settings.
// (A fresh TypeScript program with the DOM and Node types takes seconds on a
// busy machine, hence the longer timeouts.)
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const samplesDir = join(dirname(fileURLToPath(import.meta.url)), '.samples');

interface Sample {
  /** 1-based line, in its markdown file, of the first line of code. */
  readonly line: number;
  readonly code: string;
  /** The markdown file, relative to the repository root; README.md when not given. */
  readonly file?: string;
}

/** The markdown files whose samples are checked: the README, CONTRIBUTING.md and every guide page. */
function documents(): string[] {
  const guides = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', 'CONTRIBUTING.md', ...guides];
}

/** The ```ts and ```typescript blocks of a markdown text. */
function extractSamples(markdown: string): Sample[] {
  const samples: Sample[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(ts|typescript)\s*$/.exec(lines[i] ?? '');
    if (open === null) continue;
    const fence = open[2] ?? '```';
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && (lines[j] ?? '').trim() !== fence) body.push(lines[j++] ?? '');
    samples.push({ line: i + 2, code: body.join('\n') });
    i = j;
  }
  return samples;
}

function compile(samples: readonly Sample[]): string[] {
  rmSync(samplesDir, { recursive: true, force: true });
  mkdirSync(samplesDir, { recursive: true });
  writeFileSync(join(samplesDir, '.gitignore'), '*\n');
  const files = samples.map((sample, index) => {
    const file = join(samplesDir, `sample-${String(index + 1).padStart(2, '0')}.ts`);
    // `export {}` keeps every block a module of its own, as it would be in an app.
    writeFileSync(file, `${sample.code}\nexport {};\n`);
    return file;
  });
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    isolatedModules: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
    noEmit: true,
    noUnusedLocals: false,
  };
  const program = ts.createProgram(files, options);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (diagnostic.file === undefined || diagnostic.start === undefined) return text;
    const index = files.indexOf(diagnostic.file.fileName);
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const sample = samples[index];
    const where = sample === undefined ? relative(root, diagnostic.file.fileName) : `${sample.file ?? 'README.md'}:${sample.line + line}`;
    return `${where}: ${text}`;
  });
}

describe('README code samples', () => {
  const samples = documents().flatMap((file) => extractSamples(readFileSync(join(root, file), 'utf8')).map((sample) => ({ ...sample, file })));

  it('has samples to check', () => {
    expect(samples.length).toBeGreaterThan(0);
  });

  it.each(['README.md', 'docs/socket.md', 'docs/policy.md', 'docs/server.md', 'docs/testing.md'])('checks the samples of %s', (file) => {
    expect(samples.filter((sample) => sample.file === file).length).toBeGreaterThan(0);
  });

  it("reports a broken sample in a guide page at that page's line", () => {
    if (!existsSync(join(root, 'dist', 'index.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    const errors = compile([{ file: 'docs/policy.md', line: 10, code: "import { classify } from 'closekit';\nconst n: number = classify({ code: 1000 }).reason;" }]);
    expect(errors).toEqual([expect.stringMatching(/^docs\/policy\.md:11: Type 'string' is not assignable to type 'number'/)]);
  }, 60_000);

  it('every ```ts block compiles against the built package', () => {
    if (!existsSync(join(root, 'dist', 'index.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    expect(compile(samples)).toEqual([]);
  }, 60_000);

  it('reports a broken sample at its README line', () => {
    if (!existsSync(join(root, 'dist', 'index.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    const errors = compile([{ line: 40, code: "import { classify } from 'closekit';\nconst n: number = classify({ code: 1000 }).reason;" }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^README\.md:41: Type 'string' is not assignable to type 'number'/);
  }, 60_000);

  it('finds blocks the way a reader sees them', () => {
    const found = extractSamples(['text', '```ts', 'const a = 1;', '```', '```sh', 'npm i', '```', '```typescript', 'let b;', '```'].join('\n'));
    expect(found).toEqual([
      { line: 3, code: 'const a = 1;' },
      { line: 9, code: 'let b;' },
    ]);
  });
});
