// Options are checked and filled in once, when the socket is created: a bad
// option fails there with a SocketError naming it (`invalid-option`, with
// `option` set), never later inside a timer. A policy arrives compiled
// (createPolicy checks its own options and throws PolicyErrors).
import { anObject, durationCheck, isFunction, isRecord, oneOf, validator, withMethods, type Check, type Spec, type Validator } from '../check';
import type { CloseCodeContract } from '../codes';
import type { Clock, RandomSource, Timers, WebSocketConstructorLike } from '../environment';
import { defaultPolicy, defaultPolicyWith } from '../policy/default-policy';
import type { Policy } from '../policy/types';
import { browserOnlineSource, browserVisibilitySource } from './browser';
import { browserPageSource } from './page';
import { SocketError } from './errors';
import type { AckOptions, AuthOptions, HeartbeatOptions, LifecycleOptions, OnlineSource, PageSource, QueueOptions, QueueOverflow, SocketOptions, UrlSource, VisibilitySource } from './types';

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

/** The lifecycle settings with their defaults filled in. */
export interface ResolvedLifecycle {
  readonly backForwardCache: boolean;
  readonly closeCode: number;
  readonly checkOnResume: boolean;
  /** Undefined: no wake detector. */
  readonly wakeDriftMs: number | undefined;
  /** How long a freeze or sleep must last for a connection without heartbeat not to be trusted. */
  readonly untrustedAfterMs: number;
  readonly quickRetries: number;
  /** Undefined outside a browser unless one is given. */
  readonly page: PageSource | undefined;
  /** The page's visibility for the wake detector (a hidden tab's timers are throttled, which is not sleep). */
  readonly visibility: VisibilitySource | undefined;
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
  /** Undefined with `lifecycle: false`. */
  readonly lifecycle: ResolvedLifecycle | undefined;
  readonly startClosed: boolean;
  /** The app's clock; undefined: `Date.now()`. */
  readonly clock: Clock | undefined;
  /** The app's timers; undefined: the global `setTimeout`/`clearTimeout`. */
  readonly timers: Timers | undefined;
  /** Jitters the quick retries (the policy has its own). */
  readonly random: RandomSource | undefined;
}

/** The validator of socket options: its failures are `SocketError`s with code `invalid-option`. */
export const socketCheck: Validator = /* @__PURE__ */ validator((option, _value, message) => new SocketError('invalid-option', message, undefined, option));

const { check, fields } = socketCheck;

const bool: Check = [(value) => typeof value === 'boolean', __DEV__ ? 'true or false' : ''];
const objectOrFalse = (shape: string): Check => [(value) => value === false || isRecord(value), __DEV__ ? `${shape} or false` : ''];

// Every option createSocket takes; 0: checked on its own below.
const socketSpec: Spec = {
  protocols: [(value) => (Array.isArray(value) ? value : [value]).every((p) => typeof p === 'string' && p !== ''), __DEV__ ? 'a non-empty string or an array of them' : ''],
  codes: [(value) => isRecord(value) && typeof value['nameOf'] === 'function', __DEV__ ? 'a contract from defineCloseCodes()' : ''],
  policy: [
    (value) => isRecord(value) && typeof value['decide'] === 'function',
    // The options are compiled by createPolicy, so that a socket without rules never bundles the rule compiler.
    __DEV__ ? 'a policy: createPolicy({ rules, … }) from closekit (not its options), or an object with decide()' : '',
  ],
  auth: [isRecord, __DEV__ ? 'an object { refresh, timeoutMs? }' : ''],
  WebSocket: [(value) => typeof value === 'function', __DEV__ ? 'a WebSocket constructor' : ''],
  preset: [isRecord, __DEV__ ? "a preset such as graphqlWs from 'closekit/presets'" : ''],
  binaryType: [(value) => typeof value === 'string', __DEV__ ? "a string such as 'arraybuffer' or 'blob'" : ''],
  connectTimeoutMs: /* @__PURE__ */ durationCheck(true),
  heartbeat: /* @__PURE__ */ objectOrFalse(__DEV__ ? 'an object { intervalMs, timeoutMs }' : ''),
  queue: /* @__PURE__ */ objectOrFalse(__DEV__ ? 'an object { max, overflow, confirmAfterMs, ack }' : ''),
  pauseWhenOffline: bool,
  pauseWhenHidden: bool,
  online: /* @__PURE__ */ withMethods(['isOnline', 'subscribe']),
  visibility: /* @__PURE__ */ withMethods(['isVisible', 'subscribe']),
  lifecycle: /* @__PURE__ */ objectOrFalse(__DEV__ ? 'an object { backForwardCache, closeCode, checkOnResume, wakeDriftMs, quickRetries, page }' : ''),
  startClosed: bool,
  clock: /* @__PURE__ */ withMethods(['now']),
  timers: /* @__PURE__ */ withMethods(['setTimeout', 'clearTimeout']),
  random: isFunction,
};

// Policy options written at the top level by mistake: the (development) message says where they go.
const elsewhere: Record<string, string> | undefined = __DEV__
  ? Object.fromEntries(['rules', 'default', 'backoff', 'maxAttempts', 'maxReauth', 'resetAfterMs'].map((key) => [key, `policy: createPolicy({ ${key} })`]))
  : undefined;

const overflows: readonly QueueOverflow[] = ['drop-oldest', 'drop-newest', 'error'];
const queueSpec: Spec = {
  max: [(value) => typeof value === 'number' && value >= 1 && Math.floor(value) === value, __DEV__ ? 'a whole number ≥ 1, or Infinity' : ''],
  overflow: /* @__PURE__ */ oneOf(overflows),
  confirmAfterMs: /* @__PURE__ */ durationCheck(),
  ack: /* @__PURE__ */ withMethods(['idOf', 'acked']),
};
const heartbeatSpec: Spec = {
  intervalMs: /* @__PURE__ */ durationCheck(true),
  timeoutMs: /* @__PURE__ */ durationCheck(true),
  message: [(value) => value !== null && ['string', 'function', 'object'].includes(typeof value), __DEV__ ? 'data to send, or a function returning it' : ''],
  isPong: isFunction,
  answer: isFunction,
};
const lifecycleSpec: Spec = {
  backForwardCache: bool,
  // What a browser lets a page send (WebSockets standard, close(): 1000 or 3000–4999).
  closeCode: [
    (value) => value === 1000 || (typeof value === 'number' && Number.isInteger(value) && value >= 3000 && value <= 4999),
    __DEV__ ? '1000 or a whole number in 3000–4999 (the codes a browser may send)' : '',
  ],
  checkOnResume: bool,
  wakeDriftMs: [(value) => value === false || (durationCheck(true)[0] as (v: unknown) => boolean)(value), __DEV__ ? `false, or ${durationCheck(true)[1]}` : ''],
  quickRetries: [(value) => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100, __DEV__ ? 'a whole number from 0 to 100' : ''],
  page: /* @__PURE__ */ withMethods(['subscribe']),
};
const WAKE_DRIFT_MS = 10_000;

const authSpec: Spec = { refresh: isFunction, timeoutMs: /* @__PURE__ */ durationCheck(true) };

/**
 * The app's policy, else the preset's (a profile from closekit/presets brings
 * its rules compiled), else closekit's default policy, shared by every socket
 * unless the socket's `random` should jitter it.
 */
function resolvePolicy(given: Policy | undefined, random: RandomSource | undefined, preset: SocketOptions['preset']): Policy {
  if (given !== undefined) return given;
  if (preset?.policy !== undefined) return check(preset.policy, socketSpec['policy'] as Check, 'preset.policy');
  // A hand-made profile with rules but nothing to decide them: compiling them is createPolicy's job.
  if (preset?.rules !== undefined)
    socketCheck.fail('preset.policy', undefined, __DEV__ ? "a policy for the preset's rules: pass policy: createPolicy({ preset }) (closekit/presets profiles bring theirs)" : '');
  return random === undefined ? defaultPolicy : defaultPolicyWith(random);
}

/** The preset's heartbeat is the default; the app's fields are merged over it, and `false` turns it off. */
function resolveHeartbeat(given: HeartbeatOptions | false | undefined, preset: SocketOptions['preset']): ResolvedHeartbeat | undefined {
  const merged = given === false ? undefined : preset?.heartbeat ? { ...preset.heartbeat, ...given } : given;
  if (!merged) return undefined;
  const h = fields(merged as unknown as Record<string, unknown>, heartbeatSpec, 'heartbeat.') as Partial<HeartbeatOptions>;
  return {
    intervalMs: check(h.intervalMs, heartbeatSpec['intervalMs'] as Check, 'heartbeat.intervalMs'),
    timeoutMs: check(h.timeoutMs, heartbeatSpec['timeoutMs'] as Check, 'heartbeat.timeoutMs'),
    message: h.message ?? 'ping',
    isPong: h.isPong ?? isPongText,
    answer: h.answer ?? answerNothing,
  };
}

const isPongText = (data: unknown): boolean => data === 'pong';
const answerNothing = (): undefined => undefined;

/** The queue's defaults; `false` (the app's, else a handshake preset's): no queue. */
function resolveQueue(given: QueueOptions | false | undefined): ResolvedQueue | undefined {
  if (given === false) return undefined;
  const q = fields((given ?? {}) as Record<string, unknown>, queueSpec, 'queue.') as { max?: number; overflow?: QueueOverflow; confirmAfterMs?: number; ack?: AckOptions };
  return { max: q.max ?? 100, overflow: q.overflow ?? 'drop-oldest', confirmAfterMs: q.ack ? 0 : (q.confirmAfterMs ?? 1000), ack: q.ack };
}

/** The page-lifecycle settings; `false`: none of those behaviours. */
function resolveLifecycle(o: SocketOptions): ResolvedLifecycle | undefined {
  if (o.lifecycle === false) return undefined;
  const l = fields((o.lifecycle ?? {}) as Record<string, unknown>, lifecycleSpec, 'lifecycle.') as LifecycleOptions;
  const browserPage = browserPageSource();
  // On by default only in a browser with the real timers: with injected `timers` the app owns time (a fake clock never
  // drifts, and a test may count the socket's timers), so the detector's periodic timer is opt-in there.
  const byDefault = browserPage !== undefined && o.timers === undefined;
  const drift = l.wakeDriftMs === undefined ? (byDefault ? WAKE_DRIFT_MS : undefined) : l.wakeDriftMs === false ? undefined : l.wakeDriftMs;
  return {
    backForwardCache: l.backForwardCache !== false,
    closeCode: l.closeCode ?? 1000,
    checkOnResume: l.checkOnResume !== false,
    wakeDriftMs: drift,
    untrustedAfterMs: drift ?? WAKE_DRIFT_MS,
    quickRetries: l.quickRetries ?? 3,
    page: l.page ?? browserPage,
    visibility: o.visibility ?? browserVisibilitySource(),
  };
}

/** Validates `options` and fills in every default. Throws a `SocketError` (`invalid-option`) naming a bad option. */
export function resolveOptions(url: unknown, options: unknown): ResolvedOptions {
  check(
    url,
    [
      (value) => typeof value === 'string' || typeof value === 'function' || (typeof URL !== 'undefined' && value instanceof URL),
      __DEV__ ? 'a string, a URL, or a function returning one (or a promise of one)' : '',
    ],
    'url',
  );
  const o = fields(check(options ?? {}, anObject, 'options'), socketSpec, '', elsewhere) as SocketOptions & { random?: RandomSource };

  const WebSocket = o.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
  if (typeof WebSocket !== 'function') {
    socketCheck.fail('WebSocket', WebSocket, __DEV__ ? "a WebSocket constructor: there is no global WebSocket here, so pass one (e.g. `import { WebSocket } from 'undici'` or from 'ws')" : '');
  }
  const { codes, preset } = o;
  // A protocol profile (closekit/presets) brings its subprotocols and keep-alive; the app's own options win.
  // A profile's own socket defaults, checked like the app's options (errors name them preset.<key>).
  const fromPreset = <K extends 'protocols' | 'queue'>(key: K): SocketOptions[K] | undefined => {
    const value = preset?.[key];
    return value === undefined ? undefined : check(value, socketSpec[key] as Check, `preset.${key}`);
  };
  const protocols = o.protocols ?? fromPreset('protocols');
  const policy = resolvePolicy(o.policy as Policy | undefined, o.random, preset);
  const resetAfterMs = policy.resetAfterMs;

  const auth = o.auth === undefined ? undefined : (fields(o.auth as unknown as Record<string, unknown>, authSpec, 'auth.') as Partial<AuthOptions>);
  if (auth !== undefined && auth.refresh === undefined) socketCheck.fail('auth.refresh', undefined, __DEV__ ? 'a function: auth without refresh does nothing' : '');

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
    heartbeat: resolveHeartbeat(o.heartbeat, preset),
    // The preset's queue (false for a handshake protocol) unless the app sets its own.
    queue: resolveQueue(o.queue ?? fromPreset('queue')),
    online: o.pauseWhenOffline === false ? undefined : (o.online ?? browserOnlineSource()),
    visibility: o.pauseWhenHidden === true ? (o.visibility ?? browserVisibilitySource()) : undefined,
    lifecycle: resolveLifecycle(o),
    startClosed: o.startClosed === true,
    clock: o.clock,
    timers: o.timers,
    random: o.random,
  };
}
