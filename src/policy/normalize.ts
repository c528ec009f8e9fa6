// Checks every rule once and files it under one key per rule, so that `decide`
// never has to validate anything.
import { BACKOFF_SHAPE, policyCheck, resolveBackoff, type ResolvedBackoff } from '../backoff';
import { durationCheck, isRecord, numberCheck, oneOf, type Validator } from '../check';
import type { CloseKind } from '../classify';
import type { Entry as RuntimeEntry } from './engine';

const { check, fields: checkFields } = policyCheck;
const fail: Validator['fail'] = policyCheck.fail;
import type { MatchedRule, RuleObject, RuleSource } from './types';

/** A rule with its backoff worked out and its place in the lookup order. */
export interface Entry extends RuntimeEntry {
  /** Place in the lookup order (see `lookupOrder`); 0 is tried first. */
  readonly rank: number;
  /** Inclusive bounds: a range's, a code's (or a name's code) twice, else 0. */
  readonly min: number;
  readonly max: number;
}

/** What every rule of one origin (the app's, the preset's or closekit's) is read with. */
export interface Settings {
  readonly origin: MatchedRule['origin'];
  /** The policy's backoff, which rules without their own use. */
  readonly backoff: ResolvedBackoff;
  /** The app's own `backoff` option: closekit's per-code tuning gives way to the fields it sets. */
  readonly appBackoff: unknown;
  /** The app contract's names and their codes, for rules keyed by name. */
  readonly names: readonly string[];
  readonly codes: Readonly<Record<string, number>>;
}

/** Rules by `source key`: the first table to name a key hides the same key in later tables. */
export type Table = Record<string, Entry>;

const actionList = ['reconnect', 'reauth', 'stop'];
const actions = /* @__PURE__ */ oneOf(actionList);
const actionsOrObject = /* @__PURE__ */ oneOf(actionList, ' or an object with an action');
/** Every `kind` a close can have, for rules keyed by kind. */
export const kinds: readonly CloseKind[] = ['standard', 'library', 'application', 'reserved', 'invalid'];
// In the order a normalised rule lists its fields.
const ruleSpec = { action: 0, maxAttempts: /* @__PURE__ */ numberCheck(1, true), delayMs: /* @__PURE__ */ durationCheck(), backoff: 0 } as const;
// At each step the app's rule is tried before the preset's; closekit's table comes after both.
const lookupOrder = 'app code,app name,preset code,preset name,app range,preset range,app kind,preset kind,defaults code,app default,preset default,defaults default';

/** Checks one rule (an action or a rule object) and resolves its backoff; `min` and `max` bound the codes it is for. */
function normalizeRule(value: unknown, path: string, source: RuleSource, key: string, settings: Settings, min = 0, max = min): Entry {
  const { origin } = settings;
  let { backoff } = settings;
  const isObject = isRecord(value);
  const rule = isObject ? checkFields(value, ruleSpec, `${path}.`) : { action: value };
  check(rule['action'], isObject ? actions : actionsOrObject, isObject ? `${path}.action` : path);
  const own = rule['backoff'];
  if (own !== undefined) {
    const at = `${path}.backoff`;
    if (rule['delayMs'] !== undefined) fail(at, own, __DEV__ ? 'left out when delayMs is set (one or the other)' : '');
    if (!isRecord(own)) fail(at, own, BACKOFF_SHAPE);
    // closekit's and a preset's per-code tuning (1012's wide first window, 1013's floor) adapts to the
    // app's backoff instead of failing it: their fields yield to those the app set (already checked,
    // and already in `backoff`), and a floor or first delay never exceeds the cap in force.
    const tuned: Record<string, unknown> = { ...own, ...(origin !== 'app' && (settings.appBackoff as object)) };
    // Whole milliseconds: a floor must leave one up to a fractional cap (resolveBackoff's rule).
    const cap = Math.floor(typeof tuned['maxMs'] === 'number' ? tuned['maxMs'] : backoff.maxMs);
    if (origin !== 'app') for (const field of ['minMs', 'initialMs']) if (typeof tuned[field] === 'number') tuned[field] = Math.min(tuned[field] as number, cap);
    backoff = resolveBackoff(tuned, backoff, at);
    rule['backoff'] = Object.freeze({ ...own });
  }
  return {
    matched: Object.freeze({ source, key, origin, rule: Object.freeze(rule as unknown as RuleObject) }),
    backoff,
    rank: lookupOrder.indexOf(`${origin} ${source}`),
    min,
    max,
  };
}

/**
 * Checks the `rules` and `default` of one origin (`prefix` is where they sit
 * in the options) and adds each to `table` unless an earlier origin has the key.
 */
export function normalizeTable(source: Record<string, unknown>, prefix: string, settings: Settings, table: Table): void {
  const { rules, default: fallback } = source;
  const { names } = settings;
  const add = (entry: Entry): void => {
    const id = `${entry.matched.source} ${entry.matched.key}`;
    table[id] = table[id] ?? entry;
  };
  if (rules !== undefined || settings.origin === 'preset') {
    if (!isRecord(rules)) fail(`${prefix}rules`, rules, __DEV__ ? "an object of rules, e.g. { 4001: 'reauth' }" : '');
    for (const key of Object.keys(rules)) {
      const at = `${prefix}rules.${key}`;
      const digits = /^(\d+)(?:-(\d+))?$/.exec(key);
      let source: RuleSource = 'kind';
      let min = 0;
      let max = 0;
      if (digits) {
        min = max = Number(digits[1]);
        if (digits[2] === undefined) {
          source = 'code';
          if (String(min) !== key || min > 65535) fail(at, key, __DEV__ ? 'a code from 0 to 65535 without leading zeros' : '');
        } else {
          source = 'range';
          max = Number(digits[2]);
          // Codes from 5000 up are 'invalid': key them by that kind or by exact code.
          if (min > max || max > 4999) fail(at, key, __DEV__ ? `a range within 0-4999, lower code first (e.g. '${Math.min(min, max)}-${Math.min(Math.max(min, max), 4999)}')` : '');
        }
      } else if (names.includes(key)) {
        source = 'name';
        min = max = settings.codes[key] as number;
      } else if (!kinds.includes(key as CloseKind)) {
        fail(at, key, __DEV__ ? `a code (4001), a range ('4100-4199'), a kind (${kinds.join(', ')}) or a name from the codes contract (${names.join(', ') || 'none given'})` : '');
      }
      add(normalizeRule(rules[key], at, source, key, settings, min, max));
    }
  }
  if (fallback !== undefined) add(normalizeRule(fallback, `${prefix}default`, 'default', 'default', settings));
}
