// The page's JavaScript: the built dist/index.js bundled the way an app's
// bundler would (resolving eventemitter3 and tslib from node_modules,
// browser platform), plus the probes. It never reads src/.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The built ESM entry the suite exercises. */
export const DIST_INDEX = fileURLToPath(new URL('../../../dist/index.js', import.meta.url));
const PROBE = fileURLToPath(new URL('./probe.ts', import.meta.url));
const DRIVER = fileURLToPath(new URL('./socket-driver.ts', import.meta.url));

/** Throws unless dist/ has been built. */
export function assertBuilt(): void {
  if (!existsSync(DIST_INDEX)) throw new Error('dist/index.js is missing: run `npm run build` first (npm test does).');
}

/**
 * Bundles dist/index.js and the probes into one browser ESM script that
 * sets `globalThis.closekit`, `globalThis.probe` and `globalThis.driver`. A Node-only import in
 * dist/index.js fails this build, as it would fail an app's.
 */
export async function buildPageBundle(): Promise<string> {
  assertBuilt();
  const result = await build({
    stdin: {
      contents: [
        `import * as closekit from ${JSON.stringify(DIST_INDEX)};`,
        `import * as probe from ${JSON.stringify(PROBE)};`,
        `import * as driver from ${JSON.stringify(DRIVER)};`,
        'globalThis.closekit = closekit;',
        'globalThis.probe = probe;',
        'globalThis.driver = driver;',
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'js',
      sourcefile: 'page-entry.js',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no page bundle');
  return output.text;
}

/** Loads dist/index.js into Node, typed from the sources. */
export async function importDist(): Promise<typeof import('../../../src/index')> {
  assertBuilt();
  return (await import(pathToFileURL(DIST_INDEX).href)) as typeof import('../../../src/index');
}
