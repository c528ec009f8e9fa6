// The oldest TypeScript closekit supports (5.0: the public types use `const` type parameters)
// compiles an app against the built declarations in every module-resolution mode an app may use,
// with skipLibCheck off so every line of dist/*.d.ts is checked. TypeScript 5.0.4 is the one
// dependency of test/package/typescript-5.0, a local package of its own (devDependency
// `closekit-typescript-5.0`): an npm alias at the top level would race the project's TypeScript
// for node_modules/.bin/tsc.
//
// The consumer lives in test/package/.consumer/ (git-ignored), with node_modules/closekit linked to
// this repository, so 'closekit' resolves through package.json as it does in an app (node10 does not
// resolve a package's own name, hence the link).
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TypeScript from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const consumerDir = join(here, '.consumer');
const ts = createRequire(join(here, 'typescript-5.0', 'package.json'))('typescript') as typeof TypeScript;

// Every entry, and the generic paths the const type parameters drive.
const appCode = `
import { classify, createPolicy, createSocket, defineCloseCodes, describe } from 'closekit';
import { graphqlWs } from 'closekit/presets';
import { closeWith, createCloser } from 'closekit/server';
import { createFakeClock, createFakeServer } from 'closekit/testing';

const AppCodes = defineCloseCodes({ TokenExpired: 4001, RateLimited: 4029 });
// @ts-expect-error 5000 is not an app code (3000-4999)
defineCloseCodes({ TooHigh: 5000 });
const result = classify({ code: 4001 }, { codes: AppCodes, opened: true });
const name: 'TokenExpired' | 'RateLimited' | undefined = result.kind === 'application' ? result.name : undefined;
const policy = createPolicy({ codes: AppCodes, preset: graphqlWs, rules: { TokenExpired: 'reauth' } });
const clock = createFakeClock();
const server = createFakeServer({ clock, codes: AppCodes });
const socket = createSocket('wss://example.test/live', { codes: AppCodes, policy, WebSocket: server.WebSocket, clock, timers: clock });
socket.on('rejected', (rejected) => console.log(rejected.name, describe(rejected)));
const { rejectAfterAccept } = createCloser(AppCodes);
export { closeWith, name, rejectAfterAccept };
`;

// A Node server with neither the DOM lib nor ws's types: closekit/server needs only @types/node.
const serverCode = `
import { defineCloseCodes } from 'closekit';
import { createCloser, trimReason } from 'closekit/server';

const { closeWith } = createCloser(defineCloseCodes({ RateLimited: 4029 }));
export { closeWith, trimReason };
`;

const strict: TypeScript.CompilerOptions = {
  noEmit: true,
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
  target: ts.ScriptTarget.ES2022,
};
const browserLibs = { lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [] };

const modes: readonly { name: string; file: string; code: string; options: TypeScript.CompilerOptions }[] = [
  { name: 'node10 (CommonJS)', file: 'app.ts', code: appCode, options: { ...browserLibs, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 } },
  { name: 'node16 from CJS', file: 'app.cts', code: appCode, options: { ...browserLibs, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 } },
  { name: 'node16 from ESM', file: 'app.mts', code: appCode, options: { ...browserLibs, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 } },
  { name: 'bundler', file: 'app.ts', code: appCode, options: { ...browserLibs, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler } },
  {
    name: 'a Node server without the DOM lib',
    file: 'server.mts',
    code: serverCode,
    options: { lib: ['lib.es2022.d.ts'], types: ['node'], module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
  },
];

function diagnose(file: string, code: string, options: TypeScript.CompilerOptions): string[] {
  const path = join(consumerDir, file);
  writeFileSync(path, code);
  const program = ts.createProgram([path], { ...strict, ...options });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (diagnostic.file === undefined || diagnostic.start === undefined) return text;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${diagnostic.file.fileName.replace(root, '')}:${line + 1}: ${text}`;
  });
}

describe('the oldest supported TypeScript compiles an app against dist/', () => {
  beforeAll(() => {
    const pinned = JSON.parse(readFileSync(join(here, 'typescript-5.0', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pinned.dependencies['typescript']).toBe('5.0.4');
    expect(ts.version).toBe('5.0.4');
    rmSync(consumerDir, { recursive: true, force: true });
    mkdirSync(join(consumerDir, 'node_modules'), { recursive: true });
    writeFileSync(join(consumerDir, '.gitignore'), '*\n');
    symlinkSync(root, join(consumerDir, 'node_modules', 'closekit'), 'junction');
    readFileSync(join(root, 'dist', 'index.d.ts')); // dist/ is built by `npm test` before vitest runs
  });

  it.each(modes)(
    '$name',
    ({ file, code, options }) => {
      expect(diagnose(file, code, options)).toEqual([]);
    },
    60_000,
  );

  it('reports a type error in the consumer (the check can fail)', () => {
    const errors = diagnose('broken.ts', "import { classify } from 'closekit';\nconst n: number = classify({ code: 1000 }).reason;\nexport { n };\n", {
      ...browserLibs,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
    });
    expect(errors).toEqual([expect.stringMatching(/broken\.ts:2: Type 'string' is not assignable to type 'number'/)]);
  }, 60_000);
});
