// Seeded randomness for the statistical tests: a generator to inject as a
// policy's or a backoff's `random`, and the mean of many samples, so a check
// (or a fast-check counterexample) replays exactly. bench/lib/virtual-clock.ts
// has the same generator for the benchmark, which imports nothing from test/.

/** mulberry32: a small, fast, seeded generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The mean of `count` values of `sample`, taken one after another. */
export function meanOf(count: number, sample: () => number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += sample();
  return sum / count;
}
