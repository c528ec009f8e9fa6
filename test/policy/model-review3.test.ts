// A small reference model of what docs/policy.md and docs/retry-hints.md
// promise, written from the docs rather than from src/policy, and
// createPolicy(...).decide(...) compared against it over random rule tables,
// presets, options, closes and contexts. The model reads classify's `kind`
// (the docs key kind rules by it) and nothing else from the library.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, defineCloseCodes, type CloseResult } from '../../src/index';
import { isPolicyError } from '../../src/errors';
import { createPolicy, defaultPolicy, defaultRules, type Decision, type Policy, type Preset, type Rule, type RuleObject } from '../../src/policy';
import { defaultPolicyWith } from '../../src/policy/default-policy';
import { centrifugo, graphqlWs, pusher } from '../../src/presets/index';

const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4150, Busy: 3500 });
const names = ['TokenExpired', 'AccessDenied', 'RateLimited', 'Busy'] as const;
const kinds = ['standard', 'library', 'application', 'reserved', 'invalid'] as const;

// ---------------------------------------------------------------- the model

interface Backoff {
  initialMs: number;
  maxMs: number;
  factor: number;
  jitter: string;
  minMs: number;
}
type Options = {
  rules?: Record<string, Rule>;
  default?: Rule;
  backoff?: Partial<Backoff>;
  maxAttempts?: number;
  maxReauth?: number;
  resetAfterMs?: number;
  preset?: Preset;
};
interface Found {
  origin: 'app' | 'preset' | 'defaults';
  source: 'code' | 'name' | 'range' | 'kind' | 'default';
  key: string;
  rule: RuleObject;
}

const DEFAULTS: Backoff = { initialMs: 500, factor: 2, maxMs: 30_000, jitter: 'full', minMs: 0 };
const asObject = (rule: Rule): RuleObject => (typeof rule === 'string' ? { action: rule } : rule);

/** docs/policy.md, "How a close finds its rule, most specific first". */
function modelLookup(options: Options, code: number): Found {
  const kind = classify({ code }, { codes: AppCodes, opened: true }).kind;
  const name = AppCodes.nameOf(code);
  const tables = [
    ['app', options.rules ?? {}],
    ['preset', options.preset?.rules ?? {}],
  ] as const;
  const has = (table: object, key: string | undefined): key is string => key !== undefined && Object.hasOwn(table, key);
  const found = (origin: Found['origin'], source: Found['source'], key: string, rule: Rule): Found => ({ origin, source, key, rule: asObject(rule) });
  // 1. exact code, then the contract's name for it; the app's before the preset's.
  for (const [origin, table] of tables) {
    if (has(table, String(code))) return found(origin, 'code', String(code), table[String(code)] as Rule);
    if (has(table, name)) return found(origin, 'name', name, table[name] as Rule);
  }
  // 2. the narrowest range containing the code (a range holds whole codes) (the app's before the preset's; equal widths: lower bound first).
  for (const [origin, table] of tables) {
    const ranges = Object.keys(table)
      .map((key) => /^(\d+)-(\d+)$/.exec(key))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ key: m[0], low: Number(m[1]), high: Number(m[2]) }))
      .filter(({ low, high }) => Number.isInteger(code) && code >= low && code <= high)
      .sort((a, b) => a.high - a.low - (b.high - b.low) || a.low - b.low);
    if (ranges[0]) return found(origin, 'range', ranges[0].key, table[ranges[0].key] as Rule);
  }
  // 3. kind.
  for (const [origin, table] of tables) if (has(table, kind)) return found(origin, 'kind', kind, table[kind] as Rule);
  // 4. closekit's table by exact code.
  const own = (defaultRules as Record<number, Rule>)[code];
  if (own !== undefined) return found('defaults', 'code', String(code), own);
  // 5. default: the app's, the preset's, else reconnect.
  if (options.default !== undefined) return found('app', 'default', 'default', options.default);
  if (options.preset?.default !== undefined) return found('preset', 'default', 'default', options.preset.default);
  return found('defaults', 'default', 'default', 'reconnect');
}

/** "backoff is merged over the policy's backoff"; closekit's (and a preset's) tuning fills only unset fields, within the cap. */
function modelBackoff(options: Options, found: Found): Backoff {
  const app: Backoff = { ...DEFAULTS, ...options.backoff };
  const own = found.rule.backoff;
  if (!own) return app;
  if (found.origin === 'app') return { ...app, ...own };
  const tuned: Backoff = { ...app, ...own, ...options.backoff };
  const cap = Math.floor(tuned.maxMs);
  for (const field of ['minMs', 'initialMs'] as const) if (own[field] !== undefined && options.backoff?.[field] === undefined) tuned[field] = Math.min(tuned[field], cap);
  return tuned;
}

/** The options table's `backoff` row: d = min(maxMs, initialMs × factor^(n − 1)), jittered, whole ms in [minMs, maxMs]. */
function modelDelay(n: number, b: Backoff, r: number, previous: number): number {
  const d = Math.min(b.maxMs, b.initialMs * b.factor ** (n - 1));
  const high = Math.min(b.maxMs, 3 * (previous > 0 ? previous : b.initialMs));
  const raw = b.jitter === 'none' ? d : b.jitter === 'full' ? r * d : b.jitter === 'equal' ? d / 2 + (r * d) / 2 : b.initialMs + r * Math.max(0, high - b.initialMs);
  return Math.min(Math.floor(b.maxMs), Math.max(Math.ceil(b.minMs), Math.round(raw)));
}

interface Context {
  attempt: number;
  reauthAttempt: number;
  uptimeMs: number;
  previousDelayMs: number;
}

type Expected = { action: 'stop'; cause: string; found: Found } | { action: 'reconnect' | 'reauth'; attempt: number; delayMs: number; found: Found; floor: number; ceiling: number };

/** docs/policy.md "Counters and limits" and docs/retry-hints.md "What the client does with it". */
function model(options: Options, code: number, hint: number | undefined, context: Context, r: number): Expected {
  const found = modelLookup(options, code);
  const { action, maxAttempts = options.maxAttempts ?? options.preset?.maxAttempts ?? Infinity, delayMs } = found.rule;
  if (action === 'stop') return { action, cause: 'policy', found };
  let { attempt, reauthAttempt, previousDelayMs } = context;
  // "resets both counters, and the next retry's backoff starts over"
  if (context.uptimeMs > 0 && context.uptimeMs >= (options.resetAfterMs ?? 5000)) attempt = reauthAttempt = previousDelayMs = 0;
  if (action === 'reauth' && reauthAttempt >= (options.maxReauth ?? 2)) return { action: 'stop', cause: 'reauth-exhausted', found };
  if (attempt + 1 >= maxAttempts) return { action: 'stop', cause: 'max-attempts', found };
  const n = (action === 'reauth' ? reauthAttempt : attempt) + 1;
  const b = modelBackoff(options, found);
  const own = delayMs ?? modelDelay(n, b, r, previousDelayMs);
  let floor = delayMs ?? Math.ceil(b.minMs);
  let ceiling = delayMs ?? Math.floor(b.maxMs);
  if (action !== 'reconnect' || hint === undefined || !(hint > 0)) return { action, attempt: n, delayMs: own, found, floor, ceiling };
  // Uniform in [hint, 2 × hint], within the cap: above half the cap, in [cap / 2, cap]; never sooner than the backoff.
  const high = Math.min(2 * hint, b.maxMs);
  const low = Math.min(hint, b.maxMs / 2);
  const held = Math.min(Math.floor(b.maxMs), Math.round(low + r * (high - low)));
  floor = Math.max(floor, Math.floor(low));
  ceiling = Math.max(ceiling, Math.ceil(high));
  return { action, attempt: n, delayMs: Math.max(own, held), found, floor, ceiling };
}

// ---------------------------------------------------------------- generators

// Codes where the tables differ: closekit's table, the contract's codes, band edges, and a zone the random ranges cover.
const codeArb = fc.oneof(
  fc.constantFrom(...Object.keys(defaultRules).map(Number), 4001, 4003, 4150, 3500, 0, 999, 1004, 1016, 2999, 3000, 3999, 4000, 4999, 5000, 65_535),
  fc.integer({ min: 3990, max: 4210 }),
  fc.integer({ min: 0, max: 65_535 }),
  // Not codes at all: no code or range rule matches them, and classify's kind for them is the kind rule that does.
  fc.constantFrom(-1, 4000.5, 1006.5, NaN, Infinity, 70_000),
);
const backoffArb = fc.record(
  {
    initialMs: fc.oneof(fc.integer({ min: 0, max: 8000 }), fc.double({ min: 0, max: 8000, noNaN: true })),
    maxMs: fc.oneof(fc.integer({ min: 1000, max: 60_000 }), fc.double({ min: 1000, max: 60_000, noNaN: true })),
    factor: fc.double({ min: 1, max: 4, noNaN: true }),
    jitter: fc.constantFrom('none', 'full', 'equal', 'decorrelated'),
    minMs: fc.oneof(fc.integer({ min: 0, max: 7000 }), fc.double({ min: 0, max: 7000, noNaN: true })),
  },
  { requiredKeys: [] },
);
const ruleArb: fc.Arbitrary<Rule> = fc.oneof(
  fc.constantFrom('reconnect', 'reauth', 'stop'),
  fc
    .record(
      {
        action: fc.constantFrom('reconnect', 'reauth', 'stop'),
        maxAttempts: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(Infinity)),
        delayMs: fc.oneof(fc.integer({ min: 0, max: 60_000 }), fc.double({ min: 0, max: 60_000, noNaN: true })),
        backoff: backoffArb,
      },
      { requiredKeys: ['action'] },
    )
    .map((rule) => (rule.delayMs !== undefined && rule.backoff !== undefined ? { ...rule, backoff: undefined } : rule))
    .map((rule) => Object.fromEntries(Object.entries(rule).filter(([, v]) => v !== undefined)) as unknown as RuleObject),
);
const rangeKeyArb = fc.tuple(fc.integer({ min: 3980, max: 4220 }), fc.integer({ min: 0, max: 120 })).map(([low, width]) => `${Math.min(low, 4999)}-${Math.min(low + width, 4999)}`);
const keyArb = fc.oneof(
  fc.constantFrom(...Object.keys(defaultRules), '4001', '4003', '4150', '3500', '5000', '999', '1004'),
  fc.integer({ min: 3990, max: 4210 }).map(String),
  fc.constantFrom(...names),
  fc.constantFrom(...kinds),
  rangeKeyArb,
  fc.constantFrom('0-4999', '1000-2999', '3000-3999', '1000-1015'),
);
const rulesArb = fc.dictionary(keyArb, ruleArb, { maxKeys: 10 });
const presetArb: fc.Arbitrary<Preset> = fc.oneof(
  fc.constantFrom<Preset>(graphqlWs, centrifugo, pusher),
  fc.record({ name: fc.constant('model'), rules: rulesArb, default: ruleArb, maxAttempts: fc.integer({ min: 1, max: 8 }) }, { requiredKeys: ['name', 'rules'] }),
);
const optionsArb: fc.Arbitrary<Options> = fc.record(
  {
    rules: rulesArb,
    default: ruleArb,
    backoff: backoffArb,
    maxAttempts: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constant(Infinity)),
    maxReauth: fc.integer({ min: 0, max: 4 }),
    resetAfterMs: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.constant(Infinity)),
    preset: presetArb,
  },
  { requiredKeys: [] },
);
const contextArb: fc.Arbitrary<Context> = fc.record({
  attempt: fc.integer({ min: 0, max: 12 }),
  reauthAttempt: fc.integer({ min: 0, max: 5 }),
  uptimeMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 12_000 })),
  previousDelayMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 70_000 })),
});
const hintArb = fc.option(fc.oneof(fc.integer({ min: 0, max: 80_000 }), fc.double({ min: 0, max: 80_000, noNaN: true }), fc.constant(Infinity)), { nil: undefined });
const randomArb = fc.oneof(fc.constantFrom(0, 0.5, 0.999_999), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }));

function resultFor(code: number, hint: number | undefined): CloseResult {
  const result = classify({ code }, { codes: AppCodes, opened: true });
  return hint === undefined ? result : ({ ...result, retryAfterMs: hint } as CloseResult);
}

function compare(decision: Decision, expected: Expected): void {
  const { rule } = decision;
  expect({ action: decision.action, origin: rule.origin, source: rule.source, key: rule.key, rule: rule.rule.action }).toEqual({
    action: expected.action,
    origin: expected.found.origin,
    source: expected.found.source,
    key: expected.found.key,
    rule: expected.found.rule.action,
  });
  if (decision.action === 'stop' || expected.action === 'stop') {
    expect(decision.action === 'stop' && decision.cause).toBe(expected.action === 'stop' && expected.cause);
    return;
  }
  expect(decision.attempt).toBe(expected.attempt);
  expect(Number.isInteger(decision.delayMs)).toBe(true);
  // The docs' bounds exactly; the model's value up to one rounding step (the two sum the jitter in different orders).
  expect(decision.delayMs).toBeGreaterThanOrEqual(Math.floor(expected.floor));
  expect(decision.delayMs).toBeLessThanOrEqual(Math.ceil(expected.ceiling));
  expect(Math.abs(decision.delayMs - expected.delayMs)).toBeLessThanOrEqual(1);
}

// ---------------------------------------------------------------- the properties

describe('createPolicy decides as docs/policy.md and docs/retry-hints.md say (reference model)', () => {
  it('for random app rules, presets, options, closes, contexts and retry hints', () => {
    let built = 0;
    let refused = 0;
    fc.assert(
      fc.property(optionsArb, fc.array(fc.tuple(codeArb, hintArb, contextArb), { minLength: 1, maxLength: 8 }), randomArb, (options, closes, r) => {
        let policy: Policy;
        try {
          policy = createPolicy({ codes: AppCodes, ...options, random: () => r } as never);
        } catch (error) {
          // Only a backoff with initialMs or minMs over its cap is refused here.
          expect(isPolicyError(error) && /backoff\.(initialMs|minMs)$/.test(error.option)).toBe(true);
          refused++;
          return;
        }
        built++;
        for (const [code, hint, context] of closes) compare(policy.decide(resultFor(code, hint), context), model(options, code, hint, context, r));
      }),
      { numRuns: 1500 },
    );
    // Most generated tables are valid, so the comparison ran.
    expect(built).toBeGreaterThan(refused);
  });

  it('for every jitter mode, each delay is a whole number in [minMs, maxMs] and the model’s', () => {
    fc.assert(
      fc.property(backoffArb, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 70_000 }), randomArb, (backoff, attempt, previousDelayMs, r) => {
        let policy: Policy;
        try {
          policy = createPolicy({ backoff, random: () => r });
        } catch {
          return;
        }
        const b = { ...DEFAULTS, ...backoff };
        const decision = policy.decide(resultFor(4999, undefined), { attempt: attempt - 1, previousDelayMs });
        if (decision.action !== 'reconnect') throw new Error(`expected a reconnect, got ${decision.action}`);
        expect(Number.isInteger(decision.delayMs)).toBe(true);
        expect(decision.delayMs).toBeGreaterThanOrEqual(Math.ceil(b.minMs));
        expect(decision.delayMs).toBeLessThanOrEqual(Math.floor(b.maxMs));
        expect(Math.abs(decision.delayMs - modelDelay(attempt, b, r, previousDelayMs))).toBeLessThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('a retry hint holds a reconnect in [hint, 2 × hint] within the cap, never sooner than the backoff; stop and reauth ignore it', () => {
    fc.assert(
      fc.property(codeArb, hintArb, contextArb, randomArb, (code, hint, context, r) => {
        const policy = createPolicy({ random: () => r });
        const plain = policy.decide(resultFor(code, undefined), context);
        const hinted = policy.decide(resultFor(code, hint), context);
        if (plain.action !== 'reconnect' || hinted.action !== 'reconnect' || hint === undefined || !(hint > 0)) {
          expect(hinted).toEqual(plain);
          return;
        }
        expect(hinted.attempt).toBe(plain.attempt);
        expect(hinted.delayMs).toBeGreaterThanOrEqual(plain.delayMs);
        const cap = 30_000;
        expect(hinted.delayMs).toBeLessThanOrEqual(Math.max(plain.delayMs, Math.ceil(Math.min(2 * hint, cap))));
        expect(hinted.delayMs).toBeGreaterThanOrEqual(Math.floor(Math.min(hint, cap / 2)));
      }),
      { numRuns: 2000 },
    );
  });

  it('defaultPolicy decides exactly as createPolicy() for any code, hint and context', () => {
    fc.assert(
      fc.property(codeArb, hintArb, contextArb, randomArb, (code, hint, context, r) => {
        const result = resultFor(code, hint);
        const ready = defaultPolicyWith(() => r).decide(result, context);
        expect(ready).toEqual(createPolicy({ random: () => r }).decide(result, context));
        compare(ready, model({}, code, hint, context, r));
      }),
      { numRuns: 2000 },
    );
    expect(defaultPolicy.rules).toEqual(createPolicy().rules);
  });
});

describe('a fresh start after a stable connection', () => {
  const result = { kind: 'standard', code: 1006, reason: '', wasClean: false, opened: true, name: 'AbnormalClosure', range: 'standard', local: true } as const;
  it('decorrelated jitter starts over: the delay before the stable connection is not grown from', () => {
    const policy = createPolicy({ backoff: { initialMs: 500, maxMs: 30_000, jitter: 'decorrelated' }, random: () => 0.999 });
    const stable = policy.decide(result, { attempt: 7, reauthAttempt: 0, uptimeMs: 3_600_000, previousDelayMs: 20_000 });
    const fresh = policy.decide(result, { attempt: 0, reauthAttempt: 0, uptimeMs: 0, previousDelayMs: 0 });
    // Before: 29,971 ms (grown from the 20 s before the hour-long connection) while reporting attempt 1.
    expect(stable).toEqual(fresh);
    expect(stable).toMatchObject({ action: 'reconnect', attempt: 1 });
    expect((stable as { delayMs: number }).delayMs).toBeLessThan(2_000);
  });
});
