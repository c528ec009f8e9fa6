import { describe, expect, it } from 'vitest';
import { classify, createPolicy, defineCloseCodes } from '../../src/index';

const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003 });
const result = (code: number) => classify({ code }, { codes: AppCodes, opened: true });

describe('attempt counters', () => {
  it('numbers the retry about to be made', () => {
    const policy = createPolicy({ random: () => 0.5 });
    expect(policy.decide(result(1006), { attempt: 0 })).toMatchObject({ action: 'reconnect', attempt: 1 });
    expect(policy.decide(result(1006), { attempt: 4 })).toMatchObject({ action: 'reconnect', attempt: 5, delayMs: 4000 });
  });

  it('stops with max-attempts at the close of attempt number maxAttempts (the first attempt counts)', () => {
    const policy = createPolicy({ maxAttempts: 3 });
    expect(policy.decide(result(1006), { attempt: 0 })).toMatchObject({ action: 'reconnect', attempt: 1 });
    expect(policy.decide(result(1006), { attempt: 1 })).toMatchObject({ action: 'reconnect', attempt: 2 });
    expect(policy.decide(result(1006), { attempt: 2 })).toMatchObject({ action: 'stop', cause: 'max-attempts' });
    expect(policy.decide(result(1006), { attempt: 99 })).toMatchObject({ action: 'stop', cause: 'max-attempts' });
  });

  it('lets a rule set its own maxAttempts', () => {
    const policy = createPolicy({ maxAttempts: 10, rules: { 1013: { action: 'reconnect', maxAttempts: 1 }, 4003: { action: 'reconnect', maxAttempts: 20 } } });
    expect(policy.decide(result(1013), { attempt: 0 })).toMatchObject({ action: 'stop', cause: 'max-attempts', rule: { key: '1013' } });
    expect(policy.decide(result(4003), { attempt: 15 })).toMatchObject({ action: 'reconnect', attempt: 16 });
    expect(policy.decide(result(1006), { attempt: 8 })).toMatchObject({ action: 'reconnect', attempt: 9 });
    expect(policy.decide(result(1006), { attempt: 9 })).toMatchObject({ action: 'stop', cause: 'max-attempts' });
  });

  it('resets the counters after a connection stayed open for resetAfterMs', () => {
    const policy = createPolicy({ maxAttempts: 3, random: () => 0.5 });
    expect(policy.decide(result(1006), { attempt: 3, uptimeMs: 4999 })).toMatchObject({ action: 'stop', cause: 'max-attempts' });
    expect(policy.decide(result(1006), { attempt: 3, uptimeMs: 5000 })).toMatchObject({ action: 'reconnect', attempt: 1, delayMs: 250 });
    expect(policy.decide(result(3000), { reauthAttempt: 2, uptimeMs: 60_000 })).toMatchObject({ action: 'reauth', attempt: 1 });
  });

  it('honours a custom resetAfterMs, and Infinity never resets', () => {
    expect(createPolicy({ maxAttempts: 2, resetAfterMs: 100 }).decide(result(1006), { attempt: 5, uptimeMs: 100 })).toMatchObject({ action: 'reconnect', attempt: 1 });
    expect(createPolicy({ maxAttempts: 2, resetAfterMs: Infinity }).decide(result(1006), { attempt: 1, uptimeMs: 1e12 })).toMatchObject({ action: 'stop' });
  });

  it('does not count a connection that never stayed open as a reset, even with resetAfterMs 0', () => {
    expect(createPolicy({ maxAttempts: 2, resetAfterMs: 0 }).decide(result(1006), { attempt: 2, uptimeMs: 0 })).toMatchObject({ action: 'stop', cause: 'max-attempts' });
  });

  it('re-authenticates up to maxReauth times in a row, then stops with reauth-exhausted', () => {
    const policy = createPolicy({ codes: AppCodes, rules: { TokenExpired: 'reauth' }, maxReauth: 3, random: () => 0 });
    expect([0, 1, 2, 3].map((n) => policy.decide(result(4001), { reauthAttempt: n, attempt: n }))).toMatchObject([
      { action: 'reauth', attempt: 1, delayMs: 0 },
      { action: 'reauth', attempt: 2 },
      { action: 'reauth', attempt: 3 },
      { action: 'stop', cause: 'reauth-exhausted', rule: { source: 'name', key: 'TokenExpired' } },
    ]);
    expect(createPolicy({ maxReauth: 0 }).decide(result(3000))).toMatchObject({ action: 'stop', cause: 'reauth-exhausted' });
  });

  it('backs a reauth off by the re-auth count, and applies maxAttempts to it too', () => {
    const policy = createPolicy({ rules: { 4001: 'reauth' }, maxReauth: 10, maxAttempts: 4, random: () => 0.5 });
    expect(policy.decide(result(4001), { reauthAttempt: 2, attempt: 2 })).toMatchObject({ action: 'reauth', attempt: 3, delayMs: 1000 });
    expect(policy.decide(result(4001), { reauthAttempt: 2, attempt: 4 })).toMatchObject({ action: 'stop', cause: 'max-attempts' });
  });

  it('uses a fixed delayMs instead of backoff', () => {
    const policy = createPolicy({ rules: { 4200: { action: 'reconnect', delayMs: 0 }, 4201: { action: 'reconnect', delayMs: 1234.4 } } });
    expect(policy.decide(result(4200), { attempt: 30 })).toMatchObject({ delayMs: 0, attempt: 31 });
    expect(policy.decide(result(4201))).toMatchObject({ delayMs: 1234 });
  });

  it('merges a rule backoff over the policy backoff', () => {
    const policy = createPolicy({ backoff: { initialMs: 100, jitter: 'none' }, rules: { 4100: { action: 'reconnect', backoff: { factor: 3 } } } });
    expect(policy.decide(result(4100), { attempt: 2 })).toMatchObject({ delayMs: 900 });
    expect(policy.decide(result(1006), { attempt: 2 })).toMatchObject({ delayMs: 400 });
  });

  it('feeds previousDelayMs to decorrelated jitter', () => {
    const policy = createPolicy({ backoff: { jitter: 'decorrelated' }, random: () => 0.999_999 });
    expect(policy.decide(result(1006), { attempt: 3, previousDelayMs: 1000 })).toMatchObject({ delayMs: 3000 });
  });

  it('treats garbage context numbers as 0', () => {
    const policy = createPolicy({ maxAttempts: 2, random: () => 0.5 });
    for (const bad of [NaN, -5, Infinity, -Infinity, '3', null, {}]) {
      const context = { attempt: bad, reauthAttempt: bad, uptimeMs: bad, previousDelayMs: bad } as never;
      expect(policy.decide(result(1006), context)).toMatchObject({ action: 'reconnect', attempt: 1, delayMs: 250 });
    }
    expect(policy.decide(result(1006), 'nonsense' as never)).toMatchObject({ action: 'reconnect', attempt: 1 });
  });
});

describe('permanent codes', () => {
  const contexts = [{}, { attempt: 0 }, { attempt: 1e6, reauthAttempt: 1e6 }, { uptimeMs: 1e9 }, { attempt: NaN }];

  it.each(contexts)('1008 and a 4003 stop rule are stop on the first close (context %o)', (context) => {
    const policy = createPolicy({ codes: AppCodes, rules: { AccessDenied: 'stop' }, maxAttempts: 5 });
    expect(policy.decide(result(1008), context)).toMatchObject({ action: 'stop', cause: 'policy' });
    expect(policy.decide(result(4003), context)).toMatchObject({ action: 'stop', cause: 'policy', rule: { origin: 'app', key: 'AccessDenied' } });
  });
});

describe("closekit's per-code tuning", () => {
  it('spreads 1012 over a 5 s first window by default', () => {
    const policy = createPolicy({ random: () => 0.999_999 });
    expect(policy.decide(result(1012), { attempt: 0 })).toMatchObject({ action: 'reconnect', delayMs: 5000 });
    expect(policy.decide(result(1006), { attempt: 0 })).toMatchObject({ action: 'reconnect', delayMs: 500 });
  });

  it('gives way to the fields the app set in its own backoff, and to its cap', () => {
    const top = () => 0.999_999;
    expect(createPolicy({ random: top, backoff: { initialMs: 100 } }).decide(result(1012), { attempt: 0 })).toMatchObject({ delayMs: 100 });
    expect(createPolicy({ random: top, backoff: { maxMs: 2000 } }).decide(result(1012), { attempt: 0 })).toMatchObject({ delayMs: 2000 });
    expect(createPolicy({ random: () => 0, backoff: { maxMs: 2000 } }).decide(result(1013), { attempt: 0 })).toMatchObject({ delayMs: 2000 });
    // A preset or app rule for 1012 replaces closekit's tuning altogether.
    expect(createPolicy({ random: top, rules: { 1012: 'reconnect' } }).decide(result(1012), { attempt: 0 })).toMatchObject({ delayMs: 500 });
  });
});
