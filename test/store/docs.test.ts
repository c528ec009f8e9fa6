// docs/ui-state.md: every ```ts and ```tsx block compiles against the built
// package, imported as an app imports it ('closekit', 'closekit/react'), with
// closekit's strict settings; every other code block is labelled as a
// framework snippet (those frameworks are not dependencies, so nothing here
// could compile them).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const page = join(root, 'docs', 'ui-state.md');
const samplesDir = join(dirname(fileURLToPath(import.meta.url)), '.samples');

interface Block {
  /** 1-based line of the first line of code. */
  readonly line: number;
  readonly language: string;
  readonly code: string;
  /** The nearest non-empty line above the fence. */
  readonly caption: string;
}

function blocks(markdown: string): Block[] {
  const found: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(\S*)\s*$/.exec(lines[i] ?? '');
    if (open === null) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && (lines[j] ?? '').trim() !== open[1]) body.push(lines[j++] ?? '');
    let k = i - 1;
    while (k >= 0 && (lines[k] ?? '').trim() === '') k--;
    const paragraph: string[] = [];
    while (k >= 0 && (lines[k] ?? '').trim() !== '') paragraph.unshift(lines[k--] ?? '');
    found.push({ line: i + 2, language: open[2] ?? '', code: body.join('\n'), caption: paragraph.join(' ') });
    i = j;
  }
  return found;
}

function compile(samples: readonly Block[]): string[] {
  rmSync(samplesDir, { recursive: true, force: true });
  mkdirSync(samplesDir, { recursive: true });
  writeFileSync(join(samplesDir, '.gitignore'), '*\n');
  const files = samples.map((sample, index) => {
    const file = join(samplesDir, `ui-state-${index + 1}.${sample.language}`);
    writeFileSync(file, `${sample.code}\nexport {};\n`);
    return file;
  });
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    jsx: ts.JsxEmit.ReactJSX,
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    isolatedModules: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
    noEmit: true,
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (diagnostic.file === undefined || diagnostic.start === undefined) return text;
    const sample = samples[files.indexOf(diagnostic.file.fileName)];
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `docs/ui-state.md:${sample === undefined ? '?' : sample.line + line}: ${text}`;
  });
}

describe('docs/ui-state.md', () => {
  const all = blocks(readFileSync(page, 'utf8'));
  const typed = all.filter((block) => block.language === 'ts' || block.language === 'tsx');

  it('has TypeScript samples, with and without React', () => {
    expect(typed.map((block) => block.language)).toEqual(expect.arrayContaining(['ts', 'tsx']));
  });

  it('every ```ts and ```tsx block compiles against the built package', () => {
    if (!existsSync(join(root, 'dist', 'react.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    expect(compile(typed)).toEqual([]);
  }, 90_000);

  it('a broken sample is reported at its line', () => {
    if (!existsSync(join(root, 'dist', 'react.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    const errors = compile([{ line: 10, language: 'ts', caption: '', code: "import { createSocketStore } from 'closekit';\ncreateSocketStore('wss://x.test');" }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^docs\/ui-state\.md:11: Argument of type 'string'/);
  }, 90_000);

  it('labels every other code block a framework snippet, for Svelte, Vue, Solid and Preact', () => {
    const others = all.filter((block) => !typed.includes(block));
    for (const block of others) expect(block.caption, `the block at line ${block.line}`).toMatch(/^Framework snippet, \*\*/);
    expect(others.map((block) => /\*\*(.+?)\*\*/.exec(block.caption)?.[1])).toEqual(['Svelte', 'Vue', 'Solid', 'Preact signals']);
  });
});
