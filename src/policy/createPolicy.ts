import { computeDelay, resolveBackoff } from '../backoff';
import { classify, type CloseResult } from '../classify';
import { nameOfCode, type CloseCodeMap } from '../codes';
import type { RandomSource } from '../environment';
import { PolicyError, show } from '../errors';
import { defaultRule, defaultRules } from './defaults';
import { didYouMean } from './hint';
import { checkLimit, fillTable, newTable, normalizeRule, type Entry, type NormalizeSettings, type Table } from './normalize';
import type { Decision, MatchedRule, Policy, PolicyContext, PolicyOptions } from './types';

const OPTION_KEYS: readonly string[] = ['codes', 'rules', 'default', 'backoff', 'maxAttempts', 'maxReauth', 'resetAfterMs', 'preset', 'random'];
const PRESET_KEYS: readonly string[] = ['name', 'rules', 'default'];

/**
 * The rule behind a stop the app asked for (`close()`); the socket puts it on
 * its own `stop` decisions with cause `client`.
 */
export const clientStopRule: MatchedRule = Object.freeze({
  source: 'client',
  key: 'close()',
  origin: 'client',
  rule: Object.freeze({ action: 'stop' }),
});

// Reads a field without trusting the object: getters may throw, values may be anything.
function field(object: unknown, key: string): unknown {
  if (object === null || (typeof object !== 'object' && typeof object !== 'function')) return undefined;
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function checkOptions(options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new PolicyError('options', options, `createPolicy expects an options object (or nothing for the defaults); got ${show(options)}.`);
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new PolicyError(key, given[key], `${key} is not a policy option; valid options are ${OPTION_KEYS.join(', ')}.${didYouMean(key, OPTION_KEYS)}`);
    }
  }
  return given;
}

function contractNames(codes: unknown): { names: readonly string[]; nameOf: ((code: number) => unknown) | undefined } {
  if (codes === undefined) return { names: [], nameOf: undefined };
  const nameOf = field(codes, 'nameOf');
  const names = field(codes, 'names');
  if (typeof nameOf !== 'function' || !Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
    throw new PolicyError('codes', codes, `codes must be a contract made by defineCloseCodes({ Unauthorized: 4001, … }); got ${show(codes)}.`);
  }
  return { names: names as string[], nameOf: (code: number) => (nameOf as (code: number) => unknown).call(codes, code) };
}

function checkPreset(preset: unknown): { name: string; rules: unknown; fallback: unknown } | undefined {
  if (preset === undefined) return undefined;
  if (preset === null || typeof preset !== 'object' || Array.isArray(preset)) {
    throw new PolicyError('preset', preset, `preset must be a Preset such as pusher from 'closekit/presets' ({ name, rules, default? }); got ${show(preset)}.`);
  }
  const given = preset as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!PRESET_KEYS.includes(key)) {
      throw new PolicyError(`preset.${key}`, given[key], `preset.${key} is not part of a preset; a preset has ${PRESET_KEYS.join(', ')}.${didYouMean(key, PRESET_KEYS)}`);
    }
  }
  const name = given['name'];
  if (typeof name !== 'string' || name.trim() === '') {
    throw new PolicyError('preset.name', name, `preset.name must be a non-empty string naming the protocol, e.g. 'pusher'; got ${show(name)}.`);
  }
  if (given['rules'] === undefined) {
    throw new PolicyError('preset.rules', undefined, `preset.rules must be an object of rules, e.g. { '4100-4199': 'reconnect' }; got undefined.`);
  }
  return { name, rules: given['rules'], fallback: given['default'] };
}

function rangeOf(table: Table, code: number): Entry | undefined {
  for (const entry of table.ranges) if (code >= entry.min && code <= entry.max) return entry;
  return undefined;
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
 * `resetAfterMs` or longer. A reconnect or reauth that would exceed
 * `maxAttempts` (the rule's, else the policy's) becomes `stop` with cause
 * `max-attempts`; a reauth after `maxReauth` re-authentications becomes `stop`
 * with cause `reauth-exhausted`. `decide` never returns the causes `client` or
 * `reauth-failed`: those come from the socket.
 *
 * @example
 * const policy = createPolicy({ codes: AppCodes, rules: { Unauthorized: 'reauth', '4100-4199': 'reconnect' }, maxAttempts: 10 });
 * policy.decide(classify(event, { codes: AppCodes }), { attempt: 2 });
 * // { action: 'reconnect', delayMs: 1234, attempt: 3, rule: { source: 'range', key: '4100-4199', origin: 'app', … } }
 */
export function createPolicy<M extends CloseCodeMap = CloseCodeMap>(options?: PolicyOptions<M>): Policy<keyof M & string> {
  const given = checkOptions(options);
  const contract = contractNames(given['codes']);
  const random = given['random'] ?? Math.random;
  if (typeof random !== 'function') {
    throw new PolicyError('random', random, `random must be a function returning a number in [0, 1), such as Math.random; got ${show(random)}.`);
  }
  const maxAttempts = given['maxAttempts'] === undefined ? Infinity : checkLimit(given['maxAttempts'], 'maxAttempts', 1);
  const maxReauth = given['maxReauth'] === undefined ? 2 : checkLimit(given['maxReauth'], 'maxReauth', 0);
  const resetAfterMs = given['resetAfterMs'] ?? 5000;
  if (typeof resetAfterMs !== 'number' || Number.isNaN(resetAfterMs) || resetAfterMs < 0) {
    throw new PolicyError('resetAfterMs', resetAfterMs, `resetAfterMs must be a number of milliseconds ≥ 0 (Infinity: never reset); got ${show(resetAfterMs)}.`);
  }
  const settings: NormalizeSettings = { backoff: resolveBackoff(given['backoff']), maxAttempts, names: contract.names };

  const app = newTable('app');
  fillTable(app, given['rules'], 'rules', settings);
  if (given['default'] !== undefined) {
    app.fallback = normalizeRule(given['default'], 'default', { source: 'default', key: 'default', origin: 'app' }, settings);
  }
  const presetInput = checkPreset(given['preset']);
  const preset = newTable('preset');
  if (presetInput !== undefined) {
    fillTable(preset, presetInput.rules, 'preset.rules', settings);
    if (presetInput.fallback !== undefined) {
      preset.fallback = normalizeRule(presetInput.fallback, 'preset.default', { source: 'default', key: 'default', origin: 'preset' }, settings);
    }
  }
  const defaults = newTable('defaults');
  fillTable(defaults, defaultRules, 'defaultRules', settings);
  defaults.fallback = normalizeRule(defaultRule, 'defaultRule', { source: 'default', key: 'default', origin: 'defaults' }, settings);
  const fallback = (app.fallback ?? preset.fallback ?? defaults.fallback) as Entry;
  const tables = [app, preset];

  const lookup = (code: number): Entry => {
    const appName = Number.isInteger(code) ? contract.nameOf?.(code) : undefined;
    const name = typeof appName === 'string' ? appName : undefined;
    // A name stands for exactly one code, so the app's name rule outranks a preset's rule for that code.
    for (const t of tables) {
      const hit = t.codes.get(code) ?? (name === undefined ? undefined : t.names.get(name));
      if (hit !== undefined) return hit;
    }
    if (Number.isInteger(code)) {
      for (const t of tables) {
        const hit = rangeOf(t, code);
        if (hit !== undefined) return hit;
      }
    }
    const kind = classify({ code }).kind;
    for (const t of tables) {
      const hit = t.kinds.get(kind);
      if (hit !== undefined) return hit;
    }
    return defaults.codes.get(code) ?? fallback;
  };

  const decide = (result: CloseResult<keyof M & string>, context?: PolicyContext): Decision => {
    const rawCode = field(result, 'code');
    const entry = lookup(typeof rawCode === 'number' ? rawCode : NaN);
    const rule = entry.matched;
    const action = rule.rule.action;
    if (action === 'stop') return { action, cause: 'policy', rule };
    let attempt = count(field(context, 'attempt'));
    let reauthAttempt = count(field(context, 'reauthAttempt'));
    const uptimeMs = count(field(context, 'uptimeMs'));
    // Only a connection that really stayed open earns a fresh start.
    if (uptimeMs > 0 && uptimeMs >= resetAfterMs) {
      attempt = 0;
      reauthAttempt = 0;
    }
    if (action === 'reauth' && reauthAttempt >= maxReauth) return { action: 'stop', cause: 'reauth-exhausted', rule };
    if (attempt + 1 > entry.maxAttempts) return { action: 'stop', cause: 'max-attempts', rule };
    const next = action === 'reauth' ? reauthAttempt + 1 : attempt + 1;
    const delayMs = entry.delayMs ?? computeDelay(next, entry.backoff, random as RandomSource, count(field(context, 'previousDelayMs')));
    return { action, delayMs: Math.round(delayMs), attempt: next, rule };
  };

  // The effective table in lookup order: a code or name rule is listed when it is the one that decides
  // its code; a range or kind when no earlier table has the same key.
  const rules: MatchedRule[] = [];
  const seen = new Set<string>();
  const codeOfName = (name: string): number => {
    const code = field(field(given['codes'], 'codes'), name);
    return typeof code === 'number' ? code : NaN;
  };
  const listExact = (entries: Iterable<[number, Entry]>): void => {
    for (const [code, entry] of [...entries].sort((a, b) => a[0] - b[0])) if (lookup(code) === entry) rules.push(entry.matched);
  };
  const listKeyed = (entries: Iterable<Entry>): void => {
    for (const entry of entries) {
      const id = `${entry.matched.source}:${entry.matched.key}`;
      if (!seen.has(id)) rules.push(entry.matched);
      seen.add(id);
    }
  };
  for (const t of tables) {
    listExact(t.codes.entries());
    listExact([...t.names.entries()].map(([name, entry]): [number, Entry] => [codeOfName(name), entry]));
  }
  for (const t of tables) listKeyed(t.ranges);
  for (const t of tables) listKeyed(t.kinds.values());
  listExact(defaults.codes.entries());
  rules.push(fallback.matched);

  const explain = (code: number): string => {
    const entry = lookup(typeof code === 'number' ? code : NaN);
    return explainEntry(typeof code === 'number' ? code : NaN, contract.nameOf, entry, presetInput?.name);
  };

  return Object.freeze({ decide, explain, rules: Object.freeze(rules) });
}

function explainEntry(code: number, nameOf: ((code: number) => unknown) | undefined, entry: Entry, presetName: string | undefined): string {
  const appName = Number.isInteger(code) ? nameOf?.(code) : undefined;
  const name = typeof appName === 'string' ? appName : Number.isInteger(code) ? nameOfCode(code) : undefined;
  const { source, key, origin, rule } = entry.matched;
  let how: string = rule.action;
  if (rule.action !== 'stop') {
    if (entry.delayMs === 0) how += ' at once';
    else if (entry.delayMs !== undefined) how += ` after ${entry.delayMs} ms`;
    else how += entry.backoff.minMs > 0 ? ` with backoff (at least ${entry.backoff.minMs} ms)` : ' with backoff';
  }
  const whose = origin === 'app' ? 'app rule' : origin === 'preset' ? `preset '${presetName ?? ''}' rule` : 'closekit default';
  const what =
    source === 'code' ? `for code ${key}`
    : source === 'name' ? `for name '${key}'`
    : source === 'range' ? `for range ${key}`
    : source === 'kind' ? `for kind '${key}'`
    : 'for codes no rule names';
  return `${String(code)}${name === undefined ? '' : ` ${name}`} → ${how} (${whose} ${what}).`;
}
