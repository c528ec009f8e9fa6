import type { RandomSource } from './environment';
import { checkKeys, checkNumber, checkOneOf, fail, isRecord } from './policy/check';
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
export const DEFAULT_BACKOFF: ResolvedBackoff = /* @__PURE__ */ Object.freeze({
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
  if (!isRecord(value)) return fail(path, value, "an object such as { initialMs: 500, maxMs: 30000, factor: 2, jitter: 'full' }");
  checkKeys(value, BACKOFF_KEYS, `${path}.`);
  const pick = <K extends keyof ResolvedBackoff>(key: K, check: (v: unknown, at: string) => ResolvedBackoff[K]): ResolvedBackoff[K] =>
    value[key] === undefined ? base[key] : check(value[key], `${path}.${key}`);
  const ms = (v: unknown, at: string) => checkNumber(v, at, 0);
  const resolved: ResolvedBackoff = {
    initialMs: pick('initialMs', ms),
    maxMs: pick('maxMs', ms),
    minMs: pick('minMs', ms),
    factor: pick('factor', (v, at) => checkNumber(v, at, 1, false, 'a finite number ≥ 1 (1 keeps the delay constant, 2 doubles it)')),
    jitter: pick('jitter', (v, at) => checkOneOf(v, JITTERS, at)),
  };
  for (const key of ['initialMs', 'minMs'] as const) {
    if (resolved[key] > resolved.maxMs) fail(`${path}.${key}`, resolved[key], `no more than ${path}.maxMs (${resolved.maxMs})`);
  }
  return Object.freeze(resolved);
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
  if (typeof random !== 'function') fail('random', random, 'a function returning a number in [0, 1), such as Math.random');
  const resolved = resolveBackoff(options);
  return Object.freeze({
    options: resolved,
    delay: (attempt: number, previousDelayMs?: number) => computeDelay(attempt, resolved, random, previousDelayMs),
  });
}
