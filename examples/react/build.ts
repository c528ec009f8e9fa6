// Bundles the example for the browser with esbuild, as an app would:
//   node --import tsx examples/react/build.ts   → examples/react/app.js
import { fileURLToPath } from 'node:url';
import { build, type BuildResult } from 'esbuild';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Builds main.tsx (React's production build, minified); `write: false` returns the output instead of writing app.js. */
export function buildExample(write = true): Promise<BuildResult<{ write: boolean; metafile: true }>> {
  return build({
    entryPoints: [here('./main.tsx')],
    outfile: here('./app.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    metafile: true,
    write,
    logLevel: write ? 'info' : 'silent',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildExample();
