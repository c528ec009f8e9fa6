// Every name the package exports is documented where a user looks: the README
// or a guide page in docs/ mentions it as code (`name`, or name( / name. in a
// code block). The generated TypeDoc reference has them all anyway; this keeps
// the guides from leaving a name for the reader to discover there.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The names an entry's index re-exports, values and types alike (read from the source, not the build). */
// biome-ignore lint/suspicious/noExportsInTest: other doc tests reuse this reading of the entry points.
export function exportedNames(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause !== undefined && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) names.push(element.name.text);
    }
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    const exported = modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword) === true;
    if (
      exported &&
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) &&
      statement.name !== undefined
    ) {
      names.push(statement.name.text);
    }
    if (exported && ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) if (ts.isIdentifier(declaration.name)) names.push(declaration.name.text);
    }
  }
  return names;
}

/** The entry points, from package.json's exports map. */
function entries(): { entry: string; file: string }[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  return (
    Object.keys(pkg.exports)
      // closekit/browser is the root entry built as one file: the same names, checked as closekit.
      .filter((key) => key !== './package.json' && key !== './browser')
      .map((key) => {
        const sub = key === '.' ? 'index' : `${key.slice(2)}/index`;
        return { entry: key === '.' ? 'closekit' : `closekit/${key.slice(2)}`, file: sub === 'index' ? 'src/index.ts' : `src/${sub}.ts` };
      })
  );
}

function userDocs(): string {
  const guides = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md') && name !== 'design.md');
  return [join(root, 'README.md'), ...guides.map((name) => join(root, 'docs', name))].map((path) => readFileSync(path, 'utf8')).join('\n');
}

/** True when `text` mentions `name` as code: inside backticks, or in a code block as an identifier. */
function mentions(text: string, name: string): boolean {
  const escaped = name.replace(/[$]/g, '\\$');
  return new RegExp(`\`[^\`\\n]*\\b${escaped}\\b[^\`\\n]*\``).test(text) || new RegExp(`(^|[^\\w.])${escaped}\\b(?=\\s*[(.<:,;})\\]=]|\\s*$)`, 'm').test(text);
}

describe('every public export is documented in the README or a guide page', () => {
  const docs = userDocs();
  for (const { entry, file } of entries()) {
    const names = exportedNames(file);
    it(`${entry} (${names.length} names)`, () => {
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((name) => !mentions(docs, name))).toEqual([]);
    });
  }

  it('finds names only where they are written as code', () => {
    expect(mentions('use `createSocket(url)` here', 'createSocket')).toBe(true);
    expect(mentions('the socket reconnects', 'Socket')).toBe(false);
    expect(mentions('call `closeWith`', 'close')).toBe(false);
  });
});
