// The rule compiler: checks a policy's options once and files every rule in
// lookup order; engine.ts decides from what it builds. Only apps that write
// rules (or use a preset) bundle this file: a socket without a policy uses
// the ready-made default-policy.ts.
import { policyCheck, resolveBackoff } from '../backoff';
import { durationCheck, isFunction, isRecord, numberCheck, type Check } from '../check';
import type { CloseKind } from '../classify';
import { nameOfCode, rangeOf, type CloseCodeMap } from '../codes';
import type { RandomSource } from '../environment';
import { DEFAULT_MAX_REAUTH, DEFAULT_RESET_AFTER_MS, defaultRule, defaultRules } from './defaults';
import { policyFrom, read } from './engine';
import { kinds, normalizeTable, type Entry, type Table } from './normalize';
import type { Policy, PolicyOptions } from './types';

// Every option, in the order an unknown option's message lists them; 0: checked on its own below.
const optionSpec = {
  codes: [(value) => typeof read(value, 'nameOf') === 'function' && Array.isArray(read(value, 'names')), __DEV__ ? 'a contract from defineCloseCodes()' : ''],
  rules: 0,
  default: 0,
  backoff: 0,
  maxAttempts: /* @__PURE__ */ numberCheck(1, true),
  maxReauth: /* @__PURE__ */ numberCheck(0, true),
  resetAfterMs: /* @__PURE__ */ durationCheck(false, true),
  preset: 0,
  // Checked on its own: null, like undefined, means Math.random.
  random: 0,
} as const satisfies Record<string, Check | 0>;

/**
 * Builds a pure decision engine from `options`, validating every option up
 * front: a bad one throws a `PolicyError` whose `option` names it (e.g.
 * `rules.4200-4100`, `backoff.factor`) and whose message says what is valid.
 *
 * How a close finds its rule, most specific first. The app's `rules` and the
 * `preset`'s are searched together, and at each step the app's rule wins:
 *
 * 1. exact code (`4001`), then app code name (`TokenExpired`, with the `codes`
 *    option); a name is one code, so the app's name rule beats a preset's code rule
 * 2. range (`'4100-4199'`, inclusive; the narrowest matching range wins)
 * 3. kind (`'standard'`, `'library'`, `'application'`, `'reserved'`, `'invalid'`)
 * 4. closekit's default rule for that exact code ({@link defaultRules})
 * 5. `default` (the app's, else the preset's, else closekit's: reconnect)
 *
 * So anything the app or its preset says about a code wins over closekit's
 * table, and `default` only decides codes that nobody names.
 *
 * Counters: `context.attempt` (failed attempts before this close) and
 * `context.reauthAttempt` count as 0 when the connection stayed open for
 * `resetAfterMs` or longer. `maxAttempts` (the rule's, else the policy's)
 * counts connection attempts in a row, the first one included: once the
 * close of attempt number `maxAttempts` arrives, the decision is `stop` with
 * cause `max-attempts` (so `maxAttempts: 3` makes exactly three sockets); a reauth after `maxReauth` re-authentications becomes `stop`
 * with cause `reauth-exhausted`. `decide` never returns the causes `client` or
 * `reauth-failed`: those come from the socket.
 *
 * @example
 * const policy = createPolicy({ codes: AppCodes, rules: { TokenExpired: 'reauth', '4100-4199': 'reconnect' }, maxAttempts: 10 });
 * policy.decide(classify(event, { codes: AppCodes }), { attempt: 2 });
 * // { action: 'reconnect', delayMs: 1234, attempt: 3, rule: { source: 'range', key: '4100-4199', origin: 'app', … } }
 */
export function createPolicy<M extends CloseCodeMap = CloseCodeMap>(options?: PolicyOptions<M>): Policy<keyof M & string> {
  const given: Record<string, unknown> = options === undefined ? {} : isRecord(options) ? options : policyCheck.fail('options', options, __DEV__ ? 'an options object' : '');
  const set = policyCheck.fields(given, optionSpec, '') as Omit<PolicyOptions<M>, 'rules' | 'default' | 'preset' | 'random'> & { preset?: unknown };
  const random = policyCheck.check<RandomSource>(given['random'] ?? Math.random, isFunction, 'random');
  const { codes, preset, maxReauth = DEFAULT_MAX_REAUTH, resetAfterMs = DEFAULT_RESET_AFTER_MS } = set;
  let policyMaxAttempts = set.maxAttempts ?? Infinity;
  const base = { backoff: resolveBackoff(set.backoff), appBackoff: set.backoff, names: codes?.names ?? [], codes: codes?.codes ?? {} };

  const table: Table = {};
  normalizeTable(given, '', { ...base, origin: 'app' }, table);
  let presetName = '';
  if (preset !== undefined) {
    if (!isRecord(preset)) policyCheck.fail('preset', preset, __DEV__ ? "a preset such as pusher from 'closekit/presets'" : '');
    // A protocol profile also carries `protocols`, `heartbeat`, `queue` and its compiled `policy`: the socket reads those.
    const fields = policyCheck.fields(preset, { name: 0, rules: 0, default: 0, maxAttempts: optionSpec.maxAttempts, protocols: 0, heartbeat: 0, queue: 0, policy: 0 }, 'preset.');
    policyMaxAttempts = set.maxAttempts ?? (fields['maxAttempts'] as number | undefined) ?? Infinity;
    presetName = policyCheck.check(preset['name'], [(name) => typeof name === 'string' && name.trim() !== '', __DEV__ ? 'a non-empty string' : ''], 'preset.name');
    normalizeTable(preset, 'preset.', { ...base, origin: 'preset' }, table);
  }
  normalizeTable({ rules: defaultRules, default: defaultRule }, 'closekit.', { ...base, origin: 'defaults' }, table);
  // Lookup order; among ranges the narrowest first, and equal widths by lower bound so the order is stable.
  const entries = Object.values(table).sort((a, b) => a.rank - b.rank || a.max - a.min - (b.max - b.min) || a.min - b.min);

  const lookup = (code: number): Entry => {
    const name = codes?.nameOf(code);
    // classify's kind from the same rangeOf, without building a whole result: a band named like a
    // kind is that kind, but for 1004, unnamed in the standard band (test/policy/lookup.test.ts checks every band).
    const range = rangeOf(code);
    const kind = kinds.includes(range as CloseKind) && (range !== 'standard' || nameOfCode(code)) ? range : 'reserved';
    return entries.find(({ matched: { source, key }, min, max }) =>
      // A name stands for exactly one code, so the app's name rule outranks a preset's rule for that code.
      source === 'name' ? key === name : source === 'kind' ? key === kind : source === 'default' || (Number.isInteger(code) && code >= min && code <= max),
    ) as Entry;
  };

  // The effective table in lookup order: a code or name rule is listed when it is the one that decides its code.
  const rules = entries.filter((entry) => !/code|name/.test(entry.matched.source) || lookup(entry.min) === entry).map((entry) => entry.matched);

  return policyFrom({ lookup, rules, maxAttempts: policyMaxAttempts, maxReauth, resetAfterMs, random, nameOf: (code) => codes?.nameOf(code), presetName });
}
