// The runtime half of every policy: find the rule for a close and turn it into
// a decision. Rules arrive already checked and resolved (createPolicy.ts and
// normalize.ts build them from the app's options; default-policy.ts holds closekit's table ready
// made), so this part never validates anything and a socket without rules
// bundles only this file and the default table.
import { computeDelay, count, type ResolvedBackoff } from '../backoff';
import type { CloseResult } from '../classify';
import { nameOfCode } from '../codes';
import type { RandomSource } from '../environment';
import { delayForHint } from './retry-hint';
import type { Decision, MatchedRule, Policy, PolicyContext, StopCause } from './types';

/** A rule with its backoff worked out. */
export interface Entry {
  readonly matched: MatchedRule;
  readonly backoff: ResolvedBackoff;
}

/** Everything a policy needs at run time, worked out once. */
export interface PolicyParts {
  /** The entry deciding `code` (any number, NaN included). */
  readonly lookup: (code: number) => Entry;
  /** The effective table in lookup order. */
  readonly rules: readonly MatchedRule[];
  readonly maxAttempts: number;
  readonly maxReauth: number;
  readonly resetAfterMs: number;
  readonly random: RandomSource;
  /** The app contract's name for a code, if any (for `explain`). */
  readonly nameOf: (code: number) => string | undefined;
  /** The preset's name, for `explain`; '' without one. */
  readonly presetName: string;
}

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

/** Reads a field without trusting the object: getters may throw, values may be anything. */
export function read(object: unknown, key: string): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

const toCode = (value: unknown): number => (typeof value === 'number' ? value : NaN);

/** A frozen {@link Policy} over `parts`: `decide` is pure apart from `random` and never throws. */
export function policyFrom<N extends string>(parts: PolicyParts): Policy<N> {
  const { lookup, maxReauth, resetAfterMs, random } = parts;

  const decide = (result: CloseResult<N>, context?: PolicyContext): Decision => {
    const { matched: rule, backoff } = lookup(toCode(read(result, 'code')));
    const { action, maxAttempts = parts.maxAttempts, delayMs } = rule.rule;
    if (action === 'stop') return { action, cause: 'policy', rule };
    let attempt = count(read(context, 'attempt'));
    let reauthAttempt = count(read(context, 'reauthAttempt'));
    let previousDelayMs = count(read(context, 'previousDelayMs'));
    const uptimeMs = count(read(context, 'uptimeMs'));
    // Only a connection that really stayed open earns a fresh start: decorrelated jitter starts over too.
    if (uptimeMs > 0 && uptimeMs >= resetAfterMs) attempt = reauthAttempt = previousDelayMs = 0;
    // `attempt` failed before this close, and this close ends one more: maxAttempts counts
    // connection attempts in a row, the first included (maxAttempts: 3 → three sockets, then stop).
    const cause: StopCause | undefined = action === 'reauth' && reauthAttempt >= maxReauth ? 'reauth-exhausted' : attempt + 1 >= maxAttempts ? 'max-attempts' : undefined;
    if (cause) return { action: 'stop', cause, rule };
    const next = (action === 'reauth' ? reauthAttempt : attempt) + 1;
    const delay = Math.round(delayMs ?? computeDelay(next, backoff, random, previousDelayMs));
    // A server's retry hint (docs/retry-hints.md) holds a reconnect back, within the cap.
    return { action, delayMs: action === 'reconnect' ? delayForHint(read(result, 'retryAfterMs'), delay, backoff, random) : delay, attempt: next, rule };
  };

  const explain = (input: number): string => {
    const code = toCode(input);
    const { matched, backoff } = lookup(code);
    const { source, key, origin, rule } = matched;
    const { delayMs } = rule;
    const name = parts.nameOf(code) ?? nameOfCode(code);
    const how =
      rule.action === 'stop'
        ? ''
        : delayMs === 0
          ? ' at once'
          : delayMs !== undefined
            ? ` after ${Math.round(delayMs)} ms`
            : ` with backoff${backoff.minMs > 0 ? ` (at least ${backoff.minMs} ms)` : ''}`;
    const whose = origin === 'app' ? 'app rule' : origin === 'preset' ? `preset '${parts.presetName}' rule` : 'closekit default';
    const what = source === 'default' ? 'codes no rule names' : `${source} ${/name|kind/.test(source) ? `'${key}'` : key}`;
    return `${code}${name === undefined ? '' : ` ${name}`} → ${rule.action}${how} (${whose} for ${what}).`;
  };

  return Object.freeze({ decide, explain, rules: Object.freeze(parts.rules), resetAfterMs });
}
