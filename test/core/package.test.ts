// Tests the built package the way an app consumes it: through its exports map, from dist/.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  sideEffects: boolean;
  files: string[];
  typesVersions: Record<string, Record<string, string[]>>;
  scripts: Record<string, string>;
};
const entries = ['closekit', 'closekit/presets', 'closekit/server', 'closekit/testing', 'closekit/react'];

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
}

describe('the built package', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first).');
  });

  it('has exactly eventemitter3 and tslib as runtime dependencies', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['eventemitter3', 'tslib']);
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.files).toEqual(['dist']);
  });

  it.each(entries)('%s exports the same names to import and require', (entry) => {
    const esm = node(['--input-type=module', '-e', `import * as m from '${entry}'; console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default').sort()))`]);
    const cjs = node(['-e', `console.log(JSON.stringify(Object.keys(require('${entry}')).sort()))`]);
    expect(JSON.parse(esm)).toEqual(JSON.parse(cjs));
  });

  it('the main entry works from a plain ESM script and a CJS require', () => {
    const script = 'console.log(m.describe(m.classify({ code: 4001 }, { codes: m.defineCloseCodes({ TokenExpired: 4001 }), opened: true })))';
    const expected = 'The server closed the connection with application code 4001 TokenExpired.\n';
    expect(node(['--input-type=module', '-e', `import * as m from 'closekit'; ${script}`])).toBe(expected);
    expect(node(['-e', `const m = require('closekit'); ${script}`])).toBe(expected);
  });

  it('ships types first in every exports condition, for ESM and CJS', () => {
    for (const [key, value] of Object.entries(pkg.exports)) {
      if (key === './package.json') continue;
      const conditions = value as Record<string, Record<string, string>>;
      for (const [condition, target] of Object.entries(conditions)) {
        expect(Object.keys(target)[0], `${key} ${condition}`).toBe('types');
        expect(existsSync(join(root, target.types!)), target.types).toBe(true);
        expect(existsSync(join(root, target.default!)), target.default).toBe(true);
      }
    }
  });

  it('keeps runtime dependencies external and helpers imported, never inlined', () => {
    const files = readdirSync(join(root, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.(c?js)$/.test(f));
    for (const file of files) {
      const text = readFileSync(join(root, 'dist', file), 'utf8');
      expect(text, file).not.toMatch(/function __awaiter|function __extends|EventEmitter\.prototype\.emit\s*=/);
    }
  });

  it('the browser entry never pulls in the server, testing or presets entries', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(join(root, 'dist', file), 'utf8');
      for (const match of text.matchAll(/from\s*['"](\.\/[^'"]+)['"]/g)) visit(join(dirname(file), match[1]!));
    };
    visit('index.js');
    const text = [...seen].map((file) => readFileSync(join(root, 'dist', file), 'utf8')).join('\n');
    // Import statements only: error messages may mention packages by name.
    expect(text).not.toMatch(/^\s*(import|export)\b[^;]*from\s*['"](ws|node:[^'"]*)['"]/m);
    expect(text).not.toMatch(/^\s*import\s*['"](ws|node:[^'"]*)['"]/m);
    expect([...seen].some((f) => /server|testing|presets|react/.test(f))).toBe(false);
    expect(text).not.toMatch(/^\s*(import|export)\b[^;]*from\s*['"]react['"]/m);
  });

  it('closekit/react takes React as an optional peer, keeps it external, and adds nothing to the main entry', () => {
    expect(pkg.peerDependencies['react']).toBe('>=18');
    expect(pkg.peerDependenciesMeta['react']?.optional).toBe(true);
    expect(pkg.dependencies['react']).toBeUndefined();
    for (const file of ['react.cjs', 'react/hooks.js']) {
      const text = readFileSync(join(root, 'dist', file), 'utf8');
      expect(text, file).toMatch(/require\('react'\)|from 'react'/);
      expect(text, file).not.toMatch(/useSyncExternalStore\s*=\s*function|function useSyncExternalStore/);
    }
    // The main entry loads where React is not installed at all.
    const script = 'console.log(typeof m.createSocketStore, typeof m.createSocket)';
    const blocked =
      "const Module = require('node:module'); const load = Module._load; Module._load = function (request, ...rest) { if (request === 'react') throw new Error('react is not installed'); return load.call(this, request, ...rest); };";
    expect(node(['-e', `${blocked} const m = require('closekit'); ${script}`])).toBe('function function\n');
  });

  it('resolves every subpath under moduleResolution node10 too (typesVersions, for resolvers without exports)', () => {
    const subpaths = Object.keys(pkg.exports).filter((key) => key !== '.' && key !== './package.json');
    expect(Object.keys(pkg.typesVersions['*'] ?? {}).sort()).toEqual(subpaths.map((key) => key.slice(2)).sort());
    for (const subpath of subpaths) {
      const entry = pkg.exports[subpath] as { require?: { types: string }; import: { types: string } };
      // closekit/browser is one ES module with the root's types; the others have a require build.
      const target = entry.require?.types ?? entry.import.types.replace(/\.d\.ts$/, '.d.cts');
      expect(pkg.typesVersions['*']?.[subpath.slice(2)], subpath).toEqual([target]);
    }
  });

  it('builds before packing, ships a licence and declares no peer it never imports', () => {
    expect(pkg.scripts['prepack']).toBe('npm run build');
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 closekit contributors\n/);
    // closekit/server takes ws objects structurally: any ws version (or none) installs cleanly.
    // The one peer is closekit/react's React, optional.
    expect(Object.keys(pkg.peerDependencies)).toEqual(['react']);
  });

  it('every source map carries its sources (src/ is not shipped)', () => {
    const maps = readdirSync(join(root, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const file of maps) {
      const map = JSON.parse(readFileSync(join(root, 'dist', file), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(map.sourcesContent?.length, file).toBe(map.sources.length);
      for (const content of map.sourcesContent ?? []) expect(typeof content, file).toBe('string');
    }
  });
});
