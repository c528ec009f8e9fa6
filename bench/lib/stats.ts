// Figures that vary from run to run are reported as a spread: the median of
// several runs and the lowest and highest of them, never as one number.
import { formatNumber } from './format';

/** Several runs of one figure: the median, the range, and every run. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Each run's value, in the order the runs happened. */
  readonly runs: readonly number[];
}

/** The median (the mean of the middle two for an even count), lowest and highest of `values`. */
export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('spreadOf needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, runs: [...values] };
}

/** The median of `values` alone. */
export const medianOf = (values: readonly number[]): number => spreadOf(values).median;

/** Applies `map` to the median and both ends (for a conversion that keeps order, such as a unit change). */
export function mapSpread(spread: Spread, map: (value: number) => number): Spread {
  return { median: map(spread.median), min: map(spread.min), max: map(spread.max), runs: spread.runs.map(map) };
}

/** "5,512 B (5,448 to 5,778)": the median with its unit, then the lowest and highest run in brackets. */
export function formatSpread(spread: Spread, digits = 0, unit = ''): string {
  const show = (value: number): string => `${value < 0 ? '−' : ''}${formatNumber(Math.abs(value), digits)}`;
  return `${show(spread.median)}${unit} (${show(spread.min)} to ${show(spread.max)})`;
}
