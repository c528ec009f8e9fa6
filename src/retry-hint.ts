// The retry hint a server may put at the end of a close reason, as in
// "restarting retry-after=30s" (the grammar is in docs/retry-hints.md).
// Parsing is strict: anything ambiguous, oversized or malformed is no hint.

/**
 * The wait a close reason asks for, in ms, or undefined when it carries no
 * valid hint: the hint is the reason's last word, `retry-after=<1–7
 * digits><ms|s>`, alone or after a space, and written only once.
 *
 * @example
 * retryAfterOf('restarting retry-after=30s') // 30000
 * retryAfterOf('retry-after=250ms')          // 250
 * retryAfterOf('retry-after=-5s')            // undefined
 */
export function retryAfterOf(reason: string): number | undefined {
  // Written only once: "retry-after=" cannot overlap itself, so splitting on it counts its occurrences.
  // Then the last word: `retry-after=`, 1 to 7 ASCII digits, and `ms` or `s`.
  const match = reason.split('retry-after=').length < 3 && /(?:^| )retry-after=(\d{1,7})(m?)s$/.exec(reason);
  return match ? Number(match[1]) * (match[2] ? 1 : 1000) : undefined;
}
