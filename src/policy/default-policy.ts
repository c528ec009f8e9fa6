// closekit's default policy, ready made: the table in defaults.ts filed by
// code once, without the rule compiler (createPolicy.ts and normalize.ts). createPolicy() with no
// options decides exactly the same (test/policy/default-policy.test.ts
// checks every code), so a socket without rules shares this one policy
// instead of bundling and running the compiler.
import { DEFAULT_BACKOFF } from '../backoff';
import type { RandomSource } from '../environment';
import { DEFAULT_MAX_REAUTH, DEFAULT_RESET_AFTER_MS, defaultRule, defaultRules } from './defaults';
import { policyFrom, type Entry } from './engine';
import type { MatchedRule, Policy, Rule, RuleObject, RuleSource } from './types';

function entry(rule: Rule, source: RuleSource, key: string): Entry {
  // The normalised form createPolicy gives (closekit's own rules are already in its field order), frozen.
  const given: { -readonly [K in keyof RuleObject]: RuleObject[K] } = typeof rule === 'string' ? { action: rule } : { ...rule };
  const own = given.backoff;
  if (own) given.backoff = Object.freeze({ ...own });
  return { matched: Object.freeze({ source, key, origin: 'defaults', rule: Object.freeze(given) }), backoff: own ? Object.freeze({ ...DEFAULT_BACKOFF, ...own }) : DEFAULT_BACKOFF };
}

interface DefaultTable {
  readonly byCode: Readonly<Record<number, Entry>>;
  readonly fallback: Entry;
  readonly rules: readonly MatchedRule[];
}

function buildTable(): DefaultTable {
  const byCode: Record<number, Entry> = {};
  const rules: MatchedRule[] = [];
  // Integer keys enumerate in ascending order: the order createPolicy lists them in.
  for (const [key, rule] of Object.entries(defaultRules)) {
    const code = Number(key);
    byCode[code] = entry(rule, 'code', key);
    rules.push(byCode[code].matched);
  }
  const fallback = entry(defaultRule, 'default', 'default');
  rules.push(fallback.matched);
  return { byCode, fallback, rules };
}

const table: DefaultTable = /* @__PURE__ */ buildTable();

// Only a whole number can name a code (Object.prototype has no numeric keys, so nothing else is found).
const lookup = (code: number): Entry => (Number.isInteger(code) && table.byCode[code]) || table.fallback;
const noName = (): undefined => undefined;

/** closekit's default policy drawing its jitter from `random` (the socket's `random` option). */
export function defaultPolicyWith(random: RandomSource): Policy {
  return policyFrom({
    lookup,
    rules: table.rules,
    maxAttempts: Infinity,
    maxReauth: DEFAULT_MAX_REAUTH,
    resetAfterMs: DEFAULT_RESET_AFTER_MS,
    random,
    nameOf: noName,
    presetName: '',
  });
}

/**
 * closekit's default policy: the one a socket without a `policy` uses, and
 * what `createPolicy()` without options builds. It needs no rule compiler, so
 * a hand-written policy can fall back to it cheaply (spread it, so that its
 * `explain`, `rules` and `resetAfterMs` come along: the socket resets its
 * counters by that `resetAfterMs`):
 *
 * @example
 * const policy = { ...defaultPolicy, decide: (result, context) => (result.code === 4000 ? myDecision(result) : defaultPolicy.decide(result, context)) };
 */
export const defaultPolicy: Policy = /* @__PURE__ */ defaultPolicyWith(Math.random);
