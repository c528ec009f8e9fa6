// CI size budget: bytes only, deterministic (same esbuild, same inputs → same bytes).
// Bundles each closekit entry from the built dist/ (run `npm run build` first)
// and fails when one is over its gzip budget or no longer resolves.
//
//   node --import tsx bench/size-budget.ts
import { closekitEntries, measureSizes } from './size';

/** gzip -9 bytes each import may weigh at most. */
export const sizeBudgets: Readonly<Record<string, number>> = {
  // Issue #7: the smallest useful import stays under 600 bytes.
  'closekit:classify': 599,
  // Issue #7: the full client, eventemitter3 included, is no bigger than
  // reconnecting-websocket 4.4.0 (3,218 bytes in FACTS.md).
  'closekit:createSocket': 3218,
  // Regression guards with headroom over the first measured size.
  'closekit:createPolicy': 2200,
  'closekit:preset:graphqlWs': 400,
  'closekit:preset:centrifugo': 400,
  'closekit:preset:pusher': 400,
};

const results = await measureSizes(closekitEntries);
let failures = 0;
for (const result of results) {
  const budget = sizeBudgets[result.id];
  if (result.status !== 'ok') {
    failures += 1;
    console.log(`FAIL ${result.label}: does not build (${result.detail})`);
    continue;
  }
  const verdict = budget === undefined ? 'info' : result.gzipBytes <= budget ? 'ok  ' : 'FAIL';
  if (verdict === 'FAIL') failures += 1;
  const limit = budget === undefined ? 'no budget' : `budget ${budget}`;
  console.log(`${verdict} ${result.label}: ${result.gzipBytes} B gzip (${limit}; ${result.minBytes} B min, ${result.brotliBytes} B brotli)`);
}
if (failures > 0) {
  console.log(`size budget: ${failures} entr${failures === 1 ? 'y' : 'ies'} failed`);
  process.exitCode = 1;
} else {
  console.log('size budget: all entries within budget');
}
