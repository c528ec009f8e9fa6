// Why a target was missed and what would close the gap, keyed by target id
// prefix. Only printed for targets this run actually missed; figures come
// from the run, the reasoning from reading the code each figure measures.
import { CloseCode } from 'closekit';
import { formatNumber } from './lib/format';
import { formatSpread } from './lib/stats';
import { stormScenario } from './storm';
import { CLASSIFY_TARGET_BYTES, CLIENT_TARGET_BYTES } from './lib/issue-targets';
import type { BenchFigures } from './targets';

const n = (value: number, digits = 0): string => formatNumber(value, digits);
const show = (value: number | undefined): string => (value === undefined ? '?' : n(value));

function gzipOf(figures: BenchFigures, id: string): number | undefined {
  const result = figures.size?.find((entry) => entry.id === id);
  return result?.status === 'ok' ? result.gzipBytes : undefined;
}

/** Heading for a note that covers several targets (one per anchor, one per client). */
export const missTitles: Readonly<Record<string, string>> = {
  'storm.peak': "closekit's retry-storm peak ≤ 1/5 of the anchors'",
  overhead: 'ManagedSocket ≥ 0.95 × the bare client’s messages/s',
};

export const missNotes: Readonly<Record<string, (figures: BenchFigures) => string>> = {
  'size.classify': (figures) => {
    const dist = gzipOf(figures, 'closekit:classify');
    const src = figures.sizeBreakdown?.find((entry) => entry.id === 'closekit:classify');
    const nameBytes = Object.keys(CloseCode).join('').length;
    let text = `classify alone weighs ${show(dist)} B gzip as an app gets it from dist/, ${dist === undefined ? '?' : n(dist - CLASSIFY_TARGET_BYTES)} B over the ${n(CLASSIFY_TARGET_BYTES)} B target. `;
    if (src !== undefined && dist !== undefined && dist > src.gzipBytes + 20) {
      text +=
        `Bundled from src/ it weighs ${n(src.gzipBytes)} B: the other ${n(dist - src.gzipBytes)} B are code from unrelated modules that the bundler must keep, because dist/index.js is one file and its top-level statements (frozen tables, maps, class setup) count as side effects. ` +
        'First fix: build dist/ with `preserveModules` (one file per module, so `sideEffects: false` lets bundlers drop whole files) or mark those top-level calls `/*#__PURE__*/`. ';
    }
    if (src !== undefined && src.gzipBytes > CLASSIFY_TARGET_BYTES) {
      text +=
        `What is left (${src.files.map((file) => `${file.file} ${n(file.bytes)} B min`).join(', ')}) is mostly data: the ${Object.keys(CloseCode).length} PascalCase names of the CloseCode table are ${n(nameBytes)} bytes of text that gzip cannot shrink much. ` +
        'What would close it: keep the names out of the smallest import (classify returns code, kind and range, and the names come from a lookup that describe() and name-aware code import), or encode the table more compactly; either way the typed `name` field must keep working for the socket and the policy.';
    }
    return text;
  },
  'size.client': (figures) => {
    const dist = gzipOf(figures, 'closekit:createSocket');
    const src = figures.sizeBreakdown?.find((entry) => entry.id === 'closekit:createSocket');
    const rws = gzipOf(figures, 'reconnecting-websocket');
    let text = `The full client weighs ${show(dist)} B gzip${dist === undefined ? '' : `, ${n(dist - CLIENT_TARGET_BYTES)} B over the ${n(CLIENT_TARGET_BYTES)} B target`}${rws === undefined || dist === undefined ? '' : ` and ${(dist / rws).toFixed(1)} × reconnecting-websocket (${n(rws)} B)`}. `;
    if (src !== undefined) {
      text += `Bundled from src/ it is ${n(src.gzipBytes)} B, ${dist !== undefined && dist > src.gzipBytes * 1.05 ? 'so part of the gap is dist/ defeating tree-shaking; most of it is the code itself' : 'so tree-shaking is not the problem here: the code itself is'}. Largest parts (min bytes): ${src.files
        .slice(0, 7)
        .map((file) => `${file.file} ${n(file.bytes)}`)
        .join(', ')}. eventemitter3 alone is about 1,300 B gzip of it. `;
    }
    text +=
      'These are production-build sizes already: esbuild, minifying for the browser, defines `process.env.NODE_ENV` as "production", so development-only text is gone. ' +
      'Done under issue #13: the default policy is ready-made and shared (`defaultPolicy`), and the rule compiler is bundled only by apps that call `createPolicy` (about 1.1 kB gzip off this figure). ' +
      'What the optional parts add (measured by bundling a copy of src/ with each cut out; docs/design.md has the table): the page lifecycle about 810 B gzip, the option checks about 450 B, the heartbeat about 290 B, the guarded clock and timers about 240 B, the online/visibility pause about 90 B. ' +
      'With all of them cut out the client is still about 10 kB: the machine, the runner and its parts, the default policy with classification and backoff, and eventemitter3 (1.3 kB). ' +
      'So no choice of separate imports reaches the target while eventemitter3 and every feature stay, as #13 decided: it needs a smaller core architecture, not a trim.';
    return text;
  },
  'storm.peak': (figures) => {
    const closekit = figures.storm?.find((result) => result.id === 'closekit');
    const variant = figures.storm?.find((result) => result.group === 'variant');
    const spread = figures.storm?.find((result) => result.id === 'reconnecting-websocket');
    if (closekit === undefined) return 'closekit did not run.';
    const { clients, bucketMs, serverBackMs } = stormScenario;
    let text =
      `closekit's default rule for 1012 spreads the first retries over [0, 5 s) (full jitter), so ${n(clients)} clients make about ${n(clients / (5000 / bucketMs))} attempts per ${bucketMs} ms, ` +
      `and the attempts the server refuses come back as 1006 retries on top of it: the peak is ${n(closekit.peakBucket)} at ${(closekit.peakAtMs / 1000).toFixed(1)} s, ${n(closekit.totalAttempts)} attempts in all. ` +
      'partysocket (fixed 3 s, no jitter) and reconnecting-websocket in one realm (one shared random draw) send all their clients in a single bucket; closekit stays far below a fifth of that. ';
    if (spread !== undefined) {
      const limit = spread.peakBucket / 5;
      const needed = Math.ceil(clients * 0.99);
      const bucketsInTenSeconds = 10_000 / bucketMs;
      text +=
        `Against reconnecting-websocket with one draw per browser (its 1–5 s first delay spreads ${n(clients)} clients at about ${n(spread.peakBucket)} per bucket), a fifth of its peak is ${n(limit, 1)} per ${bucketMs} ms. ` +
        `But 99% back within 10 s of the server's return means at least ${n(needed)} successful attempts in those ${n(bucketsInTenSeconds)} buckets, ${n(needed / bucketsInTenSeconds, 1)} per bucket on average, so some bucket must hold at least that many: ` +
        `${needed / bucketsInTenSeconds > limit ? 'more than the 1/5 limit allows. Against that row the two targets cannot both be met by any policy; the recovery target is the one closekit keeps.' : 'within the limit, so both targets can be met with a wide enough first window.'} `;
    }
    if (variant !== undefined) {
      const others = (figures.storm ?? []).filter((result) => result.group === 'anchor' && variant.peakBucket * 5 <= result.peakBucket);
      const back = variant.reconnected99Ms === undefined ? undefined : variant.reconnected99Ms - serverBackMs;
      text +=
        `Why 1012 has its own window: the comparison row (${variant.label}, what the default was before) peaks at ${n(variant.peakBucket)} per ${bucketMs} ms with ${n(variant.totalAttempts)} attempts in all, ` +
        `and 99% back ${back === undefined ? 'never' : `${(back / 1000).toFixed(2)} s`} after the server's return: a narrow first window pushes more clients into refusals and up the 1006 backoff. ` +
        `${others.length > 0 ? `That row meets the 1/5 target only against ${others.map((result) => result.label).join(' and ')}.` : 'That row meets the 1/5 target against none of the anchors.'}`;
    }
    return text;
  },
  'storm.recovery': (figures) => {
    const closekit = figures.storm?.find((result) => result.id === 'closekit');
    return (
      `Clients whose attempts were refused before ${stormScenario.serverBackMs / 1000} s climb the 1006 backoff (full jitter, doubling from 500 ms to 30 s); the last of them wait up to the cap. ` +
      `${closekit === undefined ? '' : `The last client was back at ${closekit.reconnected100Ms === undefined ? 'never' : `${(closekit.reconnected100Ms / 1000).toFixed(1)} s`}. `}` +
      'What would close it: a lower cap, or not counting refusals during a restart window towards the backoff exponent.'
    );
  },
  overhead: (figures) => {
    const spreads = (figures.overhead ?? []).map((result) => `${result.client}: ${formatSpread(result.ratio, 3, ' ×')} over ${result.runs.length} runs`);
    return (
      'Per message the ManagedSocket adds one eventemitter3 emit, a state check and the heartbeat/pong check on top of the bare client. ' +
      `Part of a small gap can be noise on a shared machine (${spreads.join('; ')}); the CPU ratio is the steadier cross-check. ` +
      'What would close it: skip the pong check when no heartbeat is configured and forward `event.data` without extra wrapping; measure again on an idle machine.'
    );
  },
  'heap.idle': (figures) => {
    const heap = figures.heap?.figures ?? [];
    const closekit = heap.find((figure) => figure.id === 'closekit');
    const rws = heap.find((figure) => figure.id === 'reconnecting-websocket');
    const bare = heap.find((figure) => figure.id === 'bare');
    return (
      `An idle open closekit socket holds ${closekit === undefined ? '?' : formatSpread(closekit.bytesPerSocket, 0, ' B')} of heap${bare === undefined ? '' : ` (the fake WebSocket's own share is about ${n(bare.bytesPerSocket.median)} B)`}` +
      `${rws === undefined ? '' : `, against reconnecting-websocket's ${formatSpread(rws.bytesPerSocket, 0, ' B')}`}. ` +
      'Where the bytes sit: `node --expose-gc --import tsx bench/heap-breakdown.ts closekit` lists the objects each socket adds (two heap snapshots, grouped by kind and name); every function a factory returns is one closure per socket. ' +
      "Issue #13 brought it down from about 6.2 kB: the runner, connection and outbox are classes with prototype methods that report to the runner instead of one closure per hook, the default policy is shared, and the inbox, timer table and subscriptions are made on first use. What remains per socket is its own state and the WebSocket's three handlers."
    );
  },
  'memory.heap': () =>
    'The median run grew by more than the limit: something is kept per cycle (a listener, a closure over the old WebSocket, or the close history). What would close it: a heap snapshot diff between two runs of the cycle loop (node --inspect), then release what the old attempt holds on close.',
  'memory.timers': () =>
    "A timer survives dispose(): dispose() must clear the backoff, connect-timeout and heartbeat timers, and the fake server's own closing timers have already run when this is counted.",
};
