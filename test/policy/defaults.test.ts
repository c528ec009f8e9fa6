import { describe, expect, it } from 'vitest';
import { classify, createPolicy, defaultRules, type Action, type Decision } from '../../src/index';

const mid = () => 0.5;
const policy = createPolicy({ random: mid });

function decide(code: number, context = {}): Decision {
  return policy.decide(classify({ code }, { opened: true }), context);
}

// DESIGN.md's default table, written out here independently of src/policy/defaults.ts.
const designTable: [code: number, action: Action][] = [
  [1000, 'stop'],
  [1001, 'reconnect'],
  [1002, 'stop'],
  [1003, 'stop'],
  [1005, 'reconnect'],
  [1006, 'reconnect'],
  [1007, 'stop'],
  [1008, 'stop'],
  [1009, 'stop'],
  [1010, 'stop'],
  [1011, 'reconnect'],
  [1012, 'reconnect'],
  [1013, 'reconnect'],
  [1014, 'reconnect'],
  [1015, 'stop'],
  [3000, 'reauth'],
  [3003, 'stop'],
  [3008, 'reconnect'],
];

describe('createPolicy() defaults', () => {
  it.each(designTable)('%i → %s', (code, action) => {
    const decision = decide(code);
    expect(decision.action).toBe(action);
    expect(decision.rule).toMatchObject({ source: 'code', key: String(code), origin: 'defaults' });
    if (decision.action === 'stop') expect(decision.cause).toBe('policy');
  });

  it('has exactly the rows of the design table', () => {
    expect(Object.keys(defaultRules).map(Number)).toEqual(designTable.map(([code]) => code));
  });

  it.each([
    [3001, 'other library code'],
    [3999, 'other library code'],
    [4000, 'application code'],
    [4999, 'application code'],
    [0, 'unused'],
    [999, 'unused'],
    [1004, 'reserved'],
    [1016, 'future'],
    [2000, 'extension'],
    [5000, 'invalid'],
    [65535, 'invalid'],
    [-1, 'invalid'],
    [1000.5, 'invalid'],
    [NaN, 'invalid'],
  ])('%d (%s) → reconnect with backoff under the default rule', (code) => {
    const decision = decide(code, { attempt: 2 });
    expect(decision).toMatchObject({ action: 'reconnect', attempt: 3, delayMs: 1000 });
    expect(decision.rule).toMatchObject({ source: 'default', key: 'default', origin: 'defaults' });
  });

  it('backs off exponentially with full jitter: mean d/2, capped at 30 s', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 10].map((attempt) => decide(1006, { attempt }));
    expect(delays.map((d) => (d.action === 'reconnect' ? d.delayMs : -1))).toEqual([250, 500, 1000, 2000, 4000, 8000, 15_000, 15_000]);
    expect(createPolicy({ random: () => 0.999_999 }).decide(classify({ code: 1006 }), { attempt: 50 })).toMatchObject({ delayMs: 30_000 });
    expect(createPolicy({ random: () => 0 }).decide(classify({ code: 1006 }), { attempt: 50 })).toMatchObject({ delayMs: 0 });
  });

  it('waits at least 5 s after 1013 Try Again Later', () => {
    expect(createPolicy({ random: () => 0 }).decide(classify({ code: 1013 }))).toMatchObject({ action: 'reconnect', delayMs: 5000 });
    expect(createPolicy({ random: () => 0.999_999 }).decide(classify({ code: 1013 }), { attempt: 30 })).toMatchObject({ delayMs: 30_000 });
  });

  it('lowers the 1013 floor to a cap the app chose below it', () => {
    const low = createPolicy({ backoff: { maxMs: 2000 }, random: () => 0 });
    expect(low.decide(classify({ code: 1013 }))).toMatchObject({ delayMs: 2000 });
  });

  it('re-authenticates at once on 3000, then gives up after 2 consecutive re-auths', () => {
    expect(decide(3000)).toMatchObject({ action: 'reauth', delayMs: 0, attempt: 1 });
    expect(decide(3000, { reauthAttempt: 1 })).toMatchObject({ action: 'reauth', delayMs: 0, attempt: 2 });
    expect(decide(3000, { reauthAttempt: 2 })).toMatchObject({ action: 'stop', cause: 'reauth-exhausted' });
  });

  it('never stops a transient code for attempts by default', () => {
    expect(decide(1006, { attempt: 1_000_000 })).toMatchObject({ action: 'reconnect', attempt: 1_000_001, delayMs: 15_000 });
  });

  it('works without a context', () => {
    expect(policy.decide(classify({ code: 1006 }))).toMatchObject({ action: 'reconnect', attempt: 1, delayMs: 250 });
  });

  it('lists the effective table in lookup order', () => {
    expect(policy.rules.map((r) => `${r.origin}:${r.source}:${r.key}`)).toEqual([...designTable.map(([code]) => `defaults:code:${code}`), 'defaults:default:default']);
    expect(policy.rules.every((r) => typeof r.rule === 'object' && Object.isFrozen(r))).toBe(true);
  });

  it('explains in one sentence', () => {
    expect(policy.explain(1006)).toBe('1006 AbnormalClosure → reconnect with backoff (closekit default for code 1006).');
    expect(policy.explain(1013)).toBe('1013 TryAgainLater → reconnect with backoff (at least 5000 ms) (closekit default for code 1013).');
    expect(policy.explain(3000)).toBe('3000 Unauthorized → reauth at once (closekit default for code 3000).');
    expect(policy.explain(1008)).toBe('1008 PolicyViolation → stop (closekit default for code 1008).');
    expect(policy.explain(4321)).toBe('4321 → reconnect with backoff (closekit default for codes no rule names).');
    expect(policy.explain(NaN)).toBe('NaN → reconnect with backoff (closekit default for codes no rule names).');
  });
});
