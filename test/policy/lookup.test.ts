import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, createPolicy, defineCloseCodes, type Preset } from '../../src/index';

const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4150, Legacy: 3500 });

function matched(policy: ReturnType<typeof createPolicy>, code: number) {
  const decision = policy.decide(classify({ code }, { codes: AppCodes }));
  return `${decision.action} ${decision.rule.origin}:${decision.rule.source}:${decision.rule.key}`;
}

describe('rule lookup order', () => {
  const policy = createPolicy({
    codes: AppCodes,
    rules: {
      4003: 'stop',
      AccessDenied: 'reconnect',
      RateLimited: 'stop',
      '4100-4199': 'reauth',
      '4000-4999': 'reconnect',
      application: 'stop',
      standard: 'stop',
    },
  });

  it('a code rule beats a name, a range and a kind', () => {
    expect(matched(policy, 4003)).toBe('stop app:code:4003');
  });

  it('a name beats a range', () => {
    expect(matched(policy, 4150)).toBe('stop app:name:RateLimited');
  });

  it('a range beats a kind, and the narrowest range wins', () => {
    expect(matched(policy, 4120)).toBe('reauth app:range:4100-4199');
    expect(matched(policy, 4200)).toBe('reconnect app:range:4000-4999');
  });

  it('a kind applies when no code, name or range does', () => {
    const kinds = createPolicy({ rules: { application: 'stop', library: 'reauth' } });
    expect(matched(kinds, 4777)).toBe('stop app:kind:application');
    expect(matched(kinds, 3777)).toBe('reauth app:kind:library');
  });

  it('matches a kind rule exactly when classify gives that kind, in every band', () => {
    const byKind = createPolicy({ rules: { standard: 'stop', library: 'stop', application: 'stop', reserved: 'stop', invalid: 'stop' } });
    const codes = [-1, 0, 999, 1000, 1003, 1004, 1005, 1015, 1016, 1999, 2000, 2999, 3000, 3999, 4000, 4999, 5000, 65535, 1000.5, NaN, Infinity];
    for (const code of codes) expect(byKind.decide(classify({ code })).rule.key, String(code)).toBe(classify({ code }).kind);
    fc.assert(fc.property(fc.integer({ min: -100, max: 70_000 }), (code) => byKind.decide(classify({ code })).rule.key === classify({ code }).kind));
  });

  it("an app kind rule overrides closekit's default for a code", () => {
    expect(matched(policy, 1006)).toBe('stop app:kind:standard');
    expect(matched(createPolicy({ rules: { library: 'stop' } }), 3000)).toBe('stop app:kind:library');
  });

  it("the app's default decides only codes that no table names", () => {
    const strict = createPolicy({ default: 'stop' });
    expect(matched(strict, 4321)).toBe('stop app:default:default');
    expect(matched(strict, 5000)).toBe('stop app:default:default');
    expect(matched(strict, 1006)).toBe('reconnect defaults:code:1006');
  });

  it('names come from the codes contract (library codes too)', () => {
    const byName = createPolicy({ codes: AppCodes, rules: { Legacy: 'stop', TokenExpired: 'reauth' } });
    expect(matched(byName, 3500)).toBe('stop app:name:Legacy');
    expect(matched(byName, 4001)).toBe('reauth app:name:TokenExpired');
  });

  it('matches exact codes and ranges with whole numbers only', () => {
    const ranged = createPolicy({ rules: { '4000-4999': 'stop', 4001: 'stop' } });
    expect(matched(ranged, 4001.5)).toBe('reconnect defaults:default:default');
  });

  it('picks the narrowest of overlapping ranges, whatever order they were written in', () => {
    const overlapping = createPolicy({ rules: { '0-4999': 'stop', '4000-4099': 'reauth', '4050-4059': 'reconnect' } });
    expect(matched(overlapping, 4055)).toBe('reconnect app:range:4050-4059');
    expect(matched(overlapping, 4060)).toBe('reauth app:range:4000-4099');
    expect(matched(overlapping, 1000)).toBe('stop app:range:0-4999');
  });
});

describe('app rules and a preset', () => {
  const preset: Preset = {
    name: 'example',
    rules: { 4001: 'stop', '4100-4199': 'stop', application: 'stop', 1006: 'stop' },
    default: 'stop',
  };

  it('app rules win at the same level', () => {
    const policy = createPolicy({ preset, rules: { 4001: 'reauth', '4100-4199': 'reconnect', application: 'reconnect' } });
    expect(matched(policy, 4001)).toBe('reauth app:code:4001');
    expect(matched(policy, 4150)).toBe('reconnect app:range:4100-4199');
    expect(matched(policy, 4500)).toBe('reconnect app:kind:application');
  });

  it("a preset's more specific rule beats an app's broader one", () => {
    const policy = createPolicy({ preset, rules: { application: 'reconnect' } });
    expect(matched(policy, 4001)).toBe('stop preset:code:4001');
    expect(matched(policy, 4150)).toBe('stop preset:range:4100-4199');
  });

  it("a preset overrides closekit's defaults, and its default applies before closekit's", () => {
    const policy = createPolicy({ preset });
    expect(matched(policy, 1006)).toBe('stop preset:code:1006');
    expect(matched(policy, 5000)).toBe('stop preset:default:default');
    expect(matched(policy, 1000)).toBe('stop defaults:code:1000');
    expect(matched(createPolicy({ preset, default: 'reconnect' }), 5000)).toBe('reconnect app:default:default');
  });

  it('lists the effective rules once each, app before preset before defaults', () => {
    const policy = createPolicy({ preset, rules: { 4001: 'reauth', 1000: 'reconnect' } });
    const keys = policy.rules.map((r) => `${r.origin}:${r.source}:${r.key}`);
    expect(keys.slice(0, 4)).toEqual(['app:code:1000', 'app:code:4001', 'preset:code:1006', 'preset:range:4100-4199']);
    expect(keys).not.toContain('preset:code:4001');
    expect(keys).not.toContain('defaults:code:1000');
    expect(keys).not.toContain('defaults:code:1006');
    expect(keys.at(-1)).toBe('preset:default:default');
  });

  it('explains which table and key decided', () => {
    const policy = createPolicy({ codes: AppCodes, preset, rules: { TokenExpired: 'reauth', '4100-4199': { action: 'reconnect', delayMs: 250 } } });
    expect(policy.explain(4001)).toBe("4001 TokenExpired → reauth with backoff (app rule for name 'TokenExpired').");
    expect(policy.explain(4150)).toBe('4150 RateLimited → reconnect after 250 ms (app rule for range 4100-4199).');
    expect(policy.explain(4500)).toBe("4500 → stop (preset 'example' rule for kind 'application').");
    expect(policy.explain(1001)).toBe('1001 GoingAway → reconnect with backoff (closekit default for code 1001).');
  });
});
