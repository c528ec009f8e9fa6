// Checks every rule once and files it into lookup tables, so that `decide`
// never has to validate anything.
import { resolveBackoff, type ResolvedBackoff } from '../backoff';
import type { CloseKind } from '../classify';
import { checkKeys, checkNumber, checkOneOf, fail, isRecord } from './check';
import type { Action, MatchedRule, RuleObject, RuleSource } from './types';

/** A rule with everything `decide` needs already worked out. */
export interface Entry {
  readonly matched: MatchedRule;
  readonly backoff: ResolvedBackoff;
  readonly maxAttempts: number;
  readonly delayMs: number | undefined;
  /** Inclusive bounds, for range rules only. */
  readonly min?: number;
  readonly max?: number;
}

/** One origin's rules (the app's, the preset's or closekit's), split by key type. */
export interface Table {
  readonly origin: MatchedRule['origin'];
  readonly codes: Map<number, Entry>;
  readonly names: Map<string, Entry>;
  /** Narrowest first, so the first match is the most specific. */
  readonly ranges: Entry[];
  readonly kinds: Map<string, Entry>;
  fallback?: Entry;
}

export interface NormalizeSettings {
  readonly backoff: ResolvedBackoff;
  readonly maxAttempts: number;
  /** The app contract's names, for rules keyed by name. */
  readonly names: readonly string[];
  /** The fields the app set in its own `backoff` option: closekit's per-code tuning gives way to them. */
  readonly appBackoffKeys: readonly string[];
}

const ACTIONS: readonly Action[] = ['reconnect', 'reauth', 'stop'];
const KINDS: readonly CloseKind[] = ['standard', 'library', 'application', 'reserved', 'invalid'];
const RULE_KEYS: readonly string[] = ['action', 'backoff', 'maxAttempts', 'delayMs'];
const RULE_SHAPE = ' or an object { action, backoff?, maxAttempts?, delayMs? }';

export function newTable(origin: Table['origin']): Table {
  return { origin, codes: new Map(), names: new Map(), ranges: [], kinds: new Map() };
}

/**
 * closekit's and a preset's per-code backoff tuning (1012's wide first window, 1013's floor)
 * adapts to the app's own `backoff` rather than failing its options: closekit's defaults fill in
 * only the fields the app left unset, and a floor or first delay never exceeds the cap in force.
 */
function yieldToApp(own: Record<string, unknown>, origin: Table['origin'], base: ResolvedBackoff, appKeys: readonly string[]): Record<string, unknown> {
  const tuned: Record<string, unknown> = { ...own };
  if (origin === 'defaults') for (const key of appKeys) delete tuned[key];
  const cap = typeof tuned['maxMs'] === 'number' ? tuned['maxMs'] : base.maxMs;
  for (const key of ['minMs', 'initialMs']) if (typeof tuned[key] === 'number') tuned[key] = Math.min(tuned[key] as number, cap);
  return tuned;
}

/** Checks one rule (an action or a rule object) and resolves its backoff. */
export function normalizeRule(value: unknown, path: string, source: RuleSource, key: string, origin: Table['origin'], settings: NormalizeSettings): Entry {
  let rule: RuleObject;
  let backoff = settings.backoff;
  if (isRecord(value)) {
    checkKeys(value, RULE_KEYS, `${path}.`);
    const copy: { -readonly [K in keyof RuleObject]: RuleObject[K] } = { action: checkOneOf(value['action'], ACTIONS, `${path}.action`) };
    if (value['maxAttempts'] !== undefined) copy.maxAttempts = checkNumber(value['maxAttempts'], `${path}.maxAttempts`, 1, true);
    if (value['delayMs'] !== undefined) copy.delayMs = checkNumber(value['delayMs'], `${path}.delayMs`, 0);
    const own = value['backoff'];
    if (own !== undefined) {
      const at = `${path}.backoff`;
      if (copy.delayMs !== undefined) fail(at, own, 'left out: a fixed delayMs replaces backoff, so give one or the other');
      if (!isRecord(own)) return fail(at, own, "an object such as { initialMs: 500, maxMs: 30000, factor: 2, jitter: 'full' }");
      copy.backoff = Object.freeze({ ...(own as object) });
      backoff = resolveBackoff(origin === 'app' ? own : yieldToApp(own, origin, backoff, settings.appBackoffKeys), backoff, at);
    }
    rule = Object.freeze(copy);
  } else {
    rule = Object.freeze({ action: checkOneOf(value, ACTIONS, path, RULE_SHAPE) });
  }
  return {
    matched: Object.freeze({ source, key, origin, rule }),
    backoff,
    maxAttempts: rule.maxAttempts ?? settings.maxAttempts,
    delayMs: rule.delayMs,
  };
}

/** Checks every key and rule of a rules object and files them into `table`. */
export function fillTable(table: Table, rules: unknown, path: string, settings: NormalizeSettings): void {
  if (rules === undefined) return;
  if (!isRecord(rules)) fail(path, rules, "an object mapping a code, name, range or kind to a rule, e.g. { 4001: 'reauth', '4100-4199': 'reconnect' }");
  const { origin } = table;
  for (const key of Object.keys(rules)) {
    const at = `${path}.${key}`;
    const value = rules[key];
    const range = /^(\d+)-(\d+)$/.exec(key);
    if (/^\d+$/.test(key)) {
      const code = Number(key);
      if (String(code) !== key || code > 65535) fail(at, key, 'a code from 0 to 65535 written without leading zeros');
      table.codes.set(code, normalizeRule(value, at, 'code', key, origin, settings));
    } else if (range !== null) {
      const min = Number(range[1]);
      const max = Number(range[2]);
      // Codes from 5000 up are 'invalid': key them by that kind or by exact code.
      if (min > max || max > 4999) fail(at, key, `a range 'low-high' within 0-4999, lower code first (e.g. '${Math.min(min, max)}-${Math.min(Math.max(min, max), 4999)}'); use the 'invalid' kind for codes from 5000 up`);
      table.ranges.push({ ...normalizeRule(value, at, 'range', key, origin, settings), min, max });
    } else if (settings.names.includes(key)) {
      table.names.set(key, normalizeRule(value, at, 'name', key, origin, settings));
    } else if (KINDS.includes(key as CloseKind)) {
      table.kinds.set(key, normalizeRule(value, at, 'kind', key, origin, settings));
    } else {
      const names = settings.names.length > 0 ? `, a name from the codes contract (${settings.names.join(', ')})` : ', or (with the codes option) a name from your contract';
      fail(at, key, `a code (4001), a range of two codes joined by a hyphen ('4100-4199'), a kind (${KINDS.join(', ')})${names}`);
    }
  }
  // Narrowest range first; equal widths by lower bound, so the order is stable.
  table.ranges.sort((a, b) => (a.max as number) - (a.min as number) - ((b.max as number) - (b.min as number)) || (a.min as number) - (b.min as number));
}
