import { jsonField } from './json';
import { profile } from './profile';
import type { Profile } from './types';

// Sources, graphql-ws 6.4.2 (enisdenjo/graphql-ws):
//   [client] src/client.ts: isFatalInternalCloseCode, shouldRetryConnectOrThrow, the retry loop, retryAttempts = 5
//   [common] src/common.ts: CloseCode (4400 BadRequest … 4504 ConnectionAcknowledgementTimeout)
//   [protocol] PROTOCOL.md: Ping / Pong messages, the `graphql-transport-ws` subprotocol
// Each row is checked against graphql-ws's own client and server in test/presets/graphql-ws.test.ts.

const pingOrPong = (data: unknown): unknown => jsonField(data, 'type');

/**
 * The graphql-ws protocol (`graphql-transport-ws`), as graphql-ws's own
 * `createClient` handles closes:
 *
 * - stops on 1000–1999 except 1001, 1005, 1006, 1012, 1013 and 1014, which it
 *   retries [client: isFatalInternalCloseCode];
 * - stops on 4004 Bad Response, 4005 Internal Client Error, 4400 Bad Request,
 *   4401 Unauthorized, 4406 Subprotocol Not Acceptable, 4409 Subscriber Already
 *   Exists, 4429 Too Many Initialisation Requests and 4500 Internal Server Error
 *   [client: shouldRetryConnectOrThrow];
 * - retries everything else (0–999, 2000–4999 including 4403, 4408, 4499,
 *   4504, and codes from 5000 up), at most 5 retries in a row: 6 sockets,
 *   so `maxAttempts: 6` [client: retryAttempts];
 * - keeps the connection alive with `{"type":"ping"}` → `{"type":"pong"}`, and
 *   answers a server's `{"type":"ping"}` with `{"type":"pong"}` [protocol: Ping, Pong];
 * - offers the `graphql-transport-ws` subprotocol (without it the server closes with 4406).
 *
 * Where closekit deliberately decides otherwise (see docs/presets.md):
 * 1000 stops (graphql-ws reconnects at once while subscriptions are live, and
 * does not count it); an `error` event before the close (a refused port, an
 * HTTP-rejected upgrade) is retried like any 1006 (graphql-ws gives up at
 * once); the attempt counter restarts after `resetAfterMs` open (graphql-ws:
 * on `connection_ack`); closekit's timing (backoff, 1012's wide first window,
 * 1013's 5 s floor) replaces graphql-ws's `retryWait`.
 *
 * @example
 * createSocket(url, { preset: graphqlWs });
 * createSocket(url, { preset: graphqlWs, policy: createPolicy({ preset: graphqlWs, rules: { 4401: 'reauth' } }), auth: { refresh } }); // refresh the token instead of giving up
 */
export const graphqlWs: Profile = /* @__PURE__ */ profile({
  name: 'graphql-ws',
  rules: /* @__PURE__ */ Object.freeze({
    // [client] isFatalInternalCloseCode: the 1000–1999 band is fatal but for the codes below.
    '1000-1999': 'stop',
    // [client] 1000 reconnects only while subscriptions are live (closekit cannot know: it stops).
    1000: 'stop',
    1001: 'reconnect',
    1005: 'reconnect',
    1006: 'reconnect',
    // closekit's timing for a restart and for "try again later" (graphql-ws retries both with its retryWait).
    1012: { action: 'reconnect', backoff: { initialMs: 5000 } } as const,
    1013: { action: 'reconnect', backoff: { minMs: 5000 } } as const,
    1014: 'reconnect',
    // [client] shouldRetryConnectOrThrow: everything outside 1000–1999 is retried but for the codes below.
    '0-999': 'reconnect',
    '2000-4999': 'reconnect',
    invalid: 'reconnect',
    // [common] CloseCode; [client] the fatal list.
    4004: 'stop',
    4005: 'stop',
    4400: 'stop',
    4401: 'stop',
    4406: 'stop',
    4409: 'stop',
    4429: 'stop',
    4500: 'stop',
  }),
  // [client] retryAttempts = 5 retries after the first socket.
  maxAttempts: 6,
  protocols: 'graphql-transport-ws',
  // [protocol] connection_init first, exactly once per socket: a queue would replay or reorder it (docs/presets.md).
  queue: false,
  heartbeat: /* @__PURE__ */ Object.freeze({
    // graphql-ws's client pings only when asked (keepAlive, default off); 20 s stays under common proxy idle timeouts.
    intervalMs: 20_000,
    timeoutMs: 10_000,
    message: '{"type":"ping"}',
    isPong: (data: unknown) => pingOrPong(data) === 'pong',
    // [protocol] a ping from the server must be answered with a pong.
    answer: (data: unknown) => (pingOrPong(data) === 'ping' ? '{"type":"pong"}' : undefined),
  }),
});
