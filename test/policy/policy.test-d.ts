import { describe, expectTypeOf, it } from 'vitest';
import { classify, createPolicy, defineCloseCodes, type Decision, type MatchedRule, type Policy, type PolicyOptions, type Preset, type Rule, type StopCause } from '../../src/index';
import { centrifugo, graphqlWs, pusher, type Profile } from '../../src/presets/index';

const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4029 });

describe('policy types', () => {
  it("accepts rules keyed by the contract's names, codes, ranges and kinds", () => {
    const policy = createPolicy({
      codes: AppCodes,
      rules: {
        TokenExpired: 'reauth',
        AccessDenied: { action: 'stop' },
        RateLimited: { action: 'reconnect', backoff: { minMs: 10_000, jitter: 'equal' }, maxAttempts: 5 },
        4100: 'stop',
        '4200-4299': { action: 'reconnect', delayMs: 0 },
        application: 'reconnect',
        reserved: 'stop',
      },
    });
    expectTypeOf(policy).toEqualTypeOf<Policy<'TokenExpired' | 'AccessDenied' | 'RateLimited'>>();
    expectTypeOf(policy.decide(classify({ code: 4001 }, { codes: AppCodes }))).toEqualTypeOf<Decision>();
    expectTypeOf(policy.explain(4001)).toEqualTypeOf<string>();
    expectTypeOf(policy.rules).toEqualTypeOf<readonly MatchedRule[]>();
  });

  it('rejects a name the contract does not define', () => {
    // @ts-expect-error 'Unauthorised' is not one of the contract's names
    createPolicy({ codes: AppCodes, rules: { Unauthorised: 'reauth' } });
  });

  it('rejects an unknown action string', () => {
    // @ts-expect-error 'retry' is not an action
    createPolicy({ rules: { 4001: 'retry' } });
    // @ts-expect-error 'retry' is not an action
    createPolicy({ rules: { '4100-4199': { action: 'retry' } } });
    // @ts-expect-error 'ignore' is not an action
    createPolicy({ default: 'ignore' });
    // @ts-expect-error 'ignore' is not an action
    const rule: Rule = 'ignore';
    void rule;
  });

  it('rejects an unknown jitter and misspelt options', () => {
    // @ts-expect-error 'random' is not a jitter
    createPolicy({ backoff: { jitter: 'random' } });
    // @ts-expect-error maxAttempt is not an option (maxAttempts is)
    createPolicy({ maxAttempt: 3 });
  });

  it('narrows a decision on action', () => {
    const decision = createPolicy().decide(classify({ code: 1006 }));
    if (decision.action === 'stop') {
      expectTypeOf(decision.cause).toEqualTypeOf<StopCause>();
      // @ts-expect-error a stop has no delay
      void decision.delayMs;
    } else {
      expectTypeOf(decision.delayMs).toEqualTypeOf<number>();
      expectTypeOf(decision.attempt).toEqualTypeOf<number>();
    }
  });

  it('takes the presets and a plain options object', () => {
    expectTypeOf(graphqlWs).toEqualTypeOf<Profile>();
    expectTypeOf(centrifugo).toMatchTypeOf<Preset>();
    createPolicy({ preset: pusher, rules: { 4001: 'reauth' } });
    const options: PolicyOptions = { maxAttempts: 10, maxReauth: 1, resetAfterMs: 5000, random: Math.random };
    expectTypeOf(createPolicy(options)).toEqualTypeOf<Policy<string>>();
  });
});
