// Adversarial review of createPolicy: each test holds one promise of
// docs/policy.md that an edge case once broke.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveBackoff } from '../../src/backoff';
import { classify, type CloseResult } from '../../src/classify';
import { defineCloseCodes } from '../../src/codes';
import { createPolicy, type MatchedRule } from '../../src/policy';
import { centrifugo, graphqlWs, pusher } from '../../src/presets';

const presets = { none: undefined, graphqlWs, centrifugo, pusher };

describe("closekit's and a preset's per-code tuning never fail the app's own valid backoff", () => {
  // policy.md: the tuning "fills in only the backoff fields your options leave unset, and never goes above the cap in
  // force"; a PolicyError names an option that is wrong. A fractional cap is valid (resolveBackoff takes it).
  it.each(Object.entries(presets))('a fractional maxMs (4999.5), preset %s: created, and every delay is whole ms within the cap', (_name, preset) => {
    const policy = createPolicy({ backoff: { maxMs: 4999.5 }, random: () => 0.5, ...(preset && { preset }) });
    for (const code of [1006, 1012, 1013, 4000]) {
      const decision = policy.decide(classify({ code }, { opened: true }), { attempt: 0 });
      if (decision.action !== 'stop') expect(Number.isInteger(decision.delayMs) && decision.delayMs <= 4999).toBe(true);
    }
  });

  it("closekit's 1013 floor (5 s) becomes the cap's last whole millisecond", () => {
    const decision = createPolicy({ backoff: { maxMs: 4999.5 }, random: () => 0 }).decide(classify({ code: 1013 }, { opened: true }), { attempt: 0 });
    expect(decision).toMatchObject({ action: 'reconnect', delayMs: 4999 });
  });

  it('for any backoff resolveBackoff accepts, with or without a preset', () => {
    const ms = fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.double({ min: 0, max: 100_000, noNaN: true }), fc.constantFrom(0.5, 4999.5, 5000, 5000.5));
    const backoff = fc.record(
      { initialMs: ms, maxMs: ms, minMs: ms, factor: fc.double({ min: 1, max: 10, noNaN: true }), jitter: fc.constantFrom('none', 'full', 'equal', 'decorrelated') },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(backoff, fc.constantFrom(...Object.values(presets)), (given, preset) => {
        try {
          resolveBackoff(given);
        } catch {
          return; // the app's own mistake, refused as such
        }
        expect(() => createPolicy({ backoff: given, ...(preset && { preset }) })).not.toThrow();
      }),
      { seed: 20261127, numRuns: 2000 },
    );
  });
});

describe('an unknown option named like an Object.prototype member', () => {
  // guarantees.md: unknown keys are refused "with a 'did you mean' in development builds"; a hint must point somewhere real.
  it.each([
    ['constructor', { constructor: 1 }],
    ['backoff.toString', { backoff: { toString: 1 } }],
    ['hasOwnProperty', { hasOwnProperty: 1 }],
  ])('%s is refused with a PolicyError whose hint lists the valid options', (option, given) => {
    const options = JSON.parse(JSON.stringify(given)) as never;
    expect(() => createPolicy(options)).toThrow(expect.objectContaining({ name: 'PolicyError', option }));
    expect(() => createPolicy(options)).toThrow(/is not an option here\. Valid: /);
  });
});

describe('policy.rules is the lookup order (held)', () => {
  // policy.md: "policy.rules lists the effective rules in this order, and policy.explain(code) says … which one applies".
  const AppCodes = defineCloseCodes({ TokenExpired: 4001, Busy: 4100, Lib: 3500 });
  const action = fc.constantFrom('reconnect', 'reauth', 'stop' as const);
  const key = fc.oneof(
    fc.integer({ min: 0, max: 65_535 }).map(String),
    fc.constantFrom('4001', '4100', '3500', '1000', '1013'),
    fc.tuple(fc.integer({ min: 0, max: 4999 }), fc.integer({ min: 0, max: 4999 })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.constantFrom('standard', 'library', 'application', 'reserved', 'invalid', 'TokenExpired', 'Busy', 'Lib'),
  );
  const matches = (rule: MatchedRule, code: number, result: CloseResult): boolean => {
    if (rule.source === 'range') {
      const [low, high] = rule.key.split('-').map(Number) as [number, number];
      return code >= low && code <= high;
    }
    return (
      rule.source === 'default' || (rule.source === 'code' && Number(rule.key) === code) || (rule.source === 'name' && rule.key === result.name) || (rule.source === 'kind' && rule.key === result.kind)
    );
  };

  it('the first listed rule that matches a code is the one decide uses and explain names, for app rules over any preset', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, action, { maxKeys: 8 }),
        fc.option(action, { nil: undefined }),
        fc.constantFrom(...Object.values(presets)),
        fc.array(fc.integer({ min: 0, max: 65_535 }), { minLength: 20, maxLength: 20 }),
        (rules, fallback, preset, codes) => {
          const policy = createPolicy({ codes: AppCodes, rules: rules as never, ...(fallback && { default: fallback }), ...(preset && { preset }) });
          for (const code of [...codes, 4001, 4100, 3500, 1000, 1004, 1013, 3000, 5000, 999, 1016, 2000]) {
            const result = classify({ code }, { codes: AppCodes });
            const decision = policy.decide(result, {});
            expect(policy.rules.find((rule) => matches(rule, code, result))).toBe(decision.rule);
            expect(policy.explain(code)).toContain(`→ ${decision.action}`);
          }
        },
      ),
      { seed: 20261127, numRuns: 500 },
    );
  });
});
