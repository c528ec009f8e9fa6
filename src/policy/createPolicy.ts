import { computeDelay, resolveBackoff } from '../backoff';
import { classify, type CloseResult } from '../classify';
import { nameOfCode, type CloseCodeMap } from '../codes';
import type { RandomSource } from '../environment';
import { checkKeys, checkNumber, fail, isRecord } from './check';
import { defaultRule, defaultRules } from './defaults';
import { fillTable, newTable, normalizeRule, type Entry, type NormalizeSettings, type Table } from './normalize';
import type { Decision, MatchedRule, Policy, PolicyContext, PolicyOptions } from './types';

/**
 * The rule behind a stop the app asked for (`close()`); the socket puts it on
 * its own `stop` decisions with cause `client`.
 */
export const clientStopRule: MatchedRule = /* @__PURE__ */ Object.freeze({
  source: 'client',
  key: 'close()',
  origin: 'client',
  rule: /* @__PURE__ */ Object.freeze({ action: 'stop' }),
});

// Reads a field without trusting the object: getters may throw, values may be anything.
function field(object: unknown, key: string): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

// Counters come from the app's own bookkeeping: anything odd counts as 0.
function count(value: unknown): number {
  return typeof value === 'number' && value > 0 && value < Infinity ? Math.floor(value) : 0;
}

/**
 * Builds a pure decision engine from `options`, validating every option up
 * front: a bad one throws a `PolicyError` whose `option` names it (e.g.
 * `rules.4200-4100`, `backoff.factor`) and whose message says what is valid.
 *
 * How a close finds its rule, most specific first. The app's `rules` and the
 * `preset`'s are searched together, and at each step the app's rule wins:
 *
 * 1. exact code (`4001`), then app code name (`Unauthorized`, with the `codes`
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
 * const policy = createPolicy({ codes: AppCodes, rules: { Unauthorized: 'reauth', '4100-4199': 'reconnect' }, maxAttempts: 10 });
 * policy.decide(classify(event, { codes: AppCodes }), { attempt: 2 });
 * // { action: 'reconnect', delayMs: 1234, attempt: 3, rule: { source: 'range', key: '4100-4199', origin: 'app', … } }
 */
export function createPolicy<M extends CloseCodeMap = CloseCodeMap>(options?: PolicyOptions<M>): Policy<keyof M & string> {
  const given: Record<string, unknown> = options === undefined ? {} : isRecord(options) ? options : fail('options', options, 'an options object, or nothing for the defaults');
  checkKeys(given, ['codes', 'rules', 'default', 'backoff', 'maxAttempts', 'maxReauth', 'resetAfterMs', 'preset', 'random'], '');
  const { codes, preset } = given;
  const random = (given['random'] ?? Math.random) as RandomSource;
  if (typeof random !== 'function') fail('random', random, 'a function returning a number in [0, 1), such as Math.random');
  const nameOf = field(codes, 'nameOf');
  const names = field(codes, 'names');
  if (codes !== undefined && (typeof nameOf !== 'function' || !Array.isArray(names))) fail('codes', codes, 'a contract made by defineCloseCodes({ Unauthorized: 4001, … })');
  const nameOfCodeInContract = (code: number): string | undefined => {
    const name: unknown = Number.isInteger(code) && typeof nameOf === 'function' ? nameOf.call(codes, code) : undefined;
    return typeof name === 'string' ? name : undefined;
  };
  const maxReauth = given['maxReauth'] === undefined ? 2 : checkNumber(given['maxReauth'], 'maxReauth', 0, true);
  const resetAfterMs = given['resetAfterMs'] === undefined ? 5000 : checkNumber(given['resetAfterMs'], 'resetAfterMs', 0, given['resetAfterMs'] === Infinity, 'a number of milliseconds ≥ 0 (Infinity: never reset)');
  const settings: NormalizeSettings = {
    backoff: resolveBackoff(given['backoff']),
    maxAttempts: given['maxAttempts'] === undefined ? Infinity : checkNumber(given['maxAttempts'], 'maxAttempts', 1, true),
    names: (names as string[] | undefined) ?? [],
    appBackoffKeys: isRecord(given['backoff']) ? Object.keys(given['backoff']) : [],
  };

  const app = newTable('app');
  const fromPreset = newTable('preset');
  const defaults = newTable('defaults');
  const load = (table: Table, source: Record<string, unknown>, path: string, defaultPath: string): void => {
    fillTable(table, source['rules'], `${path}rules`, settings);
    const fallback = source['default'];
    if (fallback !== undefined) table.fallback = normalizeRule(fallback, defaultPath, 'default', 'default', table.origin, settings);
  };
  load(app, given, '', 'default');
  let presetName = '';
  if (preset !== undefined) {
    if (!isRecord(preset)) fail('preset', preset, "a Preset such as pusher from 'closekit/presets' ({ name, rules, default? })");
    checkKeys(preset, ['name', 'rules', 'default'], 'preset.');
    presetName = preset['name'] as string;
    if (typeof presetName !== 'string' || presetName.trim() === '') fail('preset.name', presetName, "a non-empty string naming the protocol, e.g. 'pusher'");
    if (preset['rules'] === undefined) fail('preset.rules', undefined, "an object of rules, e.g. { '4100-4199': 'reconnect' }");
    load(fromPreset, preset, 'preset.', 'preset.default');
  }
  load(defaults, { rules: defaultRules, default: defaultRule }, 'closekit.', 'closekit.default');
  const fallback = (app.fallback ?? fromPreset.fallback ?? defaults.fallback) as Entry;
  const tables = [app, fromPreset];

  const lookup = (code: number): Entry => {
    const name = nameOfCodeInContract(code);
    // A name stands for exactly one code, so the app's name rule outranks a preset's rule for that code.
    for (const t of tables) {
      const hit = t.codes.get(code) ?? (name === undefined ? undefined : t.names.get(name));
      if (hit) return hit;
    }
    if (Number.isInteger(code)) {
      for (const t of tables) {
        const hit = t.ranges.find((e) => code >= (e.min as number) && code <= (e.max as number));
        if (hit) return hit;
      }
    }
    const kind = classify({ code }).kind;
    for (const t of tables) {
      const hit = t.kinds.get(kind);
      if (hit) return hit;
    }
    return defaults.codes.get(code) ?? fallback;
  };
  const toCode = (value: unknown): number => (typeof value === 'number' ? value : NaN);

  const decide = (result: CloseResult<keyof M & string>, context?: PolicyContext): Decision => {
    const entry = lookup(toCode(field(result, 'code')));
    const rule = entry.matched;
    const action = rule.rule.action;
    if (action === 'stop') return { action, cause: 'policy', rule };
    let attempt = count(field(context, 'attempt'));
    let reauthAttempt = count(field(context, 'reauthAttempt'));
    const uptimeMs = count(field(context, 'uptimeMs'));
    // Only a connection that really stayed open earns a fresh start.
    if (uptimeMs > 0 && uptimeMs >= resetAfterMs) attempt = reauthAttempt = 0;
    if (action === 'reauth' && reauthAttempt >= maxReauth) return { action: 'stop', cause: 'reauth-exhausted', rule };
    // `attempt` failed before this close, and this close ends one more: maxAttempts counts
    // connection attempts in a row, the first included (maxAttempts: 3 → three sockets, then stop).
    if (attempt + 1 >= entry.maxAttempts) return { action: 'stop', cause: 'max-attempts', rule };
    const next = (action === 'reauth' ? reauthAttempt : attempt) + 1;
    const delayMs = entry.delayMs ?? computeDelay(next, entry.backoff, random, count(field(context, 'previousDelayMs')));
    return { action, delayMs: Math.round(delayMs), attempt: next, rule };
  };

  // The effective table in lookup order: a code or name rule is listed when it is the one that
  // decides its code; a range or kind when no earlier table has the same key.
  const rules: MatchedRule[] = [];
  const seen = new Set<string>();
  const listExact = (entries: [number, Entry][]): void => {
    for (const [code, entry] of entries.sort((a, b) => a[0] - b[0])) if (lookup(code) === entry) rules.push(entry.matched);
  };
  const listKeyed = (entries: Iterable<Entry>): void => {
    for (const { matched } of entries) {
      const id = matched.source + matched.key;
      if (!seen.has(id)) rules.push(matched);
      seen.add(id);
    }
  };
  for (const t of tables) {
    listExact([...t.codes]);
    listExact([...t.names].map(([name, entry]): [number, Entry] => [toCode(field(field(codes, 'codes'), name)), entry]));
  }
  for (const t of tables) listKeyed(t.ranges);
  for (const t of tables) listKeyed(t.kinds.values());
  listExact([...defaults.codes]);
  rules.push(fallback.matched);

  const explain = (input: number): string => {
    const code = toCode(input);
    const entry = lookup(code);
    const { source, key, origin, rule } = entry.matched;
    const name = nameOfCodeInContract(code) ?? (Number.isInteger(code) ? nameOfCode(code) : undefined);
    const floor = entry.backoff.minMs;
    const how =
      rule.action === 'stop' ? ''
      : entry.delayMs === 0 ? ' at once'
      : entry.delayMs !== undefined ? ` after ${Math.round(entry.delayMs)} ms`
      : ` with backoff${floor > 0 ? ` (at least ${floor} ms)` : ''}`;
    const whose = origin === 'app' ? 'app rule' : origin === 'preset' ? `preset '${presetName}' rule` : 'closekit default';
    const what = source === 'default' ? 'codes no rule names' : `${source} ${source === 'name' || source === 'kind' ? `'${key}'` : key}`;
    return `${code}${name === undefined ? '' : ` ${name}`} → ${rule.action}${how} (${whose} for ${what}).`;
  };

  return Object.freeze({ decide, explain, rules: Object.freeze(rules) });
}
