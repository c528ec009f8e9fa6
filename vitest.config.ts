import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  // src/dev.ts: the tests run the development build (the production one is tested from dist/).
  define: { __DEV__: "(process.env.NODE_ENV !== 'production')" },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './test/tsconfig.json' },
    testTimeout: 20_000,
    hookTimeout: 20_000,
    teardownTimeout: 10_000,
    // CI also keeps a JSON report, from which .ci/run prints one plain "N passed, N failed" line.
    reporters: process.env['CI'] === 'true' ? ['default', 'json'] : ['default'],
    outputFile: { json: '.ci/results/vitest.json' },
    projects: [
      { extends: true, test: { name: 'unit', exclude: [...configDefaults.exclude, 'test/browser/**'] } },
      {
        // Real Chromium, Firefox and WebKitGTK against a loopback server
        // (test/browser/README.md): an engine that is missing is skipped, and
        // required in CI. Not `extends: true`, which would append the root include;
        // slower hooks because each file launches each engine once.
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          teardownTimeout: 10_000,
        },
      },
    ],
  },
});
