// How the policy honours a server's retry hint (`retryAfterMs` on a close
// result, parsed by classify from "… retry-after=30s"; docs/retry-hints.md).
import { computeDelay, type ResolvedBackoff } from '../backoff';
import type { RandomSource } from '../environment';

/**
 * The delay before a reconnect when the close carried a retry hint: never
 * sooner than the policy's own `delayMs`, and otherwise uniform in
 * [hint, 2 × hint], so that one hint sent to many clients does not bring
 * them back together. The backoff cap bounds it: a hint above half the cap
 * spreads over [maxMs / 2, maxMs]. Without a usable hint, `delayMs` as is.
 */
export function delayForHint(hintMs: unknown, delayMs: number, backoff: ResolvedBackoff, random: RandomSource): number {
  // Not trusted (a result may be built by hand): only a number above 0 is a hint, never NaN or a negative.
  // Equal jitter on d = min(2 × hint, cap) is exactly uniform in [d / 2, d]. The cap is applied here: computeDelay
  // takes only settings resolveBackoff would accept, and an Infinity hint is not one.
  return typeof hintMs === 'number' && hintMs > 0 ? Math.max(delayMs, computeDelay(1, { ...backoff, initialMs: Math.min(2 * hintMs, backoff.maxMs), minMs: 0, jitter: 'equal' }, random)) : delayMs;
}
