// Development-only weight (long messages, "did you mean" hints) follows the
// React/Vue convention: bundlers replace `process.env.NODE_ENV` in a
// production build, this folds to `false`, and the minifier drops every
// branch it guards. Node and test runners read it from the environment.
// Where there is no `process` and no bundler, use the self-contained browser
// build (dist/closekit.browser.js), in which it is already `false`.
declare const process: { readonly env: { readonly NODE_ENV?: string } };

/** True unless this is a production build (`process.env.NODE_ENV === 'production'`). */
export const DEV: boolean = process.env.NODE_ENV !== 'production';
