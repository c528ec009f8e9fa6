import type { CloseKind, CloseResult } from '../classify';
import type { CloseCodeContract, CloseCodeMap } from '../codes';
import type { BackoffOptions } from '../backoff';
import type { RandomSource } from '../environment';

export type { BackoffOptions, Jitter } from '../backoff';

/** What to do after a close. */
export type Action = 'reconnect' | 'reauth' | 'stop';

/**
 * Why a run stopped:
 * - `policy`: the rule for this close says stop (a permanent code), or a hand-written policy failed to decide.
 * - `max-attempts`: too many consecutive failed attempts.
 * - `reauth-exhausted`: the server kept asking for re-authentication after `maxReauth` refreshes.
 * - `reauth-failed`: the `auth.refresh` hook failed or timed out (`auth.timeoutMs`), or none is configured.
 * - `client`: the app called `close()`.
 */
export type StopCause = 'policy' | 'max-attempts' | 'reauth-exhausted' | 'reauth-failed' | 'client';

/** A rule with settings of its own. */
export interface RuleObject {
  readonly action: Action;
  /** Backoff for this rule, merged over the policy's. */
  readonly backoff?: BackoffOptions;
  /** Connection attempts in a row (the first included) allowed under this rule; the close of the last one stops with `max-attempts`. */
  readonly maxAttempts?: number;
  /** A fixed delay instead of backoff (0 = retry at once), at most 2147483647. */
  readonly delayMs?: number;
}

/** A rule: an action, or an action with its own backoff, attempt limit or fixed delay. */
export type Rule = Action | RuleObject;

/** An inclusive code range key such as `'4100-4199'`. */
export type RangeKey = `${number}-${number}`;

/**
 * Rules keyed by exact code (0–65535), app code name, inclusive range within
 * 0–4999 (`'4100-4199'`) or kind. Lookup order: exact code → app code name →
 * range (narrowest first) → kind → closekit's rule for the code → default;
 * at each step the app's rule wins over the preset's (see `createPolicy`).
 */
export type PolicyRules<N extends string = string> = { readonly [code: number]: Rule } & {
  readonly [K in N | CloseKind]?: Rule;
} & { readonly [range: RangeKey]: Rule };

/** Where the rule that decided came from. */
export type RuleSource = 'code' | 'name' | 'range' | 'kind' | 'default' | 'client';

/** The rule a decision was made under, for logs and `explain`. */
export interface MatchedRule {
  /** How the rule was found. */
  readonly source: RuleSource;
  /** The key it was found under, e.g. `'4001'`, `'TokenExpired'`, `'4100-4199'`, `'application'`. */
  readonly key: string;
  /** Whose table it came from: the app's `rules`, the `preset`, closekit's defaults, or `client` for the socket's own stop after `close()`. */
  readonly origin: 'app' | 'preset' | 'defaults' | 'client';
  /** The rule, normalised to object form. */
  readonly rule: RuleObject;
}

/** What the policy decided for one close. */
export type Decision =
  | { readonly action: 'reconnect'; readonly delayMs: number; readonly attempt: number; readonly rule: MatchedRule }
  | { readonly action: 'reauth'; readonly delayMs: number; readonly attempt: number; readonly rule: MatchedRule }
  | { readonly action: 'stop'; readonly cause: StopCause; readonly rule: MatchedRule };

/** What the policy knows besides the close itself. Every field defaults to 0. */
export interface PolicyContext {
  /** Consecutive failed attempts before this close. */
  readonly attempt?: number;
  /** Consecutive re-authentications so far. */
  readonly reauthAttempt?: number;
  /** How long the connection that just closed was open, in ms. */
  readonly uptimeMs?: number;
  /** The delay chosen last time (used by decorrelated jitter; 0 after a connection open `resetAfterMs`, as the socket passes it). */
  readonly previousDelayMs?: number;
}

/**
 * Another protocol's conventions (see `closekit/presets`): its close-code
 * rules and the retry limit its own client uses. The policy reads `name`,
 * `rules`, `default` and `maxAttempts`; a socket reads a profile's compiled
 * `policy`, `protocols`, `queue` and `heartbeat` (see `Profile` in
 * `closekit/presets` and `SocketPreset`).
 */
export interface Preset {
  readonly name: string;
  readonly rules: PolicyRules;
  readonly default?: Rule;
  /** The protocol client's own limit, in closekit's terms (attempts in a row, the first included); the app's `maxAttempts` wins. */
  readonly maxAttempts?: number;
}

/** Options for `createPolicy`. Every option is validated up front. */
export interface PolicyOptions<M extends CloseCodeMap = CloseCodeMap> {
  /** The app's contract, so rules can be keyed by its names. */
  readonly codes?: CloseCodeContract<M>;
  /** The app's rules; at each lookup step they win over the preset's, and any of them wins over closekit's defaults. */
  readonly rules?: PolicyRules<keyof M & string>;
  /** The rule for codes that no app, preset or closekit rule names. @default 'reconnect' (with backoff) */
  readonly default?: Rule;
  /** Backoff for every rule without its own. @default { initialMs: 500, factor: 2, maxMs: 30000, jitter: 'full', minMs: 0 } */
  readonly backoff?: BackoffOptions;
  /** Connection attempts in a row, the first included: the close of attempt number `maxAttempts` is `stop` with `max-attempts` (3 → exactly three sockets). @default the preset's `maxAttempts`, else Infinity */
  readonly maxAttempts?: number;
  /** Consecutive re-authentications before `stop` with `reauth-exhausted`. @default 2 */
  readonly maxReauth?: number;
  /** An open lasting at least this long resets the counters (Infinity: never; else at most 2147483647). @default 5000 */
  readonly resetAfterMs?: number;
  /** Another protocol's conventions, under the app's rules and options. */
  readonly preset?: Preset;
  /** Random source in [0, 1). @default Math.random */
  readonly random?: RandomSource;
}

/** A pure decision function built from validated options. */
export interface Policy<N extends string = string> {
  /** Decides what to do after `result`; pure apart from the random source, never throws. */
  decide(result: CloseResult<N>, context?: PolicyContext): Decision;
  /** Says which rule applies to `code` and why, in one sentence. */
  explain(code: number): string;
  /** The effective rule table (app over preset over defaults), normalised. */
  readonly rules: readonly MatchedRule[];
  /**
   * An open lasting at least this long resets the counters (`createPolicy`'s
   * `resetAfterMs`). A socket resets its own counters by the same figure, so
   * the policy is the one owner of the rule; a hand-written policy without it
   * gets the raw counts and `uptimeMs` and decides for itself.
   */
  readonly resetAfterMs?: number;
}
