// Turns one run's figures into the printed table and bench/RESULTS.md.
import { decisionScenario } from './decision';
import { heapScenario, type HeapResult } from './heap';
import { formatNumber, markdownTable, textTable } from './lib/format';
import { formatSpread, mapSpread, type Spread } from './lib/stats';
import { memoryScenario } from './memory';
import { missNotes, missTitles } from './notes';
import { overheadScenario } from './overhead';
import { createSocketSource, gzipTool } from './size';
import { stormScenario, type StormResult } from './storm';
import { HEAP_PER_SOCKET_TARGET_BYTES, THROUGHPUT_TARGET_RATIO } from './lib/issue-targets';
import type { BenchFigures, TargetCheck } from './targets';

export interface RunInfo {
  readonly generatedAt: string;
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  /** os.loadavg() when the run started: how busy the machine already was. */
  readonly loadAverage: readonly number[];
  readonly durationMs: number;
  /** Whether RESULTS.md, results.json and storm.svg were written (only for a full run). */
  readonly wroteFiles: boolean;
  /** Sections that failed, with the error message. */
  readonly errors: Readonly<Record<string, string>>;
}

const n = (value: number, digits = 0): string => formatNumber(value, digits);
/** A figure that varies from run to run: "median (lowest to highest)". */
const ranged = (spread: Spread, digits = 0, unit = ''): string => formatSpread(spread, digits, unit);

/** What every report says about which figures vary and which do not. */
const VARIES =
  'Sizes and the retry-storm counts are deterministic (same inputs, same bytes; the storm runs on a virtual clock with seeded randomness). Every other figure (messages/s, ns, heap bytes) varies from run to run and is given as the median of several runs with the lowest and highest in brackets; absolute timings also depend on the machine and its load.';

/** The esbuild command every size is measured with (issue #13's). */
const SIZE_COMMAND = 'esbuild --bundle --minify --format=esm --platform=browser --legal-comments=none';
const createSocketEntry = createSocketSource.trim();
const verdict = (met: boolean | undefined): string => (met === undefined ? 'not measured' : met ? 'met' : 'MISSED');
const secondsOrNever = (ms: number | undefined, offsetMs = 0): string => (ms === undefined ? 'never' : `${((ms - offsetMs) / 1000).toFixed(2)} s`);

function sizeRows(figures: BenchFigures): string[][] {
  return (figures.size ?? []).map((result) =>
    result.status === 'ok'
      ? [result.label, n(result.minBytes), n(result.gzipBytes), n(result.brotliBytes), result.factsGzip === undefined ? '—' : n(result.factsGzip)]
      : [result.label, 'not built yet', '—', '—', '—'],
  );
}

function stormRows(storm: readonly StormResult[]): string[][] {
  return storm.map((result) => [
    result.label,
    n(result.peakBucket),
    `${(result.peakAtMs / 1000).toFixed(1)} s`,
    n(result.peakToMean, 1),
    n(result.worstSecond),
    n(result.totalAttempts),
    secondsOrNever(result.reconnected99Ms),
    secondsOrNever(result.reconnected99Ms, stormScenario.serverBackMs),
  ]);
}

const stormHeader = ['library', 'peak /100 ms', 'peak at', 'peak/mean', 'worst second', 'attempts', '99% back (from close)', '(from server return)'];

const overheadHeader = ['client', 'bare msg/s', 'ManagedSocket msg/s', 'throughput ratio', 'bare CPU µs/msg', 'managed CPU µs/msg', 'CPU ratio'];

function overheadRows(figures: BenchFigures): string[][] {
  return (figures.overhead ?? []).map((result) => [
    result.client,
    ranged(result.bareMessagesPerSecond),
    ranged(result.managedMessagesPerSecond),
    ranged(result.ratio, 3),
    ranged(result.bareCpuMicrosPerMessage, 2),
    ranged(result.managedCpuMicrosPerMessage, 2),
    ranged(result.cpuRatio, 3),
  ]);
}

const heapHeader = ['socket', 'heap per idle open socket', 'less the fake WebSocket'];

function heapRows(heap: HeapResult): string[][] {
  const bare = heap.figures.find((figure) => figure.id === 'bare');
  return heap.figures.map((figure) => [
    figure.label,
    ranged(figure.bytesPerSocket, 0, ' B'),
    figure.id === 'bare' || bare === undefined ? '—' : `${n(figure.bytesPerSocket.median - bare.bytesPerSocket.median)} B`,
  ]);
}

function decisionLine(figures: BenchFigures): string | undefined {
  const d = figures.decision;
  if (d === undefined) return undefined;
  return `classify + decide ${ranged(d.nsPerDecision, 0, ' ns')} = ${ranged(d.decisionInJsonParses, 2, ' ×')} a JSON.parse of a 64-byte message (${ranged(d.nsPerJsonParse, 0, ' ns')}); classify alone ${ranged(d.nsPerClassify, 0, ' ns')}; median (range) of ${decisionScenario.samples} samples`;
}

function memoryLine(figures: BenchFigures): string | undefined {
  const m = figures.memory;
  if (m === undefined) return undefined;
  return (
    `${n(memoryScenario.cycles)} cycles, median (range) of ${memoryScenario.runs} runs: reconnect cycles ${ranged(m.reconnectCycles.heapGrowthBytes, 0, ' B')} heap, ${m.reconnectCycles.pendingTimersAfterDispose} timers after dispose; ` +
    `create/dispose ${ranged(m.createDisposeCycles.heapGrowthBytes, 0, ' B')} heap, ${m.createDisposeCycles.pendingTimersAfterDispose} timers`
  );
}

/** The table printed at the end of `npm run bench`. */
export function consoleReport(figures: BenchFigures, checks: readonly TargetCheck[], info: RunInfo): string {
  const parts: string[] = [];
  if (figures.size !== undefined) {
    parts.push(`Size (${SIZE_COMMAND}, one import, ${gzipTool}; bytes, deterministic)`);
    parts.push(textTable(['entry', 'min', 'gzip -9', 'brotli', 'FACTS.md gzip'], sizeRows(figures)));
  }
  if (figures.storm !== undefined) {
    parts.push(`Retry storm (${n(stormScenario.clients)} clients, 1012 at t=0, server back at ${stormScenario.serverBackMs / 1000} s; virtual clock, deterministic)`);
    parts.push(textTable(stormHeader, stormRows(figures.storm)));
  }
  if (figures.overhead !== undefined) {
    const o = overheadScenario;
    parts.push(`Message overhead (${o.runs} runs of ${n(o.messages)} × ${o.messageBytes} B echoes per side, each in ${o.chunks} alternating chunks; median (lowest to highest))`);
    parts.push(textTable(overheadHeader, overheadRows(figures)));
  }
  const decision = decisionLine(figures);
  if (decision !== undefined) parts.push(`Decision cost: ${decision}`);
  const memory = memoryLine(figures);
  if (memory !== undefined) parts.push(`Memory: ${memory}`);
  if (figures.heap !== undefined) {
    parts.push(
      `Heap per idle open socket (${n(figures.heap.sockets)} sockets at once, defaults, a fake WebSocket that opens at once; median (lowest to highest) of ${heapScenario.runs} runs; target ≤ ${n(HEAP_PER_SOCKET_TARGET_BYTES)} B)`,
    );
    parts.push(textTable(heapHeader, heapRows(figures.heap)));
  }
  parts.push('Targets');
  parts.push(
    textTable(
      ['target', 'measured', 'result'],
      checks.map((check) => [check.target, check.measured, verdict(check.met)]),
    ),
  );
  for (const [section, message] of Object.entries(info.errors)) parts.push(`SECTION FAILED: ${section}: ${message}`);
  parts.push(
    info.wroteFiles
      ? `Wrote bench/RESULTS.md, bench/results.json and bench/storm.svg; ${(info.durationMs / 1000).toFixed(1)} s in all.`
      : `Partial run (${(info.durationMs / 1000).toFixed(1)} s): files not written; run every section (npm run bench) to write them.`,
  );
  return parts.join('\n\n');
}

/** bench/RESULTS.md. */
export function markdownReport(figures: BenchFigures, checks: readonly TargetCheck[], info: RunInfo): string {
  const lines: string[] = [];
  const push = (...text: string[]): void => {
    lines.push(...text);
  };
  push(
    '# closekit benchmarks',
    '',
    '<!-- Generated by `npm run bench` (bench/run.ts). Do not edit by hand: the next run overwrites it. -->',
    '',
    `Reproduce with \`npm run bench\` (builds dist/, then runs bench/run.ts; about ${Math.ceil(info.durationMs / 60_000)} min on this machine).`,
    `Last run: ${info.generatedAt} · Node ${info.node} · ${info.cores} × ${info.cpu} · load average ${info.loadAverage.map((value) => value.toFixed(1)).join(' / ')} at the start (1/5/15 min).`,
    '',
    VARIES,
    '',
    '## Targets',
    '',
    markdownTable(
      ['target', 'measured', 'result'],
      checks.map((check) => [check.target, check.measured, check.met === false ? '**missed**' : verdict(check.met)]),
    ),
    '',
  );
  const missed = checks.filter((check) => check.met === false);
  if (missed.length > 0) {
    push('### Missed targets: why, and what would close the gap', '');
    const explained = new Set<string>();
    for (const check of missed) {
      const key = Object.keys(missNotes).find((prefix) => check.id.startsWith(prefix));
      if (key === undefined || explained.has(key)) continue;
      explained.add(key);
      push(`- **${missTitles[key] ?? check.target}** — ${(missNotes[key] as (figures: BenchFigures) => string)(figures)}`, '');
    }
  }
  for (const [section, message] of Object.entries(info.errors)) push(`> **Section failed: ${section}.** ${message}`, '');

  if (figures.size !== undefined) {
    push(
      '## 1. Size',
      '',
      `Each entry is one import, exported so the bundler keeps it (\`import { x } from …; export const x = …\`; the createSocket entry is issue #13's verbatim: \`${createSocketEntry}\`), bundled with \`${SIZE_COMMAND}\`, then ${gzipTool} and brotli (quality 11). Sizes are deterministic: the same esbuild and inputs give the same bytes.`,
      'License comments are left out of every entry, closekit’s and the anchors’ alike: reconnecting-websocket 4.4.0 bundles a 584-byte license header (3,218 B gzip with it, 2,634 B without, both in FACTS.md), and no other entry here has one.',
      'closekit is resolved through its own package.json `exports` to the built `dist/`, exactly as an app’s bundler would; `eventemitter3` and `tslib` are bundled in. esbuild, minifying for the browser, defines `process.env.NODE_ENV` as `"production"`, so these are production-build sizes: development-only messages and checks are dropped.',
      'The anchors are measured in the same run with the same settings; “FACTS.md gzip” is the figure in FACTS.md (reconnecting-websocket’s without its license header), measured elsewhere, so a few bytes apart.',
      '',
      markdownTable(['entry', 'min B', 'gzip -9 B', 'brotli B', 'FACTS.md gzip B'], sizeRows(figures), ['l', 'r', 'r', 'r', 'r']),
      '',
      'CI checks the closekit entries against byte budgets: `node --import tsx bench/size-budget.ts` (bytes only, deterministic).',
      '',
    );
    if (figures.sizeBreakdown !== undefined && figures.sizeBreakdown.length > 0) {
      push(
        '### Where the bytes go',
        '',
        'The same imports bundled from `src/` instead of `dist/`, so each source file shows (minified bytes per file). From `src/` the bundler drops every unused file (`sideEffects: false`); any difference to the `dist/` figure is code that the published build keeps but the sources would let a bundler drop.',
        '',
        markdownTable(
          ['entry', 'from dist/ (gzip)', 'from src/ (gzip)', 'largest files (min bytes)'],
          figures.sizeBreakdown.map((breakdown) => {
            const fromDist = figures.size?.find((result) => result.id === breakdown.id);
            return [
              breakdown.id.replace('closekit:', ''),
              fromDist?.status === 'ok' ? `${n(fromDist.gzipBytes)} B` : '—',
              `${n(breakdown.gzipBytes)} B`,
              breakdown.files
                .slice(0, 8)
                .map((file) => `${file.file} ${n(file.bytes)}`)
                .join(' · '),
            ];
          }),
          ['l', 'r', 'r', 'l'],
        ),
        '',
      );
    }
  }
  if (figures.storm !== undefined) {
    const s = stormScenario;
    push(
      '## 2. Retry storm',
      '',
      `${n(s.clients)} clients hold open connections (for ${s.warmupMs / 1000} s, so every library has reset its retry counter). At t = 0 the server closes all of them with ${s.closeCode} (Service Restart) and refuses every attempt until t = ${s.serverBackMs / 1000} s (a refusal is an error, then close 1006, as in a browser); from then on it accepts. Every attempt takes ${s.latencyMs} ms to open or be refused.`,
      'Each library runs its real code with its defaults on one virtual clock and one fake WebSocket: closekit gets the clock, timers and a seeded random injected; the anchors read the globals, so `setTimeout`, `clearTimeout`, `Date.now` and `Math.random` (seeded) are replaced for the length of their run and restored afterwards.',
      `An attempt is one \`new WebSocket()\`. Buckets are ${s.bucketMs} ms; peak/mean divides the peak by the mean bucket from the close until 99% were back; the worst second is the most attempts in any ten consecutive buckets.`,
      '',
      markdownTable(stormHeader, stormRows(figures.storm), ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r']),
      '',
      ...figures.storm.map((result) => `- *${result.label}*: ${result.note}.`),
      '',
      "All libraries run on one and the same virtual clock (bench/lib/virtual-clock.ts, a binary heap of timers) and fake WebSocket (bench/lib/storm-server.ts), not closekit/testing's: the anchors read the global timers, so the clock must stand in for `globalThis.setTimeout` and `Date.now`, and it lets promise chains settle once per batch of timers due at the same moment (the anchors hop through promises between a timer and `new WebSocket`).",
      '',
      '![Connection attempts per 100 ms after the restart, one panel per library](storm.svg)',
      '',
    );
  }
  if (figures.overhead !== undefined) {
    const o = overheadScenario;
    push(
      '## 3. Message overhead',
      '',
      `Messages of ${o.messageBytes} bytes are echoed by a \`ws\` server on 127.0.0.1 (in its own process), ${o.window} in flight at a time, through a ManagedSocket (default options) and through the bare client it wraps, on two connections opened side by side. In each of ${o.runs} runs, each side sends ${n(o.messages)} messages in ${o.chunks} chunks that alternate with the other side's, so a change in machine load hits both; a run's rate is all its messages over the side's total time, and a run's throughput ratio is the median over its chunk pairs (each managed chunk against the bare chunk next to it in time), which a burst of load from another process cannot swing the way it swings the totals.`,
      `Every figure is the median of the ${o.runs} runs with the lowest and highest run in brackets; the target (≥ ${THROUGHPUT_TARGET_RATIO}) is checked against the median ratio.`,
      '',
      markdownTable(overheadHeader, overheadRows(figures), ['l', 'r', 'r', 'r', 'r', 'r', 'r']),
      '',
      'The CPU columns are the client process’s CPU time per message (the echo server runs in a separate process); their ratio (bare ÷ managed) is what the throughput ratio would be if the client’s CPU were the only limit, and it is usually less disturbed by other load on the machine than wall time: compare the ranges.',
      '',
    );
  }
  const decision = decisionLine(figures);
  if (figures.decision !== undefined && decision !== undefined) {
    const d = figures.decision;
    push(
      '## 4. Decision cost',
      '',
      `\`policy.decide(classify(event), { attempt })\` over a fixed, seeded mix of ${decisionScenario.events} closes (mostly 1006 and restarts, some app codes, 10% arbitrary integers), default policy with a fixed random source; ${decisionScenario.samples} samples of ${n(decisionScenario.operationsPerSample)} calls each, given as the median with the lowest and highest sample in brackets.`,
      '',
      markdownTable(
        ['operation', 'ns per call', 'calls per second (median)'],
        [
          ['classify + decide', ranged(d.nsPerDecision), n(1e9 / d.nsPerDecision.median)],
          ['classify alone', ranged(d.nsPerClassify), n(1e9 / d.nsPerClassify.median)],
          ['yardstick: JSON.parse of a 64-byte message', ranged(d.nsPerJsonParse), n(1e9 / d.nsPerJsonParse.median)],
        ],
        ['l', 'r', 'r'],
      ),
      '',
      `One decision costs ${ranged(d.decisionInJsonParses, 2, ' ×')} parsing one small JSON message (per sample), and happens once per close, not per message. The absolute figures depend on the machine and its load (see the load average above); the ratio to JSON.parse is meant to cancel most of that, and its range shows how far it did.`,
      '',
    );
  }
  if (figures.memory !== undefined) {
    const m = figures.memory;
    push(
      '## 5. Memory and leaks',
      '',
      `On the fake WebSocket and virtual clock, ${n(memoryScenario.cycles)} cycles per run after ${n(memoryScenario.warmupCycles)} warm-up cycles, ${memoryScenario.runs} runs; heap measured after forced GC (\`--expose-gc\`). Heap growth is the median of the runs with the lowest and highest in brackets.`,
      '',
      markdownTable(
        ['scenario', 'heap growth', 'pending timers after dispose()', 'listeners after dispose()'],
        [
          [
            `one socket: open ${memoryScenario.openMs / 1000} s, server closes with ${memoryScenario.closeCode}, reconnect — ${n(memoryScenario.cycles)} times`,
            ranged(m.reconnectCycles.heapGrowthBytes, 0, ' B'),
            String(m.reconnectCycles.pendingTimersAfterDispose),
            String(m.reconnectCycles.listenersAfterDispose),
          ],
          [`${n(memoryScenario.cycles)} sockets created, opened, disposed`, ranged(m.createDisposeCycles.heapGrowthBytes, 0, ' B'), String(m.createDisposeCycles.pendingTimersAfterDispose), '—'],
        ],
        ['l', 'r', 'r', 'r'],
      ),
      '',
      'Heap growth is the difference of two post-GC heap sizes, so it wanders a few hundred KB either side of zero from run to run (JIT code, inline caches); a leak shows as growth that scales with the number of cycles and is positive in every run. Timers and listeners are the most any run left behind.',
      '',
    );
  }
  if (figures.heap !== undefined) {
    const h = figures.heap;
    const closekit = h.figures.find((figure) => figure.id === 'closekit');
    const rws = h.figures.find((figure) => figure.id === 'reconnecting-websocket');
    push(
      '## 6. Heap per idle open socket',
      '',
      `${n(h.sockets)} sockets at once, each with default options on a fake WebSocket that opens at once (bench/lib/idle-websocket.ts: a handful of fields, opens on the next microtask, holds no list of its instances): closekit's \`createSocket(url, { WebSocket })\` from \`dist/\`, reconnecting-websocket 4.4.0 with its \`WebSocket\` option, and the fake alone. Heap is read after forced GC (\`--expose-gc\`, three rounds) before the sockets are made and again once every one of them is open; the difference divided by ${n(h.sockets)} is one run's bytes per socket. ${closekit?.bytesPerSocket.runs.length ?? heapScenario.runs} runs per subject, alternating the order, after ${n(heapScenario.warmupSockets)} warm-up sockets each; median with the lowest and highest run in brackets.`,
      '',
      markdownTable(heapHeader, heapRows(h), ['l', 'r', 'r']),
      '',
      `The target (≤ ${n(HEAP_PER_SOCKET_TARGET_BYTES)} B per closekit socket, issue #13) is checked against the median of the first column, the fake WebSocket included, so it is what one idle socket costs end to end here; the second column subtracts the fake's own median to show what each wrapper holds.${closekit !== undefined && rws !== undefined ? ` closekit holds ${(closekit.bytesPerSocket.median / rws.bytesPerSocket.median).toFixed(1)} × reconnecting-websocket's heap per socket in this run.` : ''} In Node there is no \`navigator.onLine\` or \`document\`, so the default offline and visibility sources attach nothing; in a browser they add listeners on the window and document.`,
      '',
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** docs/benchmarks.md's generated section (between its markers): the latest figures and the command. Links are relative to docs/. */
export function readmeSection(figures: BenchFigures, checks: readonly TargetCheck[], info: RunInfo): string {
  const lines: string[] = ['# Benchmarks', ''];
  lines.push(
    'closekit against the libraries you would otherwise pick, side by side in one run:',
    '',
    '```sh',
    `npm run bench   # builds dist/, then about ${Math.max(1, Math.round(info.durationMs / 60_000))} min on 2 cores`,
    '```',
    '',
    `It prints the tables, writes [bench/RESULTS.md](../bench/RESULTS.md) (method, every figure, and why each missed target is missed), [bench/results.json](../bench/results.json) and [bench/storm.svg](../bench/storm.svg), and rewrites this page. Last run: ${info.generatedAt.slice(0, 10)}, Node ${info.node}, ${info.cores} cores.`,
    '',
  );
  const size = figures.size ?? [];
  const gzip = (id: string): string => {
    const result = size.find((entry) => entry.id === id);
    return result?.status === 'ok' ? `${n(result.gzipBytes)} B` : 'not built';
  };
  if (size.length > 0) {
    lines.push(
      `**Size** (one import, \`${SIZE_COMMAND}\`, gzip -9):`,
      '',
      markdownTable(
        ['import', 'gzip'],
        [
          ['closekit `classify`', gzip('closekit:classify')],
          ['closekit `createPolicy`', gzip('closekit:createPolicy')],
          ['closekit `createSocket` (incl. eventemitter3)', gzip('closekit:createSocket')],
          ['reconnecting-websocket 4.4.0', gzip('reconnecting-websocket')],
          ['partysocket 1.3.0 (`partysocket/ws`)', gzip('partysocket/ws')],
          ['graphql-ws 6.4.2 `createClient`', gzip('graphql-ws')],
          ['websocket-ts 2.3.0', gzip('websocket-ts')],
          ['sockette 2.0.6', gzip('sockette')],
        ],
        ['l', 'r'],
      ),
      '',
    );
  }
  if (figures.storm !== undefined) {
    lines.push(
      `**Retry storm** (${n(stormScenario.clients)} clients, the server closes all with 1012 and refuses for ${stormScenario.serverBackMs / 1000} s; virtual clock, each library's defaults):`,
      '',
      markdownTable(
        ['library', 'peak attempts / 100 ms', 'worst second', 'attempts', '99% back after the server returns'],
        figures.storm.map((result) => [result.label, n(result.peakBucket), n(result.worstSecond), n(result.totalAttempts), secondsOrNever(result.reconnected99Ms, stormScenario.serverBackMs)]),
        ['l', 'r', 'r', 'r', 'r'],
      ),
      '',
      ...figures.storm.filter((result) => result.group !== 'closekit').map((result) => `- *${result.label}*: ${result.note}.`),
      '',
      '![Connection attempts per 100 ms after a 1012 restart](../bench/storm.svg)',
      '',
    );
  }
  const facts: string[] = [];
  for (const result of figures.overhead ?? []) {
    facts.push(
      `**Message overhead** over ${result.client}: ManagedSocket ÷ bare throughput ${ranged(result.ratio, 2)}, CPU per message ratio ${ranged(result.cpuRatio, 2)}; medians of ${result.runs.length} runs, lowest to highest in brackets.`,
    );
  }
  if (figures.heap !== undefined) {
    const heap = figures.heap;
    const of = (id: string): string => {
      const figure = heap.figures.find((candidate) => candidate.id === id);
      return figure === undefined ? 'not measured' : ranged(figure.bytesPerSocket, 0, ' B');
    };
    facts.push(
      `**Heap per idle open socket** (defaults, fake WebSocket included): closekit ${of('closekit')}, reconnecting-websocket ${of('reconnecting-websocket')}; medians of ${heapScenario.runs} runs, lowest to highest in brackets.`,
    );
  }
  if (figures.decision !== undefined) {
    const d = figures.decision;
    facts.push(
      `**Decision cost**: classify + decide costs ${ranged(d.decisionInJsonParses, 1, ' ×')} a \`JSON.parse\` of a 64-byte message, once per close (${ranged(d.nsPerDecision, 0, ' ns')} on a shared machine with load average ${(info.loadAverage[0] ?? 0).toFixed(1)} on ${info.cores} cores).`,
    );
  }
  if (figures.memory !== undefined) {
    const m = figures.memory;
    facts.push(
      `**Memory**: ${n(memoryScenario.cycles)} reconnect cycles: ${ranged(
        mapSpread(m.reconnectCycles.heapGrowthBytes, (value) => value / 1024),
        0,
        ' KiB',
      )} heap growth after GC; ${m.reconnectCycles.pendingTimersAfterDispose + m.createDisposeCycles.pendingTimersAfterDispose} timers left after \`dispose()\`.`,
    );
  }
  for (const fact of facts) lines.push(`- ${fact}`);
  if (facts.length > 0) lines.push('');
  lines.push(
    'Targets from issues #7 and #13 (why each miss happens and what would close it: [bench/RESULTS.md](../bench/RESULTS.md#missed-targets-why-and-what-would-close-the-gap)):',
    '',
    markdownTable(
      ['target', 'measured', 'result'],
      checks.map((check) => [check.target, check.measured, check.met === false ? '**missed**' : verdict(check.met)]),
    ),
    '',
    `${VARIES} CI enforces a gzip budget per import with \`node --import tsx bench/size-budget.ts\`.`,
  );
  return lines.join('\n');
}
