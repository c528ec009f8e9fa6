// Options are checked and filled in once, when the socket is created: a bad
// option fails there with a SocketError naming it (`invalid-option`, with
// `option` set), never later inside a timer. The policy's own options fail
// as PolicyErrors, from createPolicy.
import { durationCheck, isFunction, isRecord, oneOf, validator, type Check, type Spec, type Validator } from '../check';
import type { CloseCodeContract } from '../codes';
import type { Clock, RandomSource, Timers, WebSocketConstructorLike } from '../environment';
import { createPolicy } from '../policy';
import type { Policy } from '../policy/types';
import { browserOnlineSource, browserVisibilitySource } from './browser';
import { SocketError } from './errors';
import type { AckOptions, AuthOptions, HeartbeatOptions, OnlineSource, QueueOverflow, SocketOptions, UrlSource, VisibilitySource } from './types';

/** The heartbeat with its defaults filled in. */
export type ResolvedHeartbeat = Required<HeartbeatOptions>;

/** The queue with its defaults filled in. */
export interface ResolvedQueue {
  readonly max: number;
  readonly overflow: QueueOverflow;
  /** 0 with `ack`: time confirms nothing there. */
  readonly confirmAfterMs: number;
  readonly ack: AckOptions | undefined;
}

/** {@link SocketOptions} with every default filled in. */
export interface ResolvedOptions {
  readonly url: UrlSource;
  readonly protocols: string | string[] | undefined;
  readonly codes: CloseCodeContract | undefined;
  readonly policy: Policy;
  /** The policy's `resetAfterMs`: the socket resets its counters by the same figure (Infinity for a hand-written policy without one). */
  readonly resetAfterMs: number;
  readonly refresh: AuthOptions['refresh'] | undefined;
  readonly refreshTimeoutMs: number;
  readonly WebSocket: WebSocketConstructorLike;
  readonly binaryType: string | undefined;
  readonly connectTimeoutMs: number;
  readonly heartbeat: ResolvedHeartbeat | undefined;
  /** Undefined with `queue: false`. */
  readonly queue: ResolvedQueue | undefined;
  readonly online: OnlineSource | undefined;
  readonly visibility: VisibilitySource | undefined;
  readonly startClosed: boolean;
  readonly clock: Clock;
  readonly timers: Timers;
}

/** The validator of socket options: its failures are `SocketError`s with code `invalid-option`. */
export const socketCheck: Validator = /* @__PURE__ */ validator((option, _value, message) => new SocketError('invalid-option', message, undefined, option));

const { check, fields } = socketCheck;

const withMethods = (...methods: string[]): Check => [
  (value) => isRecord(value) && methods.every((m) => typeof value[m] === 'function'),
  __DEV__ ? `an object with ${methods.map((m) => `${m}()`).join(' and ')}` : '',
];
const bool: Check = [(value) => typeof value === 'boolean', __DEV__ ? 'true or false' : ''];
const objectOrFalse = (shape: string): Check => [(value) => value === false || isRecord(value), __DEV__ ? `${shape} or false` : ''];

// Every option createSocket takes; 0: checked on its own below.
const socketSpec: Spec = {
  protocols: [
    (value) => (Array.isArray(value) ? value : [value]).every((p) => typeof p === 'string' && p !== ''),
    __DEV__ ? 'a non-empty string or an array of them' : '',
  ],
  codes: [(value) => isRecord(value) && typeof value['nameOf'] === 'function', __DEV__ ? 'a contract from defineCloseCodes()' : ''],
  policy: [isRecord, __DEV__ ? 'a policy from createPolicy() or its options' : ''],
  auth: [isRecord, __DEV__ ? 'an object { refresh, timeoutMs? }' : ''],
  WebSocket: [(value) => typeof value === 'function', __DEV__ ? 'a WebSocket constructor' : ''],
  preset: [isRecord, __DEV__ ? "a preset such as graphqlWs from 'closekit/presets'" : ''],
  binaryType: [(value) => typeof value === 'string', __DEV__ ? "a string such as 'arraybuffer' or 'blob'" : ''],
  connectTimeoutMs: /* @__PURE__ */ durationCheck(true),
  heartbeat: /* @__PURE__ */ objectOrFalse('an object { intervalMs, timeoutMs }'),
  queue: /* @__PURE__ */ objectOrFalse('an object { max, overflow, confirmAfterMs, ack }'),
  pauseWhenOffline: bool,
  pauseWhenHidden: bool,
  online: /* @__PURE__ */ withMethods('isOnline', 'subscribe'),
  visibility: /* @__PURE__ */ withMethods('isVisible', 'subscribe'),
  startClosed: bool,
  clock: /* @__PURE__ */ withMethods('now'),
  timers: /* @__PURE__ */ withMethods('setTimeout', 'clearTimeout'),
  random: isFunction,
};

// Policy options written at the top level by mistake: the message says where they go.
const policyKeys = ['rules', 'default', 'backoff', 'maxAttempts', 'maxReauth', 'resetAfterMs'];
const elsewhere: Record<string, string> = {};
for (const key of policyKeys) elsewhere[key] = `policy.${key}`;

const overflows: readonly QueueOverflow[] = ['drop-oldest', 'drop-newest', 'error'];
const queueSpec: Spec = {
  max: [(value) => typeof value === 'number' && value >= 1 && Math.floor(value) === value, __DEV__ ? 'a whole number ≥ 1, or Infinity' : ''],
  overflow: /* @__PURE__ */ oneOf(overflows),
  confirmAfterMs: /* @__PURE__ */ durationCheck(),
  ack: /* @__PURE__ */ withMethods('idOf', 'acked'),
};
const heartbeatSpec: Spec = {
  intervalMs: /* @__PURE__ */ durationCheck(true),
  timeoutMs: /* @__PURE__ */ durationCheck(true),
  message: [(value) => value !== null && ['string', 'function', 'object'].includes(typeof value), __DEV__ ? 'data to send, or a function returning it' : ''],
  isPong: isFunction,
  answer: isFunction,
};
const authSpec: Spec = { refresh: isFunction, timeoutMs: /* @__PURE__ */ durationCheck(true) };

// One policy for every socket that brings no policy options: built once, on first use.
let sharedPolicy: Policy | undefined;

function resolvePolicy(given: unknown, codes: CloseCodeContract | undefined, random: RandomSource | undefined, preset: SocketOptions['preset']): Policy {
  if (isRecord(given) && typeof given['decide'] === 'function') return given as unknown as Policy;
  if (given === undefined && random === undefined && preset === undefined) return (sharedPolicy ??= createPolicy());
  // The socket's preset, codes and random are the policy's defaults; its own win.
  const options = (given ?? {}) as Record<string, unknown>;
  return createPolicy({
    ...(preset && { preset }),
    ...options,
    ...(options['codes'] === undefined && codes && { codes }),
    ...(options['random'] === undefined && random && { random }),
  });
}

const defaultTimers: Timers = {
  setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};
const defaultClock: Clock = { now: () => Date.now() };

/** Validates `options` and fills in every default. Throws a `SocketError` (`invalid-option`) naming a bad option, or a `PolicyError` from the policy's options. */
export function resolveOptions(url: unknown, options: unknown): ResolvedOptions {
  check(url, [(value) => typeof value === 'string' || typeof value === 'function' || (typeof URL !== 'undefined' && value instanceof URL), __DEV__ ? 'a string, a URL, or a function returning one (or a promise of one)' : ''], 'url');
  const o = fields(check(options ?? {}, [isRecord, __DEV__ ? 'an object' : ''], 'options'), socketSpec, '', elsewhere) as SocketOptions & { random?: RandomSource };

  const WebSocket = o.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
  if (typeof WebSocket !== 'function') {
    socketCheck.fail('WebSocket', WebSocket, __DEV__ ? "a WebSocket constructor: there is no global WebSocket here, so pass one (e.g. `import { WebSocket } from 'undici'` or from 'ws')" : '');
  }
  const { codes, preset } = o;
  // A protocol profile (closekit/presets) brings its subprotocols and keep-alive; the app's own options win.
  const protocols = o.protocols ?? (fields({ protocols: preset?.protocols }, socketSpec, 'preset.')['protocols'] as SocketOptions['protocols']);

  const policy = resolvePolicy(o.policy, codes, o.random, preset);
  const resetAfterMs = policy.resetAfterMs;

  const auth = o.auth === undefined ? undefined : (fields(o.auth as unknown as Record<string, unknown>, authSpec, 'auth.') as Partial<AuthOptions>);
  if (auth !== undefined && auth.refresh === undefined) socketCheck.fail('auth.refresh', undefined, __DEV__ ? 'a function: auth without refresh does nothing' : '');

  let heartbeat: ResolvedHeartbeat | undefined;
  // The preset's heartbeat is the default; the app's fields are merged over it, and `false` turns it off.
  const given = o.heartbeat === false ? undefined : preset?.heartbeat ? { ...preset.heartbeat, ...o.heartbeat } : o.heartbeat;
  if (given) {
    const h = fields(given as unknown as Record<string, unknown>, heartbeatSpec, 'heartbeat.') as Partial<HeartbeatOptions>;
    heartbeat = {
      intervalMs: check(h.intervalMs, heartbeatSpec['intervalMs'] as Check, 'heartbeat.intervalMs'),
      timeoutMs: check(h.timeoutMs, heartbeatSpec['timeoutMs'] as Check, 'heartbeat.timeoutMs'),
      message: h.message ?? 'ping',
      isPong: h.isPong ?? ((data) => data === 'pong'),
      answer: h.answer ?? (() => undefined),
    };
  }

  let queue: ResolvedQueue | undefined;
  // The preset's queue (false for a handshake protocol) unless the app sets its own.
  const queueGiven = o.queue ?? (fields({ queue: preset?.queue }, socketSpec, 'preset.')['queue'] as SocketOptions['queue']);
  if (queueGiven !== false) {
    const q = fields((queueGiven ?? {}) as Record<string, unknown>, queueSpec, 'queue.') as { max?: number; overflow?: QueueOverflow; confirmAfterMs?: number; ack?: AckOptions };
    queue = { max: q.max ?? 100, overflow: q.overflow ?? 'drop-oldest', confirmAfterMs: q.ack ? 0 : (q.confirmAfterMs ?? 1000), ack: q.ack };
  }

  return {
    url: url as UrlSource,
    protocols: typeof protocols === 'string' || protocols === undefined ? protocols : [...protocols],
    codes,
    policy,
    resetAfterMs: typeof resetAfterMs === 'number' ? resetAfterMs : Infinity,
    refresh: auth?.refresh,
    refreshTimeoutMs: auth?.timeoutMs ?? 30_000,
    WebSocket: WebSocket as WebSocketConstructorLike,
    binaryType: o.binaryType,
    connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
    heartbeat,
    queue,
    online: o.pauseWhenOffline === false ? undefined : (o.online ?? browserOnlineSource()),
    visibility: o.pauseWhenHidden === true ? (o.visibility ?? browserVisibilitySource()) : undefined,
    startClosed: o.startClosed === true,
    clock: o.clock ?? defaultClock,
    timers: o.timers ?? defaultTimers,
  };
}
