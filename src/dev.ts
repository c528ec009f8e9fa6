// Development-only weight (long messages, "did you mean" hints) follows the
// React/Vue convention: source code guards it with `__DEV__`, which the build
// (rollup.config.mjs) writes out as `process.env.NODE_ENV !== 'production'`
// at every use. Bundlers replace that in a production build, it folds to
// `false`, and the minifier drops every branch, message and helper it guards
// (it must be inline at each use: a flag held in a variable is folded too late
// for that). Node and test runners read the environment; the tests run with
// `__DEV__` true (vitest.config.ts) and check the production build separately.
// Where there is neither `process` nor a bundler (a plain
// <script type="module">), use dist/closekit.browser.js, built for production.

declare global {
  /** True unless this is a production build; see src/dev.ts. */
  const __DEV__: boolean;
}

export {};
