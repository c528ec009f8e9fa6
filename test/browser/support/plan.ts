// The vocabulary the loopback server understands. A connection's URL carries a
// plan: the n-th connection under one key follows step n (the last step
// repeats), so a test can script "reject once, then accept" without state in
// the test itself.

/** What the server does with one WebSocket connection. */
export type Step =
  /** Accept, then close with `code` through `ws` (only codes `ws` is willing to send). */
  | { readonly do: 'close'; readonly code: number; readonly reason?: string }
  /** Accept, then write a close frame by hand: any 16-bit code, even ones `ws` refuses. */
  | { readonly do: 'raw-close'; readonly code: number; readonly reason?: string }
  /** Accept, then write a close frame with no payload (no code at all). */
  | { readonly do: 'empty-close' }
  /** Accept, then write a close frame whose reason bytes are not valid UTF-8. */
  | { readonly do: 'bad-utf8-close'; readonly code: number }
  /** Answer the upgrade request with a plain HTTP status instead of 101. */
  | { readonly do: 'reject'; readonly status: number }
  /** Accept, then destroy the TCP socket (FIN) without a close frame. */
  | { readonly do: 'destroy' }
  /** Accept, then reset the TCP socket (RST) without a close frame. */
  | { readonly do: 'reset' }
  /** Never answer the upgrade request. */
  | { readonly do: 'hold' }
  /**
   * Accept and echo every message. A message equal to `ping` is answered with
   * `pong` at most `pongs` times (default: always), then ignored, to play a
   * server that stopped answering heartbeats.
   */
  | { readonly do: 'echo'; readonly ping?: string; readonly pong?: string; readonly pongs?: number }
  /** Accept and echo when the URL's `token` equals `token`; otherwise accept and close with `code`. */
  | { readonly do: 'auth'; readonly token: string; readonly code: number; readonly reason?: string };

/** The query parameter that carries the plan. */
export const PLAN_PARAM = 'plan';

/**
 * The URL of a scripted connection. `key` groups connections (attempts of one
 * socket) so the server can count them; extra `query` entries ride along
 * (e.g. a token).
 */
export function planUrl(base: string, key: string, steps: readonly Step[], query: Readonly<Record<string, string>> = {}): string {
  const url = new URL(`/ws/${encodeURIComponent(key)}`, base);
  url.searchParams.set(PLAN_PARAM, JSON.stringify(steps));
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.href;
}
