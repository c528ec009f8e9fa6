// Bundle size of one import, measured with issue #13's command:
//   esbuild --bundle --minify --format=esm --platform=browser --legal-comments=none
// then gzip -9 (and brotli at maximum quality). Sizes are deterministic: the
// same esbuild and the same inputs give the same bytes. License comments are
// left out for every entry, closekit's and the anchors' alike (reconnecting-
// websocket bundles a 584-byte license header that says nothing about the
// code). closekit is resolved through its own package.json `exports` to the
// built dist/, so run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Plugin } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** One thing a user imports. */
export interface SizeEntry {
  /** Stable key for results.json and the budget table. */
  readonly id: string;
  /** What a reader sees in the table. */
  readonly label: string;
  /** closekit itself, or a library it is compared with. */
  readonly group: 'closekit' | 'anchor';
  /** The module source: one import, exported so nothing is tree-shaken away. */
  readonly source: string;
  /** gzip bytes FACTS.md gives for this anchor without license comments, if any. */
  readonly factsGzip?: number;
}

/** The measured bytes of one entry, or why there are none. */
export type SizeResult =
  | (SizeEntry & { readonly status: 'ok'; readonly minBytes: number; readonly gzipBytes: number; readonly brotliBytes: number })
  | (SizeEntry & { readonly status: 'not built yet'; readonly detail: string });

const one = (specifier: string, name: string): string =>
  name === 'default' ? `import value from '${specifier}';\nexport const x = value;\n` : `import { ${name} } from '${specifier}';\nexport const x = ${name};\n`;

/** The entry issue #13 measured the client with, verbatim. */
export const createSocketSource = "import { createSocket } from 'closekit'; export const x = (u) => createSocket(u);\n";

/** closekit's entries: the smallest useful import, the policy, the full client and each preset. */
export const closekitEntries: readonly SizeEntry[] = [
  { id: 'closekit:classify', label: 'closekit classify', group: 'closekit', source: one('closekit', 'classify') },
  { id: 'closekit:createPolicy', label: 'closekit createPolicy', group: 'closekit', source: one('closekit', 'createPolicy') },
  {
    id: 'closekit:createSocket',
    label: 'closekit createSocket (full client, incl. eventemitter3)',
    group: 'closekit',
    source: createSocketSource,
  },
  { id: 'closekit:preset:graphqlWs', label: 'closekit/presets graphqlWs', group: 'closekit', source: one('closekit/presets', 'graphqlWs') },
  { id: 'closekit:preset:centrifugo', label: 'closekit/presets centrifugo', group: 'closekit', source: one('closekit/presets', 'centrifugo') },
  { id: 'closekit:preset:pusher', label: 'closekit/presets pusher', group: 'closekit', source: one('closekit/presets', 'pusher') },
];

/** The libraries users would otherwise pick, with FACTS.md's figures (reconnecting-websocket's without its license header, as FACTS.md gives it). */
export const anchorEntries: readonly SizeEntry[] = [
  { id: 'reconnecting-websocket', label: 'reconnecting-websocket 4.4.0', group: 'anchor', source: one('reconnecting-websocket', 'default'), factsGzip: 2634 },
  { id: 'partysocket/ws', label: 'partysocket/ws 1.3.0', group: 'anchor', source: one('partysocket/ws', 'default'), factsGzip: 2740 },
  { id: 'partysocket', label: 'partysocket (PartySocket) 1.3.0', group: 'anchor', source: one('partysocket', 'PartySocket'), factsGzip: 4075 },
  { id: 'sockette', label: 'sockette 2.0.6', group: 'anchor', source: one('sockette', 'default'), factsGzip: 382 },
  { id: 'websocket-ts', label: 'websocket-ts 2.3.0 (WebsocketBuilder)', group: 'anchor', source: one('websocket-ts', 'WebsocketBuilder'), factsGzip: 1812 },
  { id: 'graphql-ws', label: 'graphql-ws 6.4.2 createClient', group: 'anchor', source: one('graphql-ws', 'createClient'), factsGzip: 3337 },
  { id: 'eventemitter3', label: 'eventemitter3 5.0.4 alone', group: 'anchor', source: one('eventemitter3', 'default'), factsGzip: 1323 },
];

interface ExportConditions {
  readonly import?: string | { readonly default?: string };
}

/** The esbuild settings of every measurement: `--bundle --minify --format=esm --platform=browser --legal-comments=none`, nothing written. */
export const BUILD_SETTINGS = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  legalComments: 'none',
  write: false,
  logLevel: 'silent',
} as const satisfies BuildOptions;

/** The gzip program's version line, or undefined where there is none. */
function gzipProgram(): string | undefined {
  const probe = spawnSync('gzip', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.split('\n')[0]?.trim() : undefined;
}
const gzipVersion = gzipProgram();

/**
 * How gzip bytes are counted: the `gzip -9` program, as the issue's command
 * says; where it is missing, Node's zlib at level 9, whose deflate differs from
 * GNU gzip's by a few bytes in ten thousand.
 */
export const gzipTool: string = gzipVersion === undefined ? "Node's zlib at level 9 (no gzip program found)" : `gzip -9 -n (${gzipVersion})`;

/** gzip -9 bytes of `code`. */
export function gzipBytesOf(code: Uint8Array): number {
  if (gzipVersion !== undefined) {
    const run = spawnSync('gzip', ['-9', '-n', '-c'], { input: code, maxBuffer: 64 * 1024 * 1024 });
    if (run.status === 0) return run.stdout.byteLength;
    throw new Error(`gzip -9 failed: ${run.stderr.toString().trim() || `exit ${String(run.status)}`}`);
  }
  return gzipSync(code, { level: 9 }).byteLength;
}

/** Resolves `closekit` and `closekit/<sub>` the way a bundler would for an ESM import: through package.json `exports`. */
function selfReference(): Plugin {
  const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, ExportConditions>;
  };
  const pattern = new RegExp(`^${manifest.name}(/.*)?$`);
  return {
    name: 'closekit-self-reference',
    setup(builder) {
      builder.onResolve({ filter: pattern }, (args) => {
        const subpath = `.${args.path.slice(manifest.name.length)}`;
        const conditions = manifest.exports[subpath];
        const target = typeof conditions?.import === 'string' ? conditions.import : conditions?.import?.default;
        if (target === undefined) return { errors: [{ text: `package.json has no ESM export for "${subpath}"` }] };
        return { path: resolve(root, target) };
      });
    },
  };
}

/** Bundles one entry and measures it; a closekit entry whose file or export is missing is "not built yet". */
export async function measureEntry(entry: SizeEntry): Promise<SizeResult> {
  let code: Uint8Array;
  try {
    const output = await build({
      ...BUILD_SETTINGS,
      stdin: { contents: entry.source, resolveDir: root, loader: 'js', sourcefile: `${entry.id}.js` },
      plugins: [selfReference()],
    });
    const file = output.outputFiles[0];
    if (file === undefined) throw new Error('esbuild produced no output');
    // An import from a module with no exports at all is only a warning in esbuild ("will always be undefined").
    const missing = output.warnings.filter((warning) => /will always be undefined|No matching export/.test(warning.text));
    if (missing.length > 0) throw { errors: missing };
    code = file.contents;
  } catch (error) {
    if (entry.group === 'anchor') throw error;
    const messages = (error as { errors?: { text: string }[] }).errors?.map((message) => message.text) ?? [String(error)];
    return { ...entry, status: 'not built yet', detail: messages.join('; ') };
  }
  return {
    ...entry,
    status: 'ok',
    minBytes: code.byteLength,
    gzipBytes: gzipBytesOf(code),
    brotliBytes: brotliCompressSync(code, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: code.byteLength },
    }).byteLength,
  };
}

/** Where one import's bytes come from: bundled from src/ so each source file is visible. */
export interface SizeBreakdown {
  readonly id: string;
  readonly minBytes: number;
  readonly gzipBytes: number;
  /** Minified bytes per source file, largest first. */
  readonly files: readonly { readonly file: string; readonly bytes: number }[];
}

/**
 * Bundles `import { name } from 'src/index.ts'` with the same settings and
 * reports bytes per source file. Bundled from src/ rather than dist/, the
 * bundler can drop whole unused files (package.json has sideEffects: false),
 * so the total is also what closekit would weigh if dist/ tree-shook as well
 * as its sources do.
 */
export async function measureBreakdown(id: string, name: string): Promise<SizeBreakdown> {
  const output = await build({
    ...BUILD_SETTINGS,
    stdin: { contents: one('./src/index.ts', name), resolveDir: root, loader: 'ts', sourcefile: `${id}.ts` },
    // The build writes `__DEV__` out as `process.env.NODE_ENV !== 'production'` (src/dev.ts), which these
    // settings fold to false (esbuild defines NODE_ENV as "production" when it minifies for the browser).
    define: { __DEV__: 'false' },
    metafile: true,
  });
  const file = output.outputFiles[0];
  const meta = Object.values(output.metafile.outputs)[0];
  if (file === undefined || meta === undefined) throw new Error('esbuild produced no output');
  const files = Object.entries(meta.inputs)
    .map(([input, info]) => ({ file: input.replace(/^.*node_modules\//, ''), bytes: info.bytesInOutput }))
    .filter((entry) => entry.bytes > 0 && entry.file !== `${id}.ts`)
    .sort((a, b) => b.bytes - a.bytes);
  return { id, minBytes: file.contents.byteLength, gzipBytes: gzipBytesOf(file.contents), files };
}

/** Measures closekit's entries and the anchors in one run. */
export async function measureSizes(entries: readonly SizeEntry[] = [...closekitEntries, ...anchorEntries]): Promise<SizeResult[]> {
  const results: SizeResult[] = [];
  for (const entry of entries) results.push(await measureEntry(entry));
  return results;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const result of await measureSizes()) {
    console.log(
      result.status === 'ok'
        ? `${result.label.padEnd(58)} min ${String(result.minBytes).padStart(6)}  gzip ${String(result.gzipBytes).padStart(5)}  brotli ${String(result.brotliBytes).padStart(5)}`
        : `${result.label.padEnd(58)} not built yet (${result.detail})`,
    );
  }
}
