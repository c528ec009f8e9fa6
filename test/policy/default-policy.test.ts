// defaultPolicy is closekit's table ready-made, without the rule compiler: it
// must decide exactly as createPolicy() with no options, for every code.
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/classify';
import { computeDelay, resolveBackoff } from '../../src/backoff';
import { isPolicyError } from '../../src/errors';
import { createPolicy, defaultPolicy } from '../../src/policy';
import { defaultPolicyWith } from '../../src/policy/default-policy';

const fixed = () => 0.37;
const compiled = createPolicy({ random: fixed });
const ready = defaultPolicyWith(fixed);
const contexts = [{}, { attempt: 3 }, { attempt: 2, reauthAttempt: 2 }, { attempt: 9, uptimeMs: 6000 }, { attempt: 4, previousDelayMs: 1234 }];

describe('defaultPolicy', () => {
  it('decides every code 0–65535 exactly as createPolicy() does, in every context', () => {
    for (let code = 0; code <= 65_535; code++) {
      for (const opened of [true, false]) {
        const result = classify({ code, reason: '', wasClean: opened }, { opened });
        for (const context of contexts) {
          const a = ready.decide(result, context);
          const b = compiled.decide(result, context);
          if (a.action !== b.action || a.rule.key !== b.rule.key || (a.action !== 'stop' && b.action !== 'stop' && a.delayMs !== b.delayMs)) {
            expect({ code, opened, context, a }).toEqual({ code, opened, context, a: b });
          }
        }
      }
    }
  });

  it('gives the same rules, decisions, retry-hint delays and explanations for odd input', () => {
    expect(ready.rules).toEqual(compiled.rules);
    expect(ready.resetAfterMs).toBe(compiled.resetAfterMs);
    const odd = [Number.NaN, -1, 1000.5, Infinity, -Infinity, 70_000, 1e21];
    for (const code of [...odd, 1000, 1006, 1012, 1013, 3000, 4001]) {
      expect(ready.explain(code)).toBe(compiled.explain(code));
      const result = { ...classify({ code, reason: 'retry-after=3s', wasClean: true }), retryAfterMs: 3000 };
      expect(ready.decide(result, { attempt: 1 })).toEqual(compiled.decide(result, { attempt: 1 }));
    }
    expect(ready.decide(null as never)).toEqual(compiled.decide(null as never));
  });

  it('is one shared, frozen policy', () => {
    expect(Object.isFrozen(defaultPolicy)).toBe(true);
    expect(Object.isFrozen(defaultPolicy.rules)).toBe(true);
    expect(defaultPolicy.explain(1000)).toBe('1000 NormalClosure → stop (closekit default for code 1000).');
  });
});

describe('backoff with fractional bounds', () => {
  it('keeps a delay in whole milliseconds inside [minMs, maxMs] (a fractional floor rounds up)', () => {
    const backoff = resolveBackoff({ initialMs: 0, minMs: 0.25, maxMs: 10.5 });
    expect(computeDelay(1, backoff, () => 0)).toBe(1);
    expect(computeDelay(30, resolveBackoff({ initialMs: 10, maxMs: 10.5, jitter: 'none' }))).toBe(10);
  });

  it('refuses a floor and a cap with no whole millisecond between them', () => {
    let thrown: unknown;
    try {
      resolveBackoff({ minMs: 0.25, maxMs: 0.5, initialMs: 0 });
    } catch (error) {
      thrown = error;
    }
    expect(isPolicyError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ option: 'backoff.minMs' });
  });
});
