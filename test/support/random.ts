// For the statistical tests: the mean of many samples of a seeded source
// (closekit/testing's createSeededRandom), so a check replays exactly.

/** The mean of `count` values of `sample`, taken one after another. */
export function meanOf(count: number, sample: () => number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += sample();
  return sum / count;
}
