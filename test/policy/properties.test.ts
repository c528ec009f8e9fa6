import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseDelayMs, classify, createPolicy, defineCloseCodes, type Decision, type Jitter, type PolicyOptions } from '../../src/index';
import { centrifugo, graphqlWs, pusher } from '../../src/presets/index';
import { createSeededRandom as seededRandom } from '../../src/testing';
import { meanOf } from '../support/random';

const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4029 });

const anyNumber = fc.oneof(fc.integer({ min: -10, max: 70_000 }), fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -0));
const anyValue = fc.oneof(anyNumber, fc.string(), fc.constant(null), fc.constant(undefined), fc.boolean(), fc.object());
const anyContext = fc.oneof(fc.record({ attempt: anyValue, reauthAttempt: anyValue, uptimeMs: anyValue, previousDelayMs: anyValue }, { requiredKeys: [] }), anyValue);
// Results as classify makes them, and shapes nobody should pass but someone will.
const anyResult = fc.oneof(
  fc.tuple(anyNumber, fc.boolean()).map(([code, opened]) => classify({ code }, { codes: AppCodes, opened })),
  fc.record({ code: anyValue, kind: anyValue, name: anyValue }, { requiredKeys: [] }),
  anyValue,
);

const rule = fc.oneof(
  fc.constantFrom('reconnect', 'reauth', 'stop'),
  fc.record(
    {
      action: fc.constantFrom('reconnect', 'reauth', 'stop'),
      maxAttempts: fc.integer({ min: 1, max: 5 }),
      delayMs: fc.integer({ min: 0, max: 60_000 }),
    },
    { requiredKeys: ['action'] },
  ),
);
const backoff = fc
  .record({
    initialMs: fc.integer({ min: 0, max: 5000 }),
    extraMs: fc.integer({ min: 0, max: 60_000 }),
    factor: fc.double({ min: 1, max: 4, noNaN: true }),
    jitter: fc.constantFrom<Jitter>('none', 'full', 'equal', 'decorrelated'),
  })
  .map(({ initialMs, extraMs, factor, jitter }) => ({ initialMs, maxMs: initialMs + extraMs, factor, jitter }));
const options = fc.record(
  {
    rules: fc.dictionary(fc.constantFrom('1006', '4001', '4029', 'AccessDenied', '4000-4099', '3000-4999', 'application', 'reserved', 'invalid'), rule),
    backoff,
    maxAttempts: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.constant(Infinity)),
    maxReauth: fc.integer({ min: 0, max: 3 }),
    resetAfterMs: fc.integer({ min: 0, max: 10_000 }),
    preset: fc.constantFrom(graphqlWs, centrifugo, pusher),
    default: rule,
    random: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).map((r) => () => r),
  },
  { requiredKeys: [] },
);

function build(o: object) {
  return createPolicy({ codes: AppCodes, ...o } as PolicyOptions<typeof AppCodes.codes>);
}

function capOf(o: { backoff?: { maxMs: number } }): number {
  return Math.max(o.backoff?.maxMs ?? 30_000, 0);
}

describe('policy properties', () => {
  it('decide never throws, for any result and context, and always gives a well-formed decision', () => {
    fc.assert(
      fc.property(options, anyResult, anyContext, (o, result, context) => {
        const decision: Decision = build(o).decide(result as never, context as never);
        expect(['reconnect', 'reauth', 'stop']).toContain(decision.action);
        expect(['code', 'name', 'range', 'kind', 'default']).toContain(decision.rule.source);
        if (decision.action === 'stop') expect(['policy', 'max-attempts', 'reauth-exhausted']).toContain(decision.cause);
        else expect(Number.isInteger(decision.attempt) && decision.attempt >= 1).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('every delay is a finite integer ≥ 0 and ≤ the cap, or the rule’s fixed delay', () => {
    fc.assert(
      fc.property(options, anyResult, anyContext, (o, result, context) => {
        const decision = build(o).decide(result as never, context as never);
        if (decision.action === 'stop') return;
        expect(Number.isInteger(decision.delayMs)).toBe(true);
        expect(decision.delayMs).toBeGreaterThanOrEqual(0);
        const fixed = decision.rule.rule.delayMs;
        if (fixed !== undefined) expect(decision.delayMs).toBe(Math.round(fixed));
        else expect(decision.delayMs).toBeLessThanOrEqual(capOf(o));
      }),
      { numRuns: 500 },
    );
  });

  it('once maxAttempts is reached the decision is stop', () => {
    fc.assert(
      fc.property(options, fc.integer({ min: -5, max: 70_000 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 100 }), (o, code, maxAttempts, extra) => {
        const policy = build({ ...o, maxAttempts });
        const decision = policy.decide(classify({ code }, { codes: AppCodes }), { attempt: maxAttempts + extra, uptimeMs: 0 });
        const limit = decision.rule.rule.maxAttempts ?? maxAttempts;
        if (maxAttempts + extra >= limit) expect(decision.action).toBe('stop');
      }),
      { numRuns: 500 },
    );
  });

  it('a stop rule stops on the first close, whatever the context', () => {
    fc.assert(
      fc.property(anyContext, fc.constantFrom(1008, 4003, 1000, 1002), (context, code) => {
        const policy = createPolicy({ codes: AppCodes, rules: { AccessDenied: 'stop' } });
        expect(policy.decide(classify({ code }, { codes: AppCodes }), context as never)).toMatchObject({ action: 'stop', cause: 'policy' });
      }),
    );
  });

  it('explain never throws and always names an action', () => {
    fc.assert(
      fc.property(options, anyValue, (o, code) => {
        expect(build(o).explain(code as number)).toMatch(/→ (reconnect|reauth|stop)/);
      }),
    );
  });

  it('decide is pure: the same input gives the same decision', () => {
    fc.assert(
      fc.property(options, fc.integer({ min: 0, max: 5000 }), fc.nat(50), (o, code, attempt) => {
        const policy = build({ random: () => 0.3, ...o });
        const result = classify({ code }, { codes: AppCodes });
        expect(policy.decide(result, { attempt })).toEqual(policy.decide(result, { attempt }));
      }),
    );
  });

  it('with full jitter, the mean of 10,000 delays is within 5% of half the exponential delay', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.integer(), (attempt, seed) => {
        // Seeded, so fast-check can shrink and replay the statistical property.
        const policy = createPolicy({ random: seededRandom(seed) });
        const result = classify({ code: 1006 });
        const mean = meanOf(10_000, () => {
          const decision = policy.decide(result, { attempt });
          if (decision.action !== 'reconnect') throw new Error('expected a reconnect');
          return decision.delayMs;
        });
        const expected = baseDelayMs(attempt + 1) / 2;
        expect(Math.abs(mean - expected)).toBeLessThanOrEqual(0.05 * expected);
      }),
      { numRuns: 15 },
    );
  });
});
