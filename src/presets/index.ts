// closekit/presets: other protocols' close-code conventions as policy rules.
// Pass one as `createPolicy({ preset })`; the app's own rules win over it.
import type { Preset } from '../policy/types';

export type { Preset } from '../policy/types';

/**
 * The graphql-ws protocol (`graphql-transport-ws`): its client gives up on
 * 4400 Bad Request, 4401 Unauthorized, 4406 Subprotocol Not Acceptable, 4409
 * Subscriber Already Exists, 4429 Too Many Initialisation Requests and 4500
 * Internal Server Error, and on any 1000–1999 code except 1001, 1005, 1006,
 * 1012, 1013 and 1014; it retries 4403 Forbidden, 4408 Connection
 * Initialisation Timeout, 4499 Terminated and 4504 Connection Acknowledgement
 * Timeout. 1000 stops. Codes it does not name fall to closekit's rules.
 *
 * @example
 * createPolicy({ preset: graphqlWs, rules: { 4401: 'reauth' } }); // refresh the token instead of giving up
 */
export const graphqlWs: Preset = /* @__PURE__ */ Object.freeze({
  name: 'graphql-ws',
  rules: /* @__PURE__ */ Object.freeze({
    '1000-1999': 'stop',
    1000: 'stop',
    1001: 'reconnect',
    1005: 'reconnect',
    1006: 'reconnect',
    1012: 'reconnect',
    // graphql-ws retries 1013 like the rest; closekit still waits at least 5 s, as the server asked.
    1013: { action: 'reconnect', backoff: { minMs: 5000 } } as const,
    1014: 'reconnect',
    4400: 'stop',
    4401: 'stop',
    4403: 'reconnect',
    4406: 'stop',
    4408: 'reconnect',
    4409: 'stop',
    4429: 'stop',
    4499: 'reconnect',
    4500: 'stop',
    4504: 'reconnect',
  }),
});

/**
 * Centrifugo's client conventions: 3000–3499 reconnect, 3500–3999 terminal,
 * 4000–4499 reconnect, 4500–4999 terminal, 1009 Message Too Big terminal, and
 * every other code below 3000 (1000 included) reconnect; 1013 keeps
 * closekit's 5 s floor. Codes from 5000 up fall to closekit's rules.
 *
 * @example
 * createPolicy({ preset: centrifugo, maxAttempts: 20 });
 */
export const centrifugo: Preset = /* @__PURE__ */ Object.freeze({
  name: 'centrifugo',
  rules: /* @__PURE__ */ Object.freeze({
    '0-2999': 'reconnect',
    1009: 'stop',
    // Centrifugo reconnects on 1013 like any code under 3000; closekit keeps its 5 s floor for it.
    1013: { action: 'reconnect', backoff: { minMs: 5000 } } as const,
    '3000-3499': 'reconnect',
    '3500-3999': 'stop',
    '4000-4499': 'reconnect',
    '4500-4999': 'stop',
  }),
});

/**
 * Pusher Channels' close codes: 4000 means the app only accepts TLS (switch
 * the URL to `wss://` in your url function, then retry); 4001–4099 refused,
 * no retry; 4100–4199 retry after backoff; 4200–4299 retry at once; 4300 and
 * above refused. Codes below 4000 fall to closekit's rules.
 *
 * @example
 * createPolicy({ preset: pusher, maxAttempts: 10 }); // bounds the at-once retries of 4200–4299 too
 */
export const pusher: Preset = /* @__PURE__ */ Object.freeze({
  name: 'pusher',
  rules: /* @__PURE__ */ Object.freeze({
    // The policy cannot change the URL; it retries with backoff so a URL that stays ws:// does not spin.
    4000: 'reconnect',
    '4001-4099': 'stop',
    '4100-4199': 'reconnect',
    '4200-4299': { action: 'reconnect', delayMs: 0 } as const,
    '4300-4999': 'stop',
    invalid: 'stop',
  }),
});
