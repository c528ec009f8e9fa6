// Code blocks of the markdown docs, and a type check of them against the
// built package as an app imports it ('closekit', 'closekit/react', …), with
// closekit's strict settings. Each block is written as a module of its own to
// a git-ignored folder and all are checked in one TypeScript program (a fresh
// program with the DOM, Node and React types takes seconds on a busy machine).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** One fenced code block. */
export interface CodeBlock {
  /** 1-based line, in its markdown file, of the first line of code. */
  readonly line: number;
  /** The fence's info string: `ts`, `tsx`, `sh`…; '' when there is none. */
  readonly language: string;
  readonly code: string;
  /** The paragraph right above the fence, joined into one line; '' when there is none. */
  readonly caption: string;
}

/** A block to type-check, with the markdown file it comes from (relative to the repository root). */
export interface Sample {
  readonly file: string;
  readonly line: number;
  /** `ts` (also `typescript`) or `tsx`. */
  readonly language: string;
  readonly code: string;
}

/** The languages {@link compileSamples} checks. */
export const TYPED_LANGUAGES: readonly string[] = ['ts', 'typescript', 'tsx'];

/** Every fenced code block of `markdown`, as a reader sees it (an indented fence counts). */
export function codeBlocks(markdown: string): CodeBlock[] {
  const found: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*(`{3,})(\S*)\s*$/.exec(lines[i] ?? '');
    if (open === null) continue;
    const fence = open[1] ?? '```';
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && (lines[j] ?? '').trim() !== fence) body.push(lines[j++] ?? '');
    let k = i - 1;
    while (k >= 0 && (lines[k] ?? '').trim() === '') k--;
    const paragraph: string[] = [];
    // A paragraph ends at a blank line or at a fence (the block above is not a caption).
    while (k >= 0 && (lines[k] ?? '').trim() !== '' && !/^\s*`{3,}/.test(lines[k] ?? '')) paragraph.unshift((lines[k--] ?? '').trim());
    found.push({ line: i + 2, language: open[2] ?? '', code: body.join('\n'), caption: paragraph.join(' ') });
    i = j;
  }
  return found;
}

/**
 * Type-checks `samples` in `dir` (emptied first) and returns the errors, each
 * as `file:line: message` with the line in the markdown file.
 */
export function compileSamples(samples: readonly Sample[], dir: string, root: string): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.gitignore'), '*\n');
  const files = samples.map((sample, index) => {
    const file = join(dir, `sample-${String(index + 1).padStart(2, '0')}.${sample.language === 'tsx' ? 'tsx' : 'ts'}`);
    // `export {}` keeps every block a module of its own, as it would be in an app.
    writeFileSync(file, `${sample.code}\nexport {};\n`);
    return file;
  });
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
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
    return `${sample === undefined ? relative(root, diagnostic.file.fileName) : `${sample.file}:${sample.line + line}`}: ${text}`;
  });
}
