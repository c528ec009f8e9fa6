// The stories the demo can play. Each is a server script (one step per
// connection) plus the client's contract and policy. A story ends by itself:
// either the policy stops the client, or the client reaches a connection the
// server leaves open and closes it itself.
import { defineCloseCodes, type CloseCodeContract, type PolicyRules, type Preset } from 'closekit';
import { centrifugo, graphqlWs, pusher } from 'closekit/presets';
import { AppCodes, AppRules } from './contract';
import type { Step } from './server';

export interface Scenario {
  readonly name: string;
  /** One line for --help and the heading. */
  readonly summary: string;
  readonly steps: readonly Step[];
  /** The contract the client classifies with. */
  readonly codes: CloseCodeContract;
  /** The app's own rules, over the preset's and closekit's defaults. */
  readonly rules?: PolicyRules;
  readonly preset?: Preset;
}

/** How long the server lets a connection live before the scripted close. */
const LIVE_MS = 600;

const reauth: Step[] = [{ do: 'close', afterMs: LIVE_MS, code: AppCodes.codes.TokenExpired, reason: 'token expired', expireToken: true }];
const restart: Step[] = [{ do: 'close', afterMs: LIVE_MS, code: 1012, reason: 'server restart' }];
const overload: Step[] = [{ do: 'close', afterMs: LIVE_MS, code: 1013, reason: 'try again later' }];
const forbidden: Step[] = [{ do: 'reject', code: AppCodes.codes.AccessDenied, reason: 'account suspended' }];

const app = (name: string, summary: string, steps: Step[]): Scenario => ({ name, summary, steps, codes: AppCodes, rules: AppRules });

/** The app's own stories, keyed by --scenario name. `all` is the default. */
export const scenarios: Readonly<Record<string, Scenario>> = {
  all: app('all', 'the whole story: 4001 → re-auth, 1012 → jittered backoff, 1013 → backoff with a floor, 4003 → stop', [...reauth, ...restart, ...overload, ...forbidden]),
  reauth: app('reauth', 'the server closes 4001 "token expired"; the client refreshes its token and reconnects', [...reauth, { do: 'stay' }]),
  restart: app('restart', 'the server restarts (1012); the client reconnects after a jittered backoff', [...restart, { do: 'stay' }]),
  overload: app('overload', 'the server is overloaded (1013) twice; each time the client waits at least the 1013 floor', [
    { do: 'reject', code: 1013, reason: 'try again later' },
    { do: 'reject', code: 1013, reason: 'try again later' },
    { do: 'stay' },
  ]),
  forbidden: app('forbidden', 'the server refuses the user (4003); the client stops for good', forbidden),
  drop: app('drop', 'the network drops (1006 on an open connection); the client reconnects with backoff', [{ do: 'drop', afterMs: LIVE_MS }, { do: 'stay' }]),
  wall: app('wall', 'the 1006 wall: an HTTP 401 on the upgrade says nothing; accept-then-close 4001 says why', [
    { do: 'refuse', status: 401 },
    { do: 'reject', code: AppCodes.codes.TokenExpired, reason: 'token expired' },
    { do: 'stay' },
  ]),
};

// Each protocol's names for the codes its story uses, as an app on that protocol would declare them.
// graphql-ws calls 4401 and 4403 Unauthorized and Forbidden; those are closekit's names for 3000 and
// 3003 (defineCloseCodes refuses them for other codes), so they get a prefix here.
const PusherCodes = defineCloseCodes({ OverQuota: 4004, OverCapacity: 4100, ReconnectNow: 4200, PongTimeout: 4201 });
const GraphqlWsCodes = defineCloseCodes({ GraphqlUnauthorized: 4401, GraphqlForbidden: 4403, InitTimeout: 4408, Terminated: 4499 });
const CentrifugoCodes = defineCloseCodes({ Shutdown: 3001, Expired: 3005, ForceReconnect: 3011, ForceNoReconnect: 3503 });

/** Other protocols' conventions, keyed by --preset name: the server speaks that protocol's codes. */
export const presetScenarios: Readonly<Record<string, Scenario>> = {
  pusher: {
    name: 'pusher',
    summary: 'Pusher Channels: 4200–4299 retry at once, 4100–4199 back off, 4001–4099 give up',
    codes: PusherCodes,
    preset: pusher,
    steps: [
      { do: 'close', afterMs: LIVE_MS, code: 4200, reason: 'generic reconnect immediately' },
      { do: 'close', afterMs: LIVE_MS, code: 4100, reason: 'over capacity' },
      { do: 'close', afterMs: LIVE_MS, code: 4201, reason: 'pong reply not received' },
      { do: 'reject', code: 4004, reason: 'over connection quota' },
    ],
  },
  'graphql-ws': {
    name: 'graphql-ws',
    summary: 'graphql-ws: 4408, 4499 and even 4403 are retried; 4401 Unauthorized is fatal',
    codes: GraphqlWsCodes,
    preset: graphqlWs,
    steps: [
      { do: 'close', afterMs: LIVE_MS, code: 4408, reason: 'connection initialisation timeout' },
      { do: 'close', afterMs: LIVE_MS, code: 4499, reason: 'terminated' },
      { do: 'close', afterMs: LIVE_MS, code: 4403, reason: 'forbidden' },
      { do: 'reject', code: 4401, reason: 'unauthorized' },
    ],
  },
  centrifugo: {
    name: 'centrifugo',
    summary: 'Centrifugo: 3000–3499 reconnect, 3500–3999 terminal',
    codes: CentrifugoCodes,
    preset: centrifugo,
    steps: [
      { do: 'close', afterMs: LIVE_MS, code: 3001, reason: 'shutdown' },
      { do: 'close', afterMs: LIVE_MS, code: 3011, reason: 'force reconnect' },
      { do: 'close', afterMs: LIVE_MS, code: 3005, reason: 'connection expired' },
      { do: 'reject', code: 3503, reason: 'force no reconnect' },
    ],
  },
};
