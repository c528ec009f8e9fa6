// `npm run bench`: closekit against the libraries users would otherwise pick,
// side by side in one run (issue #7). Prints a table and writes
// bench/RESULTS.md, bench/results.json and bench/storm.svg.
//
//   npm run bench                      every section, writes the files
//   node --import tsx bench/run.ts size storm   only those sections, prints only
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decisionScenario, runDecision } from './decision';
import { heapScenario, runHeap } from './heap';
import { memoryScenario, runMemory } from './memory';
import { overheadScenario, runOverhead } from './overhead';
import { consoleReport, markdownReport, readmeSection, type RunInfo } from './report';
import { gzipTool, measureBreakdown, measureSizes } from './size';
import { runStorm, stormScenario } from './storm';
import { renderStormSvg } from './svg';
import { checkTargets, type BenchFigures } from './targets';

const here = dirname(fileURLToPath(import.meta.url));
const sections = ['size', 'storm', 'overhead', 'decision', 'memory', 'heap'] as const;
type Section = (typeof sections)[number];

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(sections as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`bench: unknown section ${unknown.join(', ')}; choose from ${sections.join(', ')}`);
  process.exit(2);
}
const selected: readonly Section[] = requested.length === 0 ? sections : (requested as Section[]);
const writeFiles = requested.length === 0;

const started = performance.now();
const loadAverage = loadavg();
const figures: { -readonly [K in keyof BenchFigures]: BenchFigures[K] } = {};
const errors: Record<string, string> = {};

async function section(name: Section, run: () => Promise<void>): Promise<void> {
  if (!selected.includes(name)) return;
  const sectionStarted = performance.now();
  process.stdout.write(`bench: ${name}… `);
  try {
    await run();
    console.log(`${((performance.now() - sectionStarted) / 1000).toFixed(1)} s`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    errors[name] = message;
    console.log(`FAILED: ${message}`);
  }
}

await section('size', async () => {
  figures.size = await measureSizes();
  figures.sizeBreakdown = [
    await measureBreakdown('closekit:classify', 'classify'),
    await measureBreakdown('closekit:createPolicy', 'createPolicy'),
    await measureBreakdown('closekit:createSocket', 'createSocket'),
  ];
});
await section('storm', async () => {
  figures.storm = await runStorm();
});
await section('overhead', async () => {
  figures.overhead = await runOverhead();
});
await section('decision', async () => {
  figures.decision = runDecision();
});
await section('memory', async () => {
  figures.memory = await runMemory();
});
await section('heap', async () => {
  figures.heap = await runHeap();
});

const info: RunInfo = {
  generatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  node: process.versions.node,
  cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
  cores: cpus().length,
  loadAverage,
  durationMs: performance.now() - started,
  wroteFiles: writeFiles,
  errors,
};
const checks = checkTargets(figures);
console.log('');
console.log(consoleReport(figures, checks, info));

if (writeFiles) {
  writeFileSync(resolve(here, 'RESULTS.md'), markdownReport(figures, checks, info));
  const json = {
    command: 'npm run bench',
    ...info,
    scenarios: {
      size: { esbuild: 'esbuild --bundle --minify --format=esm --platform=browser --legal-comments=none', gzip: gzipTool },
      storm: stormScenario,
      overhead: overheadScenario,
      decision: decisionScenario,
      memory: memoryScenario,
      heap: heapScenario,
    },
    varies: 'Every figure given as { median, min, max, runs } varies from run to run; the target is checked against the median. Sizes and storm counts are deterministic.',
    targets: checks,
    results: figures,
  };
  writeFileSync(resolve(here, 'results.json'), `${JSON.stringify(json, null, 2)}\n`);
  const shown = (figures.storm ?? []).filter((result) => result.group !== 'variant');
  if (shown.length > 0) {
    // The axis ends a little after the slowest library had 99% back; later stragglers are counted in the panel's caption.
    const lastMs = Math.max(...shown.map((result) => result.reconnected99Ms ?? stormScenario.horizonMs));
    const untilMs = Math.min(30_000, Math.ceil((lastMs + 1000) / 2000) * 2000);
    const svg = renderStormSvg(shown, {
      bucketMs: stormScenario.bucketMs,
      serverBackMs: stormScenario.serverBackMs,
      clients: stormScenario.clients,
      untilMs,
      latencyMs: stormScenario.latencyMs,
    });
    writeFileSync(resolve(here, 'storm.svg'), svg);
  }
  // docs/benchmarks.md quotes the latest figures: only the text between its benchmarks markers is replaced.
  const readmePath = resolve(here, '..', 'docs', 'benchmarks.md');
  const readme = readFileSync(readmePath, 'utf8');
  const open = '<!-- section:benchmarks -->';
  const close = '<!-- /section:benchmarks -->';
  const from = readme.indexOf(open);
  const to = readme.indexOf(close);
  if (from >= 0 && to > from) {
    const updated = `${readme.slice(0, from + open.length)}\n${readmeSection(figures, checks, info)}\n${readme.slice(to)}`;
    writeFileSync(readmePath, updated);
  } else {
    console.log('bench: docs/benchmarks.md has no benchmarks section markers; left it alone');
  }
}
if (Object.keys(errors).length > 0) process.exitCode = 1;
