import { durationCheck, isFunction, isRecord, numberCheck, oneOf, validator, type Check, type Validator } from './check';
import type { RandomSource } from './environment';
import { PolicyError } from './errors';

/**
 * How the delay is randomised. `full` (the default) picks uniformly in
 * [0, d]; `equal` in [d/2, d]; `decorrelated` in [initial, 3 × previous];
 * `none` uses d itself.
 */
export type Jitter = 'none' | 'full' | 'equal' | 'decorrelated';

/** Exponential backoff settings: d = min(maxMs, initialMs × factor^(attempt − 1)), then jitter. */
export interface BackoffOptions {
  /** First delay before jitter. @default 500 */
  readonly initialMs?: number;
  /** Upper bound on any delay, at most 2147483647 (what a timer can wait). @default 30000 */
  readonly maxMs?: number;
  /** Growth per attempt, ≥ 1. @default 2 */
  readonly factor?: number;
  /** @default 'full' */
  readonly jitter?: Jitter;
  /** Lower bound after jitter (1013 Try Again Later uses a longer floor). @default 0 */
  readonly minMs?: number;
}

/** The validator of every policy and backoff option: its failures are `PolicyError`s. */
export const policyCheck: Validator = /* @__PURE__ */ validator((option, value, message) => new PolicyError(option, value, message));

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

/** What a backoff option must be, for the message when it is not an object. */
export const BACKOFF_SHAPE = __DEV__ ? 'an object such as { initialMs: 500, maxMs: 30000 }' : '';

const ms: Check = /* @__PURE__ */ durationCheck();
const backoffSpec = {
  initialMs: ms,
  maxMs: ms,
  factor: /* @__PURE__ */ numberCheck(1),
  jitter: /* @__PURE__ */ oneOf(['none', 'full', 'equal', 'decorrelated']),
  minMs: ms,
};

/**
 * Checks `value` as backoff options and merges it over `base`. Throws a
 * `PolicyError` whose `option` starts with `path` (e.g. `backoff.factor`).
 */
export function resolveBackoff(value: unknown, base: ResolvedBackoff = DEFAULT_BACKOFF, path = 'backoff'): ResolvedBackoff {
  if (value === undefined) return base;
  if (!isRecord(value)) policyCheck.fail(path, value, BACKOFF_SHAPE);
  const resolved = { ...base, ...policyCheck.fields(value, backoffSpec, `${path}.`) } as ResolvedBackoff;
  // minMs rounded up: a delay is whole milliseconds, so one must fit between the floor and the cap.
  for (const key of ['initialMs', 'minMs'] as const) {
    if ((key === 'minMs' ? Math.ceil(resolved.minMs) : resolved[key]) > resolved.maxMs) {
      policyCheck.fail(`${path}.${key}`, resolved[key], __DEV__ ? `no more than ${path}.maxMs (${resolved.maxMs})${key === 'minMs' ? ', with a whole millisecond between them' : ''}` : '');
    }
  }
  return Object.freeze(resolved);
}

/**
 * The settings the delay functions use: each field of `backoff` that
 * resolveBackoff would accept, closekit's default for any other (missing,
 * invalid, unreadable), so that they never throw and always answer a number.
 */
function settings(backoff: unknown): ResolvedBackoff {
  if (backoff === DEFAULT_BACKOFF || !isRecord(backoff)) return DEFAULT_BACKOFF;
  const read: Record<string, unknown> = {};
  for (const key of Object.keys(backoffSpec) as (keyof ResolvedBackoff)[]) {
    let value: unknown;
    try {
      value = backoff[key];
    } catch {
      // An unreadable field is a missing one.
    }
    read[key] = value !== undefined && backoffSpec[key][0](value) ? value : DEFAULT_BACKOFF[key];
  }
  return read as unknown as ResolvedBackoff;
}

/** A counter from the app's own bookkeeping, where anything odd counts as 0. */
export function count(value: unknown): number {
  return typeof value === 'number' && value > 0 && value < Infinity ? Math.floor(value) : 0;
}

function draw(random: RandomSource): number {
  try {
    const r: unknown = random();
    return typeof r === 'number' && r >= 0 ? Math.min(r, 1) : 0;
  } catch {
    return 0;
  }
}

/**
 * The exponential delay before jitter for retry number `attempt` (1 = first
 * retry): `min(maxMs, initialMs × factor^(attempt − 1))`.
 */
export function baseDelayMs(attempt: number, given: ResolvedBackoff = DEFAULT_BACKOFF): number {
  return exponential(attempt, settings(given));
}

/** baseDelayMs on settings already read by `settings()`, so that the callers below read them once. */
function exponential(attempt: number, backoff: ResolvedBackoff): number {
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
export function computeDelay(attempt: number, given: ResolvedBackoff = DEFAULT_BACKOFF, random: RandomSource = Math.random, previousDelayMs?: number): number {
  const backoff = settings(given);
  const { jitter, initialMs: low, maxMs } = backoff;
  const d = exponential(attempt, backoff);
  // Decorrelated: up to 3 × the previous delay, which is initialMs before the first retry.
  const high = Math.max(low, Math.min(maxMs, 3 * (count(previousDelayMs) || low)));
  const delay = jitter === 'none' ? d : jitter === 'equal' ? d / 2 + draw(random) * (d / 2) : jitter === 'decorrelated' ? low + draw(random) * (high - low) : draw(random) * d;
  // Whole milliseconds within the bounds, also when a bound is fractional (resolveBackoff leaves a whole ms between them).
  return Math.min(Math.floor(maxMs), Math.max(Math.ceil(backoff.minMs), Math.round(delay)));
}

/**
 * The mean delay for retry number `attempt` under these settings, before the
 * floor and rounding (decorrelated jitter: for a first retry). For dashboards,
 * benchmarks and tests.
 */
export function expectedDelayMs(attempt: number, given: ResolvedBackoff = DEFAULT_BACKOFF): number {
  const backoff = settings(given);
  const d = exponential(attempt, backoff);
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
  policyCheck.check(random, isFunction, 'random');
  const resolved = resolveBackoff(options);
  return Object.freeze({
    options: resolved,
    delay: (attempt: number, previousDelayMs?: number) => computeDelay(attempt, resolved, random, previousDelayMs),
  });
}
