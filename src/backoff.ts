import type { RandomSource } from './environment';
import { PolicyError, show } from './errors';
import { didYouMean } from './policy/hint';
import type { BackoffOptions, Jitter } from './policy/types';

/** Backoff settings with every field filled in and checked. */
export interface ResolvedBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  readonly jitter: Jitter;
  readonly minMs: number;
}

/** closekit's backoff: exponential from 500 ms, doubling, capped at 30 s, full jitter, no floor. */
export const DEFAULT_BACKOFF: ResolvedBackoff = Object.freeze({
  initialMs: 500,
  maxMs: 30_000,
  factor: 2,
  jitter: 'full',
  minMs: 0,
});

const JITTERS: readonly Jitter[] = ['none', 'full', 'equal', 'decorrelated'];
const BACKOFF_KEYS: readonly string[] = ['initialMs', 'maxMs', 'factor', 'jitter', 'minMs'];

/**
 * Checks `value` as backoff options and merges it over `base`. Throws a
 * `PolicyError` whose `option` starts with `path` (e.g. `backoff.factor`).
 */
export function resolveBackoff(value: unknown, base: ResolvedBackoff = DEFAULT_BACKOFF, path = 'backoff'): ResolvedBackoff {
  if (value === undefined) return base;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PolicyError(path, value, `${path} must be an object such as { initialMs: 500, maxMs: 30000, factor: 2, jitter: 'full' }, got ${show(value)}.`);
  }
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!BACKOFF_KEYS.includes(key)) {
      throw new PolicyError(`${path}.${key}`, given[key], `${path}.${key} is not a backoff option; valid options are ${BACKOFF_KEYS.join(', ')}.${didYouMean(key, BACKOFF_KEYS)}`);
    }
  }
  const durationOf = (key: 'initialMs' | 'maxMs' | 'minMs'): number => {
    const v = given[key];
    if (v === undefined) return base[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new PolicyError(`${path}.${key}`, v, `${path}.${key} must be a finite number of milliseconds ≥ 0, got ${show(v)}.`);
    }
    return v;
  };
  const initialMs = durationOf('initialMs');
  const maxMs = durationOf('maxMs');
  const minMs = durationOf('minMs');
  let factor = base.factor;
  if (given['factor'] !== undefined) {
    const v = given['factor'];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 1) {
      throw new PolicyError(`${path}.factor`, v, `${path}.factor must be a finite number ≥ 1 (1 keeps the delay constant, 2 doubles it), got ${show(v)}.`);
    }
    factor = v;
  }
  let jitter = base.jitter;
  if (given['jitter'] !== undefined) {
    const v = given['jitter'];
    if (!JITTERS.includes(v as Jitter)) {
      throw new PolicyError(`${path}.jitter`, v, `${path}.jitter must be one of ${JITTERS.map((j) => `'${j}'`).join(', ')}, got ${show(v)}.`);
    }
    jitter = v as Jitter;
  }
  if (initialMs > maxMs) {
    throw new PolicyError(`${path}.initialMs`, initialMs, `${path}.initialMs (${initialMs}) must not exceed ${path}.maxMs (${maxMs}).`);
  }
  if (minMs > maxMs) {
    throw new PolicyError(`${path}.minMs`, minMs, `${path}.minMs (${minMs}) must not exceed ${path}.maxMs (${maxMs}); the floor has to lie under the cap.`);
  }
  return Object.freeze({ initialMs, maxMs, factor, jitter, minMs });
}

// Inputs here may come from an app's own counters: anything odd counts as 0.
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function draw(random: RandomSource): number {
  let r: unknown;
  try {
    r = random();
  } catch {
    return 0;
  }
  if (typeof r !== 'number' || !(r >= 0)) return 0;
  return r < 1 ? r : 1;
}

/**
 * The exponential delay before jitter for retry number `attempt` (1 = first
 * retry): `min(maxMs, initialMs × factor^(attempt − 1))`.
 */
export function baseDelayMs(attempt: number, backoff: ResolvedBackoff = DEFAULT_BACKOFF): number {
  const n = Math.max(1, count(attempt));
  if (backoff.initialMs === 0) return 0;
  // factor^(n-1) may overflow to Infinity; min() brings it back to the cap.
  return Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** (n - 1));
}

/**
 * The delay in whole milliseconds before retry number `attempt` (1 = first
 * retry). Pure apart from `random`; never throws. The result is an integer in
 * `[minMs, maxMs]`:
 * - `none`: the exponential delay d itself;
 * - `full`: uniform in [0, d] (spreads a crowd of clients best);
 * - `equal`: uniform in [d/2, d];
 * - `decorrelated`: uniform in [initialMs, 3 × previousDelayMs], capped.
 *
 * @example
 * computeDelay(3, resolveBackoff({ jitter: 'none' })) // 2000
 */
export function computeDelay(
  attempt: number,
  backoff: ResolvedBackoff = DEFAULT_BACKOFF,
  random: RandomSource = Math.random,
  previousDelayMs?: number,
): number {
  const d = baseDelayMs(attempt, backoff);
  let delay: number;
  switch (backoff.jitter) {
    case 'none':
      delay = d;
      break;
    case 'equal':
      delay = d / 2 + draw(random) * (d / 2);
      break;
    case 'decorrelated': {
      const previous = count(previousDelayMs);
      const low = backoff.initialMs;
      const high = Math.max(low, Math.min(backoff.maxMs, 3 * (previous > 0 ? previous : low)));
      delay = low + draw(random) * (high - low);
      break;
    }
    default:
      delay = draw(random) * d;
  }
  return Math.round(Math.min(backoff.maxMs, Math.max(backoff.minMs, delay)));
}

/**
 * The mean delay for retry number `attempt` under these settings, before the
 * floor and rounding (decorrelated jitter: for a first retry). For dashboards,
 * benchmarks and tests.
 */
export function expectedDelayMs(attempt: number, backoff: ResolvedBackoff = DEFAULT_BACKOFF): number {
  const d = baseDelayMs(attempt, backoff);
  switch (backoff.jitter) {
    case 'none':
      return d;
    case 'equal':
      return (3 * d) / 4;
    case 'decorrelated':
      return (backoff.initialMs + Math.min(backoff.maxMs, 3 * backoff.initialMs)) / 2;
    default:
      return d / 2;
  }
}

/** A backoff with validated settings, see {@link createBackoff}. */
export interface Backoff {
  /** The validated settings. */
  readonly options: ResolvedBackoff;
  /** The delay before retry number `attempt` (1 = first retry); see {@link computeDelay}. */
  delay(attempt: number, previousDelayMs?: number): number;
}

/**
 * Validates backoff options once (a bad one throws a `PolicyError` naming it)
 * and returns a pure delay function.
 *
 * @example
 * const backoff = createBackoff({ initialMs: 1000, jitter: 'equal' });
 * backoff.delay(1) // 500–1000
 */
export function createBackoff(options?: BackoffOptions, random: RandomSource = Math.random): Backoff {
  if (typeof random !== 'function') {
    throw new PolicyError('random', random, `random must be a function returning a number in [0, 1), such as Math.random; got ${show(random)}.`);
  }
  const resolved = resolveBackoff(options);
  return Object.freeze({
    options: resolved,
    delay: (attempt: number, previousDelayMs?: number) => computeDelay(attempt, resolved, random, previousDelayMs),
  });
}
