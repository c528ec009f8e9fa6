// Options are checked and filled in once, when the socket is created: a bad
// option fails there with a message naming it, never later inside a timer.
import type { CloseCodeContract } from '../codes';
import type { Clock, RandomSource, Timers, WebSocketConstructorLike } from '../environment';
import { show } from '../errors';
import { createPolicy } from '../policy';
import type { Policy, PolicyOptions } from '../policy/types';
import type { AuthOptions, OnlineSource, QueueOverflow, SendData, SocketOptions, UrlSource, VisibilitySource } from './types';

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
  readonly heartbeat:
    | {
        readonly intervalMs: number;
        readonly timeoutMs: number;
        readonly message: SendData | (() => SendData);
        readonly isPong: (data: unknown) => boolean;
      }
    | undefined;
  readonly queue: { readonly max: number; readonly overflow: QueueOverflow; readonly confirmAfterMs: number } | undefined;
  readonly online: OnlineSource | undefined;
  readonly visibility: VisibilitySource | undefined;
  readonly startClosed: boolean;
  readonly clock: Clock;
  readonly timers: Timers;
}

const DEFAULT_RESET_AFTER_MS = 5000;
const OVERFLOWS: readonly QueueOverflow[] = ['drop-oldest', 'drop-newest', 'error'];

function fail(option: string, value: unknown, expected: string): never {
  throw new TypeError(`createSocket: ${option} must be ${expected}, got ${typeof value === 'function' ? 'a function' : show(value)}.`);
}

function checkMs(option: string, value: unknown, allowZero: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    fail(option, value, allowZero ? 'a finite number of milliseconds ≥ 0' : 'a finite number of milliseconds > 0');
  }
  return value;
}

function checkFunction<F>(option: string, value: unknown): F {
  if (typeof value !== 'function') fail(option, value, 'a function');
  return value as F;
}

function isPolicy(value: unknown): value is Policy {
  return typeof value === 'object' && value !== null && typeof (value as Policy).decide === 'function';
}

const defaultTimers: Timers = {
  setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const defaultClock: Clock = { now: () => Date.now() };

/** The browser's network state, when there is one. */
function browserOnlineSource(): OnlineSource | undefined {
  const g = globalThis as {
    navigator?: { onLine?: unknown };
    addEventListener?: (type: string, listener: () => void) => void;
    removeEventListener?: (type: string, listener: () => void) => void;
  };
  const navigator = g.navigator;
  const add = g.addEventListener;
  const remove = g.removeEventListener;
  if (navigator === undefined || typeof navigator.onLine !== 'boolean' || typeof add !== 'function' || typeof remove !== 'function') return undefined;
  return {
    isOnline: () => navigator.onLine !== false,
    subscribe(listener) {
      const online = (): void => listener(true);
      const offline = (): void => listener(false);
      add.call(g, 'online', online);
      add.call(g, 'offline', offline);
      return () => {
        remove.call(g, 'online', online);
        remove.call(g, 'offline', offline);
      };
    },
  };
}

/** The page's visibility, when there is a document. */
function browserVisibilitySource(): VisibilitySource | undefined {
  const document = (globalThis as { document?: Document }).document;
  if (document === undefined || typeof document.addEventListener !== 'function' || typeof document.visibilityState !== 'string') return undefined;
  const isVisible = (): boolean => document.visibilityState !== 'hidden';
  return {
    isVisible,
    subscribe(listener) {
      const changed = (): void => listener(isVisible());
      document.addEventListener('visibilitychange', changed);
      return () => document.removeEventListener('visibilitychange', changed);
    },
  };
}

function checkSource<S>(option: string, value: unknown, methods: readonly string[]): S {
  if (typeof value !== 'object' || value === null || methods.some((m) => typeof (value as Record<string, unknown>)[m] !== 'function')) {
    fail(option, value, `an object with ${methods.map((m) => `${m}()`).join(' and ')}`);
  }
  return value as S;
}

/** Validates `options` and fills in every default. Throws a `TypeError` naming a bad option (a `PolicyError` for bad policy options). */
export function resolveOptions(url: unknown, options: SocketOptions | undefined): ResolvedOptions {
  if (typeof url !== 'string' && typeof url !== 'function' && !(typeof URL !== 'undefined' && url instanceof URL)) {
    fail('url', url, 'a string, a URL, or a function returning one (or a promise of one)');
  }
  if (options !== undefined && (typeof options !== 'object' || options === null)) fail('options', options, 'an object');
  const o: SocketOptions = options ?? {};

  const WebSocketCtor = (o.WebSocket ?? (globalThis as { WebSocket?: unknown }).WebSocket) as WebSocketConstructorLike | undefined;
  if (typeof WebSocketCtor !== 'function') {
    throw new TypeError(
      o.WebSocket === undefined
        ? "createSocket: there is no global WebSocket here; pass one as options.WebSocket (e.g. `import { WebSocket } from 'undici'` or from 'ws')."
        : `createSocket: options.WebSocket must be a WebSocket constructor, got ${show(o.WebSocket)}.`,
    );
  }

  let protocols: string | string[] | undefined;
  if (o.protocols !== undefined) {
    const list = typeof o.protocols === 'string' ? [o.protocols] : o.protocols;
    if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || p === '')) {
      fail('options.protocols', o.protocols, 'a non-empty string or an array of them');
    }
    protocols = typeof o.protocols === 'string' ? o.protocols : [...o.protocols];
  }

  if (o.codes !== undefined && (typeof o.codes !== 'object' || o.codes === null || typeof o.codes.nameOf !== 'function')) {
    fail('options.codes', o.codes, 'a contract from defineCloseCodes()');
  }

  const random: RandomSource | undefined = o.random === undefined ? undefined : checkFunction<RandomSource>('options.random', o.random);
  let policy: Policy;
  let resetAfterMs = DEFAULT_RESET_AFTER_MS;
  if (isPolicy(o.policy)) {
    policy = o.policy;
  } else if (o.policy === undefined || (typeof o.policy === 'object' && o.policy !== null)) {
    const given: PolicyOptions = o.policy ?? {};
    const merged: PolicyOptions = {
      ...given,
      ...(given.codes === undefined && o.codes !== undefined ? { codes: o.codes } : {}),
      ...(given.random === undefined && random !== undefined ? { random } : {}),
    };
    policy = createPolicy(merged);
    if (typeof given.resetAfterMs === 'number') resetAfterMs = given.resetAfterMs;
  } else {
    fail('options.policy', o.policy, 'a policy from createPolicy() or its options');
  }

  let refresh: AuthOptions['refresh'] | undefined;
  if (o.auth !== undefined) {
    if (typeof o.auth !== 'object' || o.auth === null) fail('options.auth', o.auth, 'an object { refresh }');
    refresh = checkFunction<AuthOptions['refresh']>('options.auth.refresh', o.auth.refresh);
  }

  if (o.binaryType !== undefined && typeof o.binaryType !== 'string') fail('options.binaryType', o.binaryType, "a string such as 'arraybuffer' or 'blob'");

  const connectTimeoutMs = o.connectTimeoutMs === undefined ? 10_000 : checkMs('options.connectTimeoutMs', o.connectTimeoutMs, false);

  let heartbeat: ResolvedOptions['heartbeat'];
  if (o.heartbeat !== undefined && o.heartbeat !== false) {
    const h = o.heartbeat;
    if (typeof h !== 'object' || h === null) fail('options.heartbeat', h, 'an object { intervalMs, timeoutMs } or false');
    const message = h.message ?? 'ping';
    if (message === null || (typeof message !== 'string' && typeof message !== 'function' && typeof message !== 'object')) {
      fail('options.heartbeat.message', message, 'data to send, or a function returning it');
    }
    heartbeat = {
      intervalMs: checkMs('options.heartbeat.intervalMs', h.intervalMs, false),
      timeoutMs: checkMs('options.heartbeat.timeoutMs', h.timeoutMs, false),
      message,
      isPong: h.isPong === undefined ? (data) => data === 'pong' : checkFunction('options.heartbeat.isPong', h.isPong),
    };
  }

  let queue: ResolvedOptions['queue'];
  if (o.queue !== false) {
    const q = o.queue ?? {};
    if (typeof q !== 'object' || q === null) fail('options.queue', q, 'an object { max, overflow, confirmAfterMs } or false');
    const max = q.max ?? 100;
    if (typeof max !== 'number' || !(Number.isInteger(max) || max === Infinity) || max < 1) fail('options.queue.max', max, 'an integer ≥ 1 (or Infinity)');
    const overflow = q.overflow ?? 'drop-oldest';
    if (!OVERFLOWS.includes(overflow)) fail('options.queue.overflow', overflow, `one of ${OVERFLOWS.map((x) => `'${x}'`).join(', ')}`);
    const confirmAfterMs = q.confirmAfterMs === undefined ? 1000 : checkMs('options.queue.confirmAfterMs', q.confirmAfterMs, true);
    queue = { max, overflow, confirmAfterMs };
  }

  for (const flag of ['pauseWhenOffline', 'pauseWhenHidden', 'startClosed'] as const) {
    if (o[flag] !== undefined && typeof o[flag] !== 'boolean') fail(`options.${flag}`, o[flag], 'true or false');
  }
  const onlineSource = o.online === undefined ? undefined : checkSource<OnlineSource>('options.online', o.online, ['isOnline', 'subscribe']);
  const visibilitySource =
    o.visibility === undefined ? undefined : checkSource<VisibilitySource>('options.visibility', o.visibility, ['isVisible', 'subscribe']);
  const online = o.pauseWhenOffline === false ? undefined : (onlineSource ?? browserOnlineSource());
  const visibility = o.pauseWhenHidden === true ? (visibilitySource ?? browserVisibilitySource()) : undefined;

  const clock = o.clock === undefined ? defaultClock : checkSource<Clock>('options.clock', o.clock, ['now']);
  const timers = o.timers === undefined ? defaultTimers : checkSource<Timers>('options.timers', o.timers, ['setTimeout', 'clearTimeout']);

  return {
    url: url as UrlSource,
    protocols,
    codes: o.codes,
    policy,
    resetAfterMs,
    refresh,
    WebSocket: WebSocketCtor,
    binaryType: o.binaryType,
    connectTimeoutMs,
    heartbeat,
    queue,
    online,
    visibility,
    startClosed: o.startClosed === true,
    clock,
    timers,
  };
}
