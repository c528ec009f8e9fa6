import { describe, expect, it } from 'vitest';
import { createPolicy, defineCloseCodes, isPolicyError, PolicyError, type PolicyOptions } from '../../src/index';

const AppCodes = defineCloseCodes({ TokenExpired: 4001 });

function rejection(options: unknown): PolicyError {
  try {
    createPolicy(options as PolicyOptions);
  } catch (error) {
    if (isPolicyError(error)) return error;
    throw error;
  }
  throw new Error(`createPolicy accepted ${JSON.stringify(options)}`);
}

// [what is wrong, options, the option path the error must name, words the message must contain]
const invalid: [string, unknown, string, RegExp][] = [
  ['options not an object', 42, 'options', /options object/],
  ['options null', null, 'options', /options object/],
  ['options an array', [], 'options', /options object/],
  ['a misspelt option', { maxAttempt: 3 }, 'maxAttempt', /Did you mean 'maxAttempts'/],
  ['an unknown option', { retries: 3 }, 'retries', /Valid: codes, rules, default, backoff, maxAttempts/],
  ['an unknown action', { rules: { 4001: 'retry' } }, 'rules.4001', /'reconnect', 'reauth', 'stop'/],
  ['an unknown action in a rule object', { rules: { 4001: { action: 'retry' } } }, 'rules.4001.action', /'reconnect', 'reauth', 'stop'/],
  ['a rule that is not a string or object', { rules: { 4001: 7 } }, 'rules.4001', /or an object/],
  ['an unknown rule option', { rules: { 4001: { action: 'stop', delay: 5 } } }, 'rules.4001.delay', /Did you mean 'delayMs'/],
  ['a negative delay', { rules: { 4001: { action: 'reconnect', delayMs: -1 } } }, 'rules.4001.delayMs', /≥ 0/],
  ['a NaN delay', { rules: { 4001: { action: 'reconnect', delayMs: NaN } } }, 'rules.4001.delayMs', /finite/],
  ['an infinite delay', { rules: { 4001: { action: 'reconnect', delayMs: Infinity } } }, 'rules.4001.delayMs', /finite/],
  ['both delayMs and backoff', { rules: { 4001: { action: 'reconnect', delayMs: 5, backoff: {} } } }, 'rules.4001.backoff', /one or the other/],
  ['a rule maxAttempts of 0', { rules: { 4001: { action: 'reconnect', maxAttempts: 0 } } }, 'rules.4001.maxAttempts', /whole number ≥ 1/],
  ['an inverted range', { rules: { '4200-4100': 'stop' } }, 'rules.4200-4100', /lower code first/],
  ['a range beyond 4999', { rules: { '4000-6000': 'stop' } }, 'rules.4000-6000', /within 0-4999/],
  ['a malformed range', { rules: { '4100-': 'stop' } }, 'rules.4100-', /a range \('4100-4199'\)/],
  ['a range with spaces', { rules: { '4100 - 4199': 'stop' } }, 'rules.4100 - 4199', /a range \('4100-4199'\)/],
  ['a negative code', { rules: { '-1': 'stop' } }, 'rules.-1', /a range \('4100-4199'\)/],
  ['a code above 65535', { rules: { 70000: 'stop' } }, 'rules.70000', /0 to 65535/],
  ['a code with leading zeros', { rules: { '04001': 'stop' } }, 'rules.04001', /leading zeros/],
  ['an unknown name', { codes: AppCodes, rules: { Unauthorised: 'reauth' } }, 'rules.Unauthorised', /a name from the codes contract \(TokenExpired\)/],
  ['a name without a contract', { rules: { TokenExpired: 'reauth' } }, 'rules.TokenExpired', /a name from the codes contract \(none given\)/],
  ['a misspelt kind', { rules: { aplication: 'stop' } }, 'rules.aplication', /a kind \(standard, library, application, reserved, invalid\)/],
  ['rules not an object', { rules: 'stop' }, 'rules', /must be an object/],
  ['an unknown default action', { default: 'ignore' }, 'default', /'reconnect', 'reauth', 'stop'/],
  ['backoff not an object', { backoff: 5 }, 'backoff', /must be an object/],
  ['initialMs above maxMs', { backoff: { initialMs: 40_000 } }, 'backoff.initialMs', /no more than backoff.maxMs \(30000\)/],
  ['factor below 1', { backoff: { factor: 0.9 } }, 'backoff.factor', /≥ 1/],
  ['an unknown jitter', { backoff: { jitter: 'half' } }, 'backoff.jitter', /'none', 'full', 'equal', 'decorrelated'/],
  ['minMs above maxMs', { backoff: { minMs: 31_000 } }, 'backoff.minMs', /no more than backoff.maxMs \(30000\)/],
  ['a negative initialMs', { backoff: { initialMs: -5 } }, 'backoff.initialMs', /≥ 0/],
  ['a misspelt backoff option', { backoff: { maxMS: 10 } }, 'backoff.maxMS', /Did you mean 'maxMs'/],
  ['a bad rule backoff', { rules: { 1013: { action: 'reconnect', backoff: { minMs: 60_000 } } } }, 'rules.1013.backoff.minMs', /no more than rules.1013.backoff.maxMs/],
  ['a rule backoff that is not an object', { rules: { 1013: { action: 'reconnect', backoff: 'slow' } } }, 'rules.1013.backoff', /must be an object/],
  ['maxAttempts 0', { maxAttempts: 0 }, 'maxAttempts', /whole number ≥ 1, or Infinity/],
  ['maxAttempts fractional', { maxAttempts: 2.5 }, 'maxAttempts', /whole number/],
  ['maxAttempts NaN', { maxAttempts: NaN }, 'maxAttempts', /whole number/],
  ['maxAttempts a string', { maxAttempts: '3' }, 'maxAttempts', /whole number/],
  ['maxReauth negative', { maxReauth: -1 }, 'maxReauth', /whole number ≥ 0/],
  ['resetAfterMs negative', { resetAfterMs: -1 }, 'resetAfterMs', /≥ 0/],
  ['resetAfterMs NaN', { resetAfterMs: NaN }, 'resetAfterMs', /≥ 0/],
  ['random not a function', { random: 0.5 }, 'random', /must be a function/],
  ['codes not a contract', { codes: { TokenExpired: 4001 } }, 'codes', /defineCloseCodes/],
  ['preset not an object', { preset: 'pusher' }, 'preset', /closekit\/presets/],
  ['preset without a name', { preset: { rules: {} } }, 'preset.name', /non-empty string/],
  ['preset without rules', { preset: { name: 'x' } }, 'preset.rules', /must be an object/],
  ['preset with an unknown key', { preset: { name: 'x', rules: {}, rule: {} } }, 'preset.rule', /Did you mean 'rules'/],
  ['a bad preset rule', { preset: { name: 'x', rules: { '4100-4000': 'stop' } } }, 'preset.rules.4100-4000', /lower code first \(e.g. '4000-4100'\)/],
  ['a bad preset default', { preset: { name: 'x', rules: {}, default: 'nope' } }, 'preset.default', /'reconnect', 'reauth', 'stop'/],
];

describe('createPolicy validation', () => {
  it.each(invalid)('%s throws a PolicyError naming it', (_, options, option, message) => {
    const error = rejection(options);
    expect(error).toBeInstanceOf(PolicyError);
    expect(error.name).toBe('PolicyError');
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
  });

  it('keeps the offending value', () => {
    expect(rejection({ backoff: { factor: 0.5 } }).value).toBe(0.5);
    expect(rejection({ rules: { '4200-4100': 'stop' } }).value).toBe('4200-4100');
  });

  it.each([
    ['no options', undefined],
    ['empty options', {}],
    [
      'every option',
      {
        codes: AppCodes,
        rules: { TokenExpired: 'reauth', 4002: { action: 'reconnect', maxAttempts: 3, backoff: { jitter: 'equal' } }, '4100-4199': 'stop', application: 'reconnect' },
        default: 'stop',
        backoff: { initialMs: 0, maxMs: 0, factor: 1, jitter: 'none', minMs: 0 },
        maxAttempts: Infinity,
        maxReauth: 0,
        resetAfterMs: Infinity,
        preset: { name: 'x', rules: {} },
        random: () => 0,
      },
    ],
    ['a range over the whole of 0-4999', { rules: { '0-4999': 'stop' } }],
    ['a single-code range', { rules: { '4001-4001': 'stop' } }],
    ['a code above 4999', { rules: { 5000: 'stop', 65535: 'stop' } }],
    ['random: null, which means Math.random', { random: null }],
  ])('accepts %s', (_, options) => {
    expect(() => createPolicy(options as PolicyOptions)).not.toThrow();
  });
});
