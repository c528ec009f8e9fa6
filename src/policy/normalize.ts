// Checks every policy option once and turns it into lookup tables, so that
// `decide` never has to validate anything.
import { resolveBackoff, type ResolvedBackoff } from '../backoff';
import type { CloseKind } from '../classify';
import { PolicyError, show } from '../errors';
import { didYouMean } from './hint';
import type { Action, MatchedRule, RuleObject, RuleSource } from './types';

/** A rule with everything `decide` needs already worked out. */
export interface Entry {
  readonly matched: MatchedRule;
  readonly backoff: ResolvedBackoff;
  readonly maxAttempts: number;
  readonly delayMs: number | undefined;
}

export interface RangeEntry extends Entry {
  readonly min: number;
  readonly max: number;
}

/** One origin's rules (the app's, the preset's or closekit's), split by key type. */
export interface Table {
  readonly origin: MatchedRule['origin'];
  readonly codes: Map<number, Entry>;
  readonly names: Map<string, Entry>;
  /** Narrowest first, so the first match is the most specific. */
  readonly ranges: RangeEntry[];
  readonly kinds: Map<string, Entry>;
  fallback: Entry | undefined;
}

export const ACTIONS: readonly Action[] = ['reconnect', 'reauth', 'stop'];
export const KINDS: readonly CloseKind[] = ['standard', 'library', 'application', 'reserved', 'invalid'];
const RULE_KEYS: readonly string[] = ['action', 'backoff', 'maxAttempts', 'delayMs'];
/** The highest code a range may reach; codes from 5000 up are `invalid` (key them by that kind). */
export const MAX_RANGE_CODE = 4999;
/** The highest code a close frame can carry (16 bits). */
export const MAX_CODE = 65535;

export interface NormalizeSettings {
  readonly backoff: ResolvedBackoff;
  readonly maxAttempts: number;
  /** The app contract's names, for rules keyed by name. */
  readonly names: readonly string[];
}

function actionList(): string {
  return ACTIONS.map((a) => `'${a}'`).join(', ');
}

/** A positive whole number of attempts, or Infinity. */
export function checkLimit(value: unknown, path: string, min: number): number {
  if (typeof value === 'number' && (value === Infinity || (Number.isInteger(value) && value >= min))) return value;
  throw new PolicyError(path, value, `${path} must be a whole number ≥ ${min}, or Infinity for no limit; got ${show(value)}.`);
}

export function newTable(origin: Table['origin']): Table {
  return { origin, codes: new Map(), names: new Map(), ranges: [], kinds: new Map(), fallback: undefined };
}

/** Checks one rule (a string or an object) and resolves its backoff. */
export function normalizeRule(
  value: unknown,
  path: string,
  where: { readonly source: RuleSource; readonly key: string; readonly origin: MatchedRule['origin'] },
  settings: NormalizeSettings,
): Entry {
  let rule: RuleObject;
  if (typeof value === 'string') {
    if (!ACTIONS.includes(value as Action)) {
      throw new PolicyError(path, value, `${path} must be one of ${actionList()} or an object { action, backoff?, maxAttempts?, delayMs? }; got ${show(value)}.`);
    }
    rule = Object.freeze({ action: value as Action });
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const given = value as Record<string, unknown>;
    for (const key of Object.keys(given)) {
      if (!RULE_KEYS.includes(key)) {
        throw new PolicyError(`${path}.${key}`, given[key], `${path}.${key} is not a rule option; a rule object may have ${RULE_KEYS.join(', ')}.${didYouMean(key, RULE_KEYS)}`);
      }
    }
    if (!ACTIONS.includes(given['action'] as Action)) {
      throw new PolicyError(`${path}.action`, given['action'], `${path}.action must be one of ${actionList()}; got ${show(given['action'])}.`);
    }
    const copy: { -readonly [K in keyof RuleObject]: RuleObject[K] } = { action: given['action'] as Action };
    if (given['maxAttempts'] !== undefined) copy.maxAttempts = checkLimit(given['maxAttempts'], `${path}.maxAttempts`, 1);
    if (given['delayMs'] !== undefined) {
      const delay = given['delayMs'];
      if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0) {
        throw new PolicyError(`${path}.delayMs`, delay, `${path}.delayMs must be a finite number of milliseconds ≥ 0 (0 = retry at once); got ${show(delay)}.`);
      }
      copy.delayMs = delay;
    }
    if (given['backoff'] !== undefined) {
      if (copy.delayMs !== undefined) {
        throw new PolicyError(`${path}.backoff`, given['backoff'], `${path} has both delayMs and backoff; a fixed delayMs replaces backoff, so give one or the other.`);
      }
      const backoff = given['backoff'];
      if (backoff === null || typeof backoff !== 'object' || Array.isArray(backoff)) resolveBackoff(backoff, settings.backoff, `${path}.backoff`);
      copy.backoff = Object.freeze({ ...(backoff as object) });
    }
    rule = Object.freeze(copy);
  } else {
    throw new PolicyError(path, value, `${path} must be one of ${actionList()} or an object { action, backoff?, maxAttempts?, delayMs? }; got ${show(value)}.`);
  }
  let backoff = settings.backoff;
  if (rule.backoff !== undefined) {
    // A floor from closekit's table or a preset (1013) gives way to a lower cap the app chose, rather than failing its options.
    const own = where.origin !== 'app' && typeof rule.backoff.minMs === 'number'
      ? { ...rule.backoff, minMs: Math.min(rule.backoff.minMs, typeof rule.backoff.maxMs === 'number' ? rule.backoff.maxMs : settings.backoff.maxMs) }
      : rule.backoff;
    backoff = resolveBackoff(own, settings.backoff, `${path}.backoff`);
  }
  return Object.freeze({
    matched: Object.freeze({ source: where.source, key: where.key, origin: where.origin, rule }),
    backoff,
    maxAttempts: rule.maxAttempts ?? settings.maxAttempts,
    delayMs: rule.delayMs,
  });
}

const RANGE = /^(\d+)-(\d+)$/;

/** Checks every key and rule of a rules object and files them into `table`. */
export function fillTable(table: Table, rules: unknown, path: string, settings: NormalizeSettings): void {
  if (rules === undefined) return;
  if (rules === null || typeof rules !== 'object' || Array.isArray(rules)) {
    throw new PolicyError(path, rules, `${path} must be an object mapping a code, name, range or kind to a rule, e.g. { 4001: 'reauth', '4100-4199': 'reconnect' }; got ${show(rules)}.`);
  }
  const given = rules as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    const rulePath = `${path}.${key}`;
    const value = given[key];
    const origin = table.origin;
    if (/^\d+$/.test(key)) {
      const code = Number(key);
      if (String(code) !== key || code > MAX_CODE) {
        throw new PolicyError(rulePath, value, `${rulePath}: a code key must be a whole number from 0 to ${MAX_CODE} written without leading zeros; got ${show(key)}.`);
      }
      table.codes.set(code, normalizeRule(value, rulePath, { source: 'code', key, origin }, settings));
      continue;
    }
    const range = RANGE.exec(key);
    if (range !== null) {
      const min = Number(range[1]);
      const max = Number(range[2]);
      if (min > max) {
        throw new PolicyError(rulePath, key, `${rulePath}: the range is inverted; write the lower code first, e.g. '${max}-${min}'.`);
      }
      if (max > MAX_RANGE_CODE) {
        throw new PolicyError(rulePath, key, `${rulePath}: a range must lie within 0-${MAX_RANGE_CODE}; codes from 5000 up are 'invalid', so use the 'invalid' kind or an exact code for them.`);
      }
      const entry = normalizeRule(value, rulePath, { source: 'range', key, origin }, settings);
      table.ranges.push(Object.freeze({ ...entry, min, max }));
      continue;
    }
    if (/^[\d\s-]+$/.test(key)) {
      throw new PolicyError(rulePath, key, `${rulePath}: a malformed range; write it as two codes joined by a hyphen, e.g. '4100-4199'.`);
    }
    if (settings.names.includes(key)) {
      table.names.set(key, normalizeRule(value, rulePath, { source: 'name', key, origin }, settings));
      continue;
    }
    if (KINDS.includes(key as CloseKind)) {
      table.kinds.set(key, normalizeRule(value, rulePath, { source: 'kind', key, origin }, settings));
      continue;
    }
    const names = settings.names.length > 0 ? `, a name from the codes contract (${settings.names.join(', ')})` : ' or, with the codes option, a name from your contract';
    throw new PolicyError(
      rulePath,
      key,
      `${rulePath}: ${show(key)} is not a rule key; use a code (4001), a range ('4100-4199'), a kind (${KINDS.join(', ')})${names}.${didYouMean(key, [...KINDS, ...settings.names])}`,
    );
  }
  // Narrowest range first; equal widths by lower bound, so the order is stable.
  table.ranges.sort((a, b) => a.max - a.min - (b.max - b.min) || a.min - b.min);
}
