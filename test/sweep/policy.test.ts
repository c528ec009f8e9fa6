// Sweep of createPolicy, policy.decide, policy.explain and the presets with
// random and hostile options (see support.ts for the rule).
import fc from 'fast-check';
import { describe as suite, expect, it } from 'vitest';
import { classify, createPolicy, defaultPolicy, defineCloseCodes, type Policy } from '../../src/index';
import { centrifugo, graphqlWs, pusher } from '../../src/presets';
import { SWEEP_SEED, collectUnhandledRejections, hostile, hugeDuration, misspell, neverThrows, oddNumber, params, throwingGetter, worksOrThrowsTyped } from './support';

collectUnhandledRejections();

const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4029 });
const OPTION_KEYS = ['codes', 'rules', 'default', 'backoff', 'maxAttempts', 'maxReauth', 'resetAfterMs', 'preset', 'random'];
const BACKOFF_KEYS = ['initialMs', 'maxMs', 'factor', 'jitter', 'minMs'];
const STOP_CAUSES = ['policy', 'max-attempts', 'reauth-exhausted'];

const action = fc.constantFrom('reconnect', 'reauth', 'stop');
const duration = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 120_000 }) }, oddNumber, hostile);
const backoff: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      initialMs: duration,
      maxMs: duration,
      factor: fc.oneof(fc.double({ min: 1, max: 4, noNaN: true }), oddNumber),
      jitter: fc.oneof(fc.constantFrom('none', 'full', 'equal', 'decorrelated'), hostile),
      minMs: duration,
    },
    { requiredKeys: [] },
  ),
  hostile,
);
const rule: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: action },
  fc.record({ action: fc.oneof(action, hostile), backoff, maxAttempts: fc.oneof(fc.integer({ min: 0, max: 10 }), oddNumber), delayMs: duration }, { requiredKeys: ['action'] }),
  hostile,
);
const ruleKey = fc.oneof(
  fc.integer({ min: 0, max: 5000 }).map(String),
  fc.constantFrom(
    'TokenExpired',
    'AccessDenied',
    'RateLimited',
    'Unauthorized',
    'standard',
    'library',
    'application',
    'reserved',
    'invalid',
    '4100-4199',
    '4200-4100',
    '0-4999',
    '3000-5000',
    '-1',
    '1e3',
    'NaN',
    '__proto__',
    '',
  ),
  fc.string(),
);
const rules: fc.Arbitrary<unknown> = fc.oneof(fc.dictionary(ruleKey, rule, { maxKeys: 6 }), hostile);
const preset: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(graphqlWs, centrifugo, pusher),
  fc.record({ name: fc.oneof(fc.string(), hostile), rules, default: rule }, { requiredKeys: [] }),
  hostile,
);

/** Policy options: mostly well-formed in shape, any field odd or hostile. */
const policyOptions: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        codes: fc.oneof(fc.constant(AppCodes as unknown), fc.constant({ Unauthorized: 4001 }), hostile),
        rules,
        default: rule,
        backoff,
        maxAttempts: fc.oneof(fc.integer({ min: 1, max: 20 }), oddNumber, hostile),
        maxReauth: fc.oneof(fc.integer({ min: 0, max: 5 }), oddNumber, hostile),
        resetAfterMs: duration,
        preset,
        random: fc.oneof(
          fc.constant(() => 0.5),
          fc.constant(Math.random),
          hostile,
        ),
      },
      { requiredKeys: [] },
    ),
  },
  hostile,
  fc.constantFrom(...OPTION_KEYS).map((key) => throwingGetter(key) as unknown),
);

const closeEvent = fc.record({ code: fc.oneof(fc.integer({ min: 0, max: 5100 }), oddNumber), reason: fc.string(), wasClean: fc.boolean() });
const context: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ attempt: fc.oneof(fc.nat(30), oddNumber, hostile), reauthAttempt: fc.oneof(fc.nat(5), oddNumber, hostile), uptimeMs: duration, previousDelayMs: duration }, { requiredKeys: [] }),
  hostile,
);

/** A decision a socket can act on: stop with a cause decide may give, or a delay setTimeout honours. */
function expectActionable(decision: unknown): void {
  const d = decision as Record<string, unknown>;
  expect(['reconnect', 'reauth', 'stop']).toContain(d['action']);
  expect(d['rule']).toBeTypeOf('object');
  if (d['action'] === 'stop') {
    expect(STOP_CAUSES).toContain(d['cause']);
    return;
  }
  const delayMs = d['delayMs'] as number;
  expect(Number.isInteger(delayMs), `delayMs ${delayMs} is a whole number`).toBe(true);
  expect(delayMs).toBeGreaterThanOrEqual(0);
  // setTimeout fires a delay of 2^31 ms or more after ~1 ms (issue #11, problem 2).
  expect(delayMs, `delayMs ${delayMs} is below 2^31`).toBeLessThan(2 ** 31);
  expect(Number.isInteger(d['attempt']) && (d['attempt'] as number) >= 1).toBe(true);
}

suite(`sweep: createPolicy, decide and explain (seed ${SWEEP_SEED})`, () => {
  it('createPolicy works or throws a PolicyError; what it builds decides every close with an actionable decision and explains every code', () => {
    fc.assert(
      fc.property(policyOptions, fc.array(fc.tuple(closeEvent, context), { minLength: 1, maxLength: 5 }), fc.oneof(oddNumber, hostile), (options, closes, code) => {
        const made = worksOrThrowsTyped('createPolicy(options)', () => createPolicy(options as never), ['PolicyError']);
        if (made.threw) return;
        const policy = made.value as Policy;
        for (const [event, ctx] of closes) {
          const result = classify(event, { codes: AppCodes, opened: true });
          expectActionable(neverThrows('policy.decide(result, context)', () => policy.decide(result, ctx as never)));
        }
        const explained = worksOrThrowsTyped('policy.explain(code)', () => policy.explain(code as never), ['PolicyError', 'CloseCodeError']);
        if (!explained.threw) expect(typeof explained.value).toBe('string');
      }),
      params(400),
    );
  });

  it('decide never throws for a result or context that is not what it expects', () => {
    const policy = createPolicy({ codes: AppCodes, rules: { TokenExpired: 'reauth' }, random: () => 0.5 });
    fc.assert(
      fc.property(
        fc.oneof(
          hostile,
          closeEvent.map((e) => classify(e) as unknown),
        ),
        context,
        (result, ctx) => {
          expectActionable(neverThrows('policy.decide(value, context)', () => policy.decide(result as never, ctx as never)));
        },
      ),
      params(),
    );
  });

  it('a misspelt option key is refused with a PolicyError naming it', () => {
    const keyed = fc.oneof(
      fc.constantFrom(...OPTION_KEYS).chain((key) => misspell(key).map((spelt) => ({ spelt, options: { [spelt]: 1 } as Record<string, unknown> }))),
      fc.constantFrom(...BACKOFF_KEYS).chain((key) => misspell(key).map((spelt) => ({ spelt, options: { backoff: { [spelt]: 1 } } as Record<string, unknown> }))),
    );
    fc.assert(
      fc.property(
        keyed.filter(({ spelt }) => !OPTION_KEYS.includes(spelt) && !BACKOFF_KEYS.includes(spelt)),
        ({ spelt, options }) => {
          const made = worksOrThrowsTyped('createPolicy(misspelt)', () => createPolicy(options as never), ['PolicyError']);
          expect(made.threw, `createPolicy accepted the unknown key '${spelt}'`).toBe(true);
          if (made.threw) expect((made.error as { option?: string }).option).toContain(spelt);
        },
      ),
      params(),
    );
  });

  it('every duration of 2^31 ms or more is refused with a PolicyError naming the option (issue #11, problem 2)', () => {
    // Where a duration goes, and the option the error must name.
    const places: Record<string, (ms: number) => unknown> = {
      'backoff.maxMs': (ms) => ({ backoff: { maxMs: ms } }),
      'backoff.initialMs': (ms) => ({ backoff: { maxMs: ms, initialMs: ms } }),
      'backoff.minMs': (ms) => ({ backoff: { maxMs: ms, minMs: ms } }),
      resetAfterMs: (ms) => ({ resetAfterMs: ms }),
      'rules.4000': (ms) => ({ rules: { 4000: { action: 'reconnect', delayMs: ms } } }),
      'rules.4000.backoff': (ms) => ({ rules: { 4000: { action: 'reconnect', backoff: { maxMs: ms } } } }),
      default: (ms) => ({ default: { action: 'reconnect', delayMs: ms } }),
    };
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(places)), hugeDuration, (option, ms) => {
        const options = (places[option] as (ms: number) => unknown)(ms);
        const made = worksOrThrowsTyped('createPolicy(huge duration)', () => createPolicy(options as never), ['PolicyError']);
        expect(made.threw, `createPolicy accepted ${JSON.stringify(options)}`).toBe(true);
        if (made.threw) expect((made.error as { option?: string }).option).toContain(option.replace(/\.(initialMs|minMs)$/, ''));
      }),
      params(100),
    );
  });

  it('a retry hint of any size in the reason still gives a delay a timer can wait (the server may ask for up to 9999999 s)', () => {
    const hint = fc.oneof(
      fc.tuple(fc.nat(), fc.constantFrom('s', 'ms')).map(([n, unit]) => `retry-after=${n}${unit}`),
      fc.constantFrom('retry-after=9999999s', 'retry-after=2147484s', 'retry-after=1e12ms', 'retry-after=-5s', 'retry-after=NaNs', 'retry-after='),
    );
    fc.assert(
      fc.property(policyOptions, fc.integer({ min: 1000, max: 4999 }), fc.string({ maxLength: 20 }), hint, context, (options, code, text, retry, ctx) => {
        const made = worksOrThrowsTyped('createPolicy(options)', () => createPolicy(options as never), ['PolicyError']);
        if (made.threw) return;
        const result = neverThrows('classify(hinted)', () => classify({ code, reason: `${text} ${retry}`, wasClean: true }, { opened: true }));
        expectActionable(neverThrows('policy.decide(hinted)', () => (made.value as Policy).decide(result, ctx as never)));
      }),
      params(),
    );
  });

  it("the ready-made policies (defaultPolicy, each profile's policy) never throw for any result or context, and explain any code", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Policy>(defaultPolicy, graphqlWs.policy, centrifugo.policy, pusher.policy),
        fc.oneof(
          hostile,
          closeEvent.map((e) => classify(e) as unknown),
        ),
        context,
        fc.oneof(oddNumber, hostile, fc.integer({ min: -1, max: 70_000 })),
        (policy, result, ctx, code) => {
          expectActionable(neverThrows('ready-made policy.decide(value, context)', () => policy.decide(result as never, ctx as never)));
          expect(typeof neverThrows('ready-made policy.explain(code)', () => policy.explain(code as never))).toBe('string');
        },
      ),
      params(),
    );
  });

  it('every preset decides every code with an actionable decision', () => {
    fc.assert(
      fc.property(fc.constantFrom(graphqlWs, centrifugo, pusher), closeEvent, context, (chosen, event, ctx) => {
        const policy = createPolicy({ preset: chosen, random: () => 0.5 });
        expectActionable(neverThrows('preset policy.decide', () => policy.decide(classify(event, { opened: true }), ctx as never)));
      }),
      params(),
    );
  });
});
