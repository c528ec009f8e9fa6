// Builds every public entry into dist/: ESM (.js), CJS (.cjs) and bundled types (.d.ts, .d.cts).
// Runtime dependencies stay external so the app's bundler deduplicates them.
import replace from '@rollup/plugin-replace';
import typescript from '@rollup/plugin-typescript';
import { build as esbuild } from 'esbuild';
import { dts } from 'rollup-plugin-dts';

/**
 * dist/closekit.browser.js: the browser entry as one self-contained ES module
 * (eventemitter3 and tslib inside), built for production, for pages that load
 * closekit with no bundler (a plain <script type="module">, a CDN). The
 * per-module build reads `process.env.NODE_ENV`, which only bundlers and Node
 * provide.
 */
const browserBuild = () => ({
  name: 'closekit-browser-build',
  async closeBundle() {
    await esbuild({
      entryPoints: ['dist/index.js'],
      outfile: 'dist/closekit.browser.js',
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      define: { 'process.env.NODE_ENV': '"production"' },
      legalComments: 'none',
      sourcemap: true,
      sourcesContent: true,
      logLevel: 'warning',
    });
  },
});

const input = {
  index: 'src/index.ts',
  presets: 'src/presets/index.ts',
  server: 'src/server/index.ts',
  testing: 'src/testing/index.ts',
  react: 'src/react/index.ts',
};

const external = (id) => id === 'eventemitter3' || id === 'tslib' || id === 'ws' || id === 'react' || id.startsWith('node:');

export default [
  {
    input,
    external,
    plugins: [
      // Development-only code (src/dev.ts): `__DEV__` becomes the expression every bundler folds.
      replace({ preventAssignment: true, values: { __DEV__: "(process.env.NODE_ENV !== 'production')" } }),
      typescript({
        tsconfig: './tsconfig.json',
        declaration: false,
        sourceMap: true,
        // Each map carries its TypeScript source (sourcesContent): src/ is not shipped, and a map without
        // its sources shows a debugger nothing.
        inlineSources: true,
        outDir: 'dist',
        noEmitOnError: true,
      }),
      browserBuild(),
    ],
    output: [
      // One ESM file per source module: with `sideEffects: false`, an app's bundler drops every
      // module it does not use (and that module's imports, such as eventemitter3) — a single-file
      // dist/index.js would make classify() carry the whole socket.
      { dir: 'dist', format: 'es', preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js', sourcemap: true },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'shared/[name]-[hash].cjs', sourcemap: true, exports: 'named' },
    ],
  },
  {
    input,
    external,
    plugins: [dts({ tsconfig: './tsconfig.json' })],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'shared/[name]-[hash].d.ts' },
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.cts', chunkFileNames: 'shared/[name]-[hash].d.cts' },
    ],
  },
];
