import { jsonField } from './json';
import { profile } from './profile';
import type { Profile } from './types';

// Sources, pusher-js (pusher/pusher-js, the official JavaScript client):
//   [close] src/core/connection/protocol/protocol.ts, getCloseAction: < 4000 reconnect (1002–1004 after
//           a 1 s backoff), 4000 tls_only, 4001–4099 refused, 4100–4199 backoff, 4200–4299 retry at once,
//           4300 and above refused; src/core/connection/connection_manager.ts: no attempt limit
//   [ping] src/core/connection/connection.ts (ping sends pusher:ping) and connection_manager.ts
//          (sendActivityCheck, the ping callback answering pusher:pong; activityTimeout 120 s,
//          pongTimeout 30 s from src/core/defaults.ts); events are JSON {"event","data"}

const pusherEvent = (data: unknown): unknown => jsonField(data, 'event');

/**
 * Pusher Channels, as pusher-js handles closes [close]: codes below 4000
 * reconnect; 4000 means the app only accepts TLS (switch the URL to `wss://`
 * in your url function, then retry); 4001–4099 refused, no retry; 4100–4199
 * retry after backoff; 4200–4299 retry at once; 4300 and above refused. No
 * attempt limit.
 *
 * Keep-alive [ping]: after 120 s without a message the client sends
 * `{"event":"pusher:ping","data":{}}`; no message within 30 s means dead.
 * A `pusher:ping` from the server is answered with
 * `{"event":"pusher:pong","data":{}}`. (pusher-js shortens the interval to
 * the `activity_timeout` the server announces; set `heartbeat.intervalMs`
 * to match your server.)
 *
 * @example
 * createSocket(url, { preset: pusher, policy: createPolicy({ preset: pusher, maxAttempts: 10 }) }); // bounds the at-once retries of 4200–4299 too
 */
export const pusher: Profile = /* @__PURE__ */ profile({
  name: 'pusher',
  rules: /* @__PURE__ */ Object.freeze({
    // [close] getCloseAction: every code under 4000 is a reconnect in pusher-js.
    '0-3999': 'reconnect',
    // The policy cannot change the URL; it retries with backoff so a URL that stays ws:// does not spin.
    4000: 'reconnect',
    '4001-4099': 'stop',
    '4100-4199': 'reconnect',
    '4200-4299': { action: 'reconnect', delayMs: 0 } as const,
    '4300-4999': 'stop',
    invalid: 'stop',
  }),
  heartbeat: /* @__PURE__ */ Object.freeze({
    intervalMs: 120_000,
    timeoutMs: 30_000,
    message: '{"event":"pusher:ping","data":{}}',
    isPong: (data: unknown) => pusherEvent(data) === 'pusher:pong',
    answer: (data: unknown) => (pusherEvent(data) === 'pusher:ping' ? '{"event":"pusher:pong","data":{}}' : undefined),
  }),
});
