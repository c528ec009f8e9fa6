// The React test page's JavaScript: React 19 and react-dom (development
// builds, where StrictMode double-mounts), the built dist/index.js and
// dist/react.js, and the app in page-app.ts, bundled as an app's bundler would.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const file = (path: string): string => JSON.stringify(fileURLToPath(new URL(path, import.meta.url)));

/** One browser ESM script that sets `globalThis.reactTest`. */
export async function buildReactPageBundle(): Promise<string> {
  const result = await build({
    stdin: {
      contents: [
        `import * as closekit from ${file('../../dist/index.js')};`,
        `import * as closekitReact from ${file('../../dist/react.js')};`,
        `import { installReactTest } from ${file('./page-app.ts')};`,
        'installReactTest(closekit, closekitReact);',
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'js',
      sourcefile: 'react-page-entry.js',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    define: { 'process.env.NODE_ENV': '"development"' },
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no React page bundle');
  return output.text;
}
