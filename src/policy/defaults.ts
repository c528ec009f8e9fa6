import type { Rule } from './types';

/**
 * closekit's default rules, keyed by exact code: the one table `createPolicy`
 * uses and the README renders. Every code not listed here (unnamed 3xxx and
 * 4xxx, reserved and invalid codes) falls to {@link defaultRule}.
 *
 * Reconnects use the policy's backoff (exponential from 500 ms, doubling,
 * capped at 30 s, full jitter).
 */
export const defaultRules = /* @__PURE__ */ Object.freeze({
  // A deliberate, final close.
  1000: 'stop',
  // The server is shutting down or the page moved on; another node will take us.
  1001: 'reconnect',
  // Retrying would repeat the same incompatibility.
  1002: 'stop',
  1003: 'stop',
  // An empty close frame: no reason to believe the server wants us gone.
  1005: 'reconnect',
  // The network dropped, or the handshake failed (the browser cannot say which).
  1006: 'reconnect',
  1007: 'stop',
  // The server refused us on purpose.
  1008: 'stop',
  1009: 'stop',
  1010: 'stop',
  // Server-side trouble that a later attempt may not meet.
  1011: 'reconnect',
  // A restart takes seconds, and every client hears 1012 at the same moment: spread the
  // first retries over 5 s instead of 0.5 s so they do not return as one wave.
  1012: { action: 'reconnect', backoff: { initialMs: 5000 } },
  // The server asked for patience: never come back in under 5 s.
  1013: { action: 'reconnect', backoff: { minMs: 5000 } },
  1014: 'reconnect',
  // A TLS failure will not fix itself on retry.
  1015: 'stop',
  // The IANA library codes: refresh credentials at once, refused, timed out.
  3000: { action: 'reauth', delayMs: 0 },
  3003: 'stop',
  3008: 'reconnect',
} as const satisfies Readonly<Record<number, Rule>>);

/** The rule for codes that no table names: reconnect with backoff. */
export const defaultRule: Rule = 'reconnect';

/** Consecutive re-authentications before `stop` with `reauth-exhausted` (`maxReauth`'s default). */
export const DEFAULT_MAX_REAUTH = 2;

/** An open at least this long resets the counters (`resetAfterMs`'s default). */
export const DEFAULT_RESET_AFTER_MS = 5000;
