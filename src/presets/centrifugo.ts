import { profile } from './profile';
import type { Profile } from './types';

// Sources, centrifuge-js (centrifugal/centrifuge-js, the official JavaScript client):
//   [close] src/centrifuge.ts, the WebSocket transport's onClose: codes under 3000 reconnect but 1009;
//           3500–3999 and 4500–4999 do not reconnect; a JSON reason {"reason","reconnect"} overrides
//   [ping] src/centrifuge.ts, _handleServerPing and _waitServerPing: the server pings with an empty
//          reply `{}`, the client answers with an empty command `{}` when the connect reply asked for
//          pongs, and reconnects when no ping came within the ping interval + maxServerPingDelay (10 s)
//   [retry] src/centrifuge.ts, _getReconnectDelay: full-jitter backoff 500 ms → 20 s, no attempt limit
//   [server] Centrifugo's documentation: client ping_interval 25 s by default

/**
 * Centrifugo's client conventions, as centrifuge-js handles closes:
 * 3000–3499 reconnect, 3500–3999 stop, 4000–4499 reconnect, 4500–4999
 * stop, 1009 Message Too Big stops, every other code below 3000 (1000
 * included) reconnects [close]; no attempt limit [retry]. 1013 keeps
 * closekit's 5 s floor and 1012 its wide first window.
 *
 * Keep-alive: the server pings (a `{}` frame, every 25 s by default); the
 * client answers `{}` and treats 35 s without any message as a dead
 * connection [ping, server]. The client itself sends no ping.
 *
 * Where closekit decides otherwise (docs/presets.md): centrifuge-js lets a
 * JSON close reason such as `{"reason":"…","reconnect":false}` override the
 * code, and applies the stop bands only to a close that carries a reason;
 * closekit decides by the code alone.
 *
 * @example
 * createSocket(url, { preset: centrifugo, policy: createPolicy({ preset: centrifugo, maxAttempts: 20 }) });
 */
export const centrifugo: Profile = /* @__PURE__ */ profile({
  name: 'centrifugo',
  rules: /* @__PURE__ */ Object.freeze({
    '0-2999': 'reconnect',
    1009: 'stop',
    1012: { action: 'reconnect', backoff: { initialMs: 5000 } } as const,
    1013: { action: 'reconnect', backoff: { minMs: 5000 } } as const,
    '3000-3499': 'reconnect',
    '3500-3999': 'stop',
    '4000-4499': 'reconnect',
    '4500-4999': 'stop',
  }),
  // [protocol] the connect command comes first on every connection: a queue would replay or reorder it.
  queue: false,
  heartbeat: /* @__PURE__ */ Object.freeze({
    // [ping] 25 s server ping interval + 10 s maxServerPingDelay: any message in that window is life.
    intervalMs: 25_000,
    timeoutMs: 10_000,
    // The server pings; the client only listens, so nothing is sent.
    message: () => undefined,
    isPong: () => false,
    answer: (data: unknown) => (data === '{}' ? '{}' : undefined),
  }),
});
