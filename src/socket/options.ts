// Options are checked and filled in once, when the socket is created: a bad
// option fails there with a message naming it, never later inside a timer.
import type { CloseCodeContract } from '../codes';
import type { Clock, RandomSource, Timers, WebSocketConstructorLike } from '../environment';
import { show } from '../errors';
import { createPolicy } from '../policy';
import type { Policy, PolicyOptions } from '../policy/types';
import type { AuthOptions, HeartbeatOptions, OnlineSource, QueueOverflow, SendData, SocketOptions, UrlSource, VisibilitySource } from './types';

/** {@link SocketOptions} with every default filled in. */
export interface ResolvedOptions {
  readonly url: UrlSource;
  readonly protocols: string | string[] | undefined;
  readonly codes: CloseCodeContract | undefined;
  readonly policy: Policy;
  readonly resetAfterMs: number;
  readonly refresh: AuthOptions['refresh'] | undefined;
  readonly WebSocket: WebSocketConstructorLike;
  readonly binaryType: string | undefined;
  readonly connectTimeoutMs: number;
  readonly heartbeat: Required<HeartbeatOptions> | undefined;
  readonly queue: { readonly max: number; readonly overflow: QueueOverflow; readonly confirmAfterMs: number } | undefined;
  readonly online: OnlineSource | undefined;
  readonly visibility: VisibilitySource | undefined;
  readonly startClosed: boolean;
  readonly clock: Clock;
  readonly timers: Timers;
}

const OVERFLOWS: readonly QueueOverflow[] = ['drop-oldest', 'drop-newest', 'error'];

/** Returns `value` when `valid`, else throws a `TypeError` saying which option was wrong, what it must be, and what it was. */
function check<T>(option: string, value: unknown, valid: boolean, expected: string): T {
  if (!valid) throw new TypeError(`createSocket: ${option} must be ${expected}, got ${typeof value === 'function' ? 'a function' : show(value)}.`);
  return value as T;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** A duration option: `fallback` when left out (required without one); `positive` when 0 makes no sense. */
const ms = (option: string, value: unknown, fallback: number | undefined, positive: boolean): number =>
  value === undefined && fallback !== undefined
    ? fallback
    : check(
        `options.${option}`,
        value,
        typeof value === 'number' && Number.isFinite(value) && (positive ? value > 0 : value >= 0),
        `a finite number of milliseconds ${positive ? '>' : '≥'} 0`,
      );

const fn = <F>(option: string, value: unknown): F => check(`options.${option}`, value, typeof value === 'function', 'a function');

/** An object with these methods, such as a clock or an online source. */
const withMethods = <S>(option: string, value: unknown, methods: readonly string[]): S =>
  check(`options.${option}`, value, isObject(value) && methods.every((m) => typeof value[m] === 'function'), `an object with ${methods.map((m) => `${m}()`).join(' and ')}`);

interface EventSource {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** `subscribe` for a browser source: each event reports a value to the listener. */
function subscribeTo(target: EventSource, events: Record<string, () => boolean>): (listener: (value: boolean) => void) => () => void {
  return (listener) => {
    const handlers = Object.keys(events).map((type) => [type, () => listener((events[type] as () => boolean)())] as const);
    for (const [type, handler] of handlers) target.addEventListener(type, handler);
    return () => {
      for (const [type, handler] of handlers) target.removeEventListener(type, handler);
    };
  };
}

/** The browser's network state and `online`/`offline` events, when there are some. */
function browserOnlineSource(): OnlineSource | undefined {
  const g = globalThis as Partial<EventSource> & { navigator?: { onLine?: unknown } };
  const navigator = g.navigator;
  if (typeof navigator?.onLine !== 'boolean' || typeof g.addEventListener !== 'function' || typeof g.removeEventListener !== 'function') return undefined;
  return { isOnline: () => navigator.onLine !== false, subscribe: subscribeTo(g as EventSource, { online: () => true, offline: () => false }) };
}

/** The page's visibility, when there is a document. */
function browserVisibilitySource(): VisibilitySource | undefined {
  const document = (globalThis as { document?: Document }).document;
  if (typeof document?.addEventListener !== 'function' || typeof document.visibilityState !== 'string') return undefined;
  const isVisible = (): boolean => document.visibilityState !== 'hidden';
  return { isVisible, subscribe: subscribeTo(document, { visibilitychange: isVisible }) };
}

/** Validates `options` and fills in every default. Throws a `TypeError` naming a bad option (a `PolicyError` for bad policy options). */
export function resolveOptions(url: unknown, options: SocketOptions | undefined): ResolvedOptions {
  check('url', url, typeof url === 'string' || typeof url === 'function' || (typeof URL !== 'undefined' && url instanceof URL), 'a string, a URL, or a function returning one (or a promise of one)');
  const o: SocketOptions = check<SocketOptions | undefined>('options', options, options === undefined || isObject(options), 'an object') ?? {};

  const WebSocket = o.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
  if (typeof WebSocket !== 'function') {
    throw new TypeError(
      o.WebSocket === undefined
        ? "createSocket: there is no global WebSocket here; pass one as options.WebSocket (e.g. `import { WebSocket } from 'undici'` or from 'ws')."
        : `createSocket: options.WebSocket must be a WebSocket constructor, got ${show(o.WebSocket)}.`,
    );
  }

  const protocols = o.protocols ?? (isObject(o.preset) ? (o.preset.protocols as SocketOptions['protocols']) : undefined);
  const list = typeof protocols === 'string' ? [protocols] : protocols;
  check('options.protocols', protocols, list === undefined || (Array.isArray(list) && list.every((p) => typeof p === 'string' && p !== '')), 'a non-empty string or an array of them');

  const codes = o.codes;
  check('options.codes', codes, codes === undefined || (isObject(codes) && typeof codes.nameOf === 'function'), 'a contract from defineCloseCodes()');

  const random = o.random === undefined ? undefined : fn<RandomSource>('random', o.random);
  const preset = check<SocketOptions['preset']>('options.preset', o.preset, o.preset === undefined || isObject(o.preset), "a preset such as graphqlWs from 'closekit/presets'");
  const given = o.policy;
  let policy: Policy;
  let resetAfterMs = 5000;
  if (isObject(given) && typeof given.decide === 'function') {
    policy = given as unknown as Policy;
  } else {
    const policyOptions = check<PolicyOptions | undefined>('options.policy', given, given === undefined || isObject(given), 'a policy from createPolicy() or its options');
    // The socket's codes and random are the policy's defaults; its own win.
    policy = createPolicy({
      ...(preset && { preset }),
      ...policyOptions,
      ...(policyOptions?.codes === undefined && codes && { codes }),
      ...(policyOptions?.random === undefined && random && { random }),
    });
    if (typeof policyOptions?.resetAfterMs === 'number') resetAfterMs = policyOptions.resetAfterMs;
  }

  const auth = check<SocketOptions['auth']>('options.auth', o.auth, o.auth === undefined || isObject(o.auth), 'an object { refresh }');
  const refresh = auth && fn<AuthOptions['refresh']>('auth.refresh', auth.refresh);

  check('options.binaryType', o.binaryType, o.binaryType === undefined || typeof o.binaryType === 'string', "a string such as 'arraybuffer' or 'blob'");

  let heartbeat: ResolvedOptions['heartbeat'];
  // The preset's heartbeat is the default; the app's fields are merged over it.
  const h = o.heartbeat === false ? false : preset?.heartbeat && isObject(o.heartbeat ?? {}) ? { ...preset.heartbeat, ...o.heartbeat } : o.heartbeat;
  if (h !== undefined && h !== false) {
    check('options.heartbeat', h, isObject(h), 'an object { intervalMs, timeoutMs } or false');
    const message = h.message ?? 'ping';
    check('options.heartbeat.message', message, message !== null && ['string', 'function', 'object'].includes(typeof message), 'data to send, or a function returning it');
    heartbeat = {
      intervalMs: ms('heartbeat.intervalMs', h.intervalMs, undefined, true),
      timeoutMs: ms('heartbeat.timeoutMs', h.timeoutMs, undefined, true),
      message,
      isPong: h.isPong === undefined ? (data) => data === 'pong' : fn('heartbeat.isPong', h.isPong),
      answer: h.answer === undefined ? () => undefined : fn('heartbeat.answer', h.answer),
    };
  }

  let queue: ResolvedOptions['queue'];
  const q = o.queue ?? {};
  if (q !== false) {
    check('options.queue', q, isObject(q), 'an object { max, overflow, confirmAfterMs } or false');
    const max = q.max ?? 100;
    check('options.queue.max', max, typeof max === 'number' && (Number.isInteger(max) || max === Infinity) && max >= 1, 'an integer ≥ 1 (or Infinity)');
    const overflow = q.overflow ?? 'drop-oldest';
    check('options.queue.overflow', overflow, OVERFLOWS.includes(overflow), `one of ${OVERFLOWS.map((x) => `'${x}'`).join(', ')}`);
    queue = { max, overflow, confirmAfterMs: ms('queue.confirmAfterMs', q.confirmAfterMs, 1000, false) };
  }

  for (const flag of ['pauseWhenOffline', 'pauseWhenHidden', 'startClosed'] as const) {
    check(`options.${flag}`, o[flag], o[flag] === undefined || typeof o[flag] === 'boolean', 'true or false');
  }
  const onlineSource = o.online === undefined ? undefined : withMethods<OnlineSource>('online', o.online, ['isOnline', 'subscribe']);
  const visibilitySource = o.visibility === undefined ? undefined : withMethods<VisibilitySource>('visibility', o.visibility, ['isVisible', 'subscribe']);

  return {
    url: url as UrlSource,
    protocols: list && (typeof protocols === 'string' ? protocols : [...list]),
    codes,
    policy,
    resetAfterMs,
    refresh,
    WebSocket,
    binaryType: o.binaryType,
    connectTimeoutMs: ms('connectTimeoutMs', o.connectTimeoutMs, 10_000, true),
    heartbeat,
    queue,
    online: o.pauseWhenOffline === false ? undefined : (onlineSource ?? browserOnlineSource()),
    visibility: o.pauseWhenHidden === true ? (visibilitySource ?? browserVisibilitySource()) : undefined,
    startClosed: o.startClosed === true,
    clock: o.clock === undefined ? { now: () => Date.now() } : withMethods<Clock>('clock', o.clock, ['now']),
    timers:
      o.timers === undefined
        ? {
            setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
            clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
          }
        : withMethods<Timers>('timers', o.timers, ['setTimeout', 'clearTimeout']),
  };
}
