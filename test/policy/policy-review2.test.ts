// Second adversarial review of createPolicy with presets: each test holds one
// promise of docs/policy.md or docs/presets.md that an edge case broke.
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/classify';
import { createPolicy } from '../../src/policy';
import { centrifugo, graphqlWs } from '../../src/presets';

const delayOf = (policy: ReturnType<typeof createPolicy>, code: number) => {
  const decision = policy.decide(classify({ code }, { opened: true }), { attempt: 0 });
  return decision.action === 'stop' ? undefined : decision.delayMs;
};

describe("a preset's 1012/1013 tuning gives way to the app's backoff, as closekit's own does", () => {
  // policy.md: closekit's per-code tuning "fills in only the backoff fields your options leave unset … backoff:
  // { initialMs: 100 } applies to 1012 too"; presets.md: the presets keep 1012's wide first window and 1013's floor
  // "as closekit does without a preset", and "the app's own options win".
  const backoff = { initialMs: 100, minMs: 50, jitter: 'none' } as const;

  it.each([graphqlWs, centrifugo])('$name: the app’s initialMs and minMs apply to 1012 and 1013', (preset) => {
    const alone = createPolicy({ backoff, random: () => 0.5 });
    const withPreset = createPolicy({ backoff, preset, random: () => 0.5 });
    expect([delayOf(withPreset, 1012), delayOf(withPreset, 1013)]).toEqual([delayOf(alone, 1012), delayOf(alone, 1013)]);
    expect([delayOf(withPreset, 1012), delayOf(withPreset, 1013)]).toEqual([100, 100]);
    expect(withPreset.explain(1013)).toContain('at least 50 ms');
  });

  it.each([graphqlWs, centrifugo])('$name: fields the app leaves unset keep the tuning (5 s)', (preset) => {
    const policy = createPolicy({ backoff: { maxMs: 60_000, jitter: 'none' }, preset, random: () => 0.5 });
    expect([delayOf(policy, 1012), delayOf(policy, 1013)]).toEqual([5000, 5000]);
  });
});
