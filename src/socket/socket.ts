// The effect runner: owns the WebSocket, the timers, the queue and the
// heartbeat, and runs what the pure machine in machine.ts decides. Inputs are
// processed one at a time (run to completion), so a listener that calls back
// into the socket is handled after the current step, never in the middle of it.
//
// It is one closure rather than a class with private members: local names
// minify, property names would not.
import { classify, type CloseResult } from '../classify';
import type { CloseCodeMap } from '../codes';
import { ReadyState, type TimerHandle, type WebSocketLike } from '../environment';
import { show } from '../errors';
import type { Decision, PolicyContext } from '../policy/types';
import { validateClientClose } from '../validate';
import { GuardedEmitter, emitSafely } from './emitter';
import { SocketError, describeThrown, type SocketErrorCode } from './errors';
import { initialContext, transition, type Effect, type Input, type MachineContext } from './machine';
import { resolveOptions, type ResolvedOptions } from './options';
import type { SendData, SocketEvents, SocketOptions, SocketState, UrlSource } from './types';

const noop = (): void => {};

/** A `SocketError` for a thrown or rejected value: "<what>: <what was thrown>". */
const thrown = (code: SocketErrorCode, what: string, error: unknown, cause: unknown = error): SocketError =>
  new SocketError(code, `${what}: ${describeThrown(error)}`, cause);

const toError = (value: unknown): Error => (value instanceof Error ? value : new Error(describeThrown(value)));

const gone = (method: string): SocketError => new SocketError('disposed', `${method}() after dispose(): this socket is gone; create a new one.`);

/** What {@link ManagedSocket} needs from its runner. */
interface Runner {
  context(): MachineContext;
  socket(): WebSocketLike | undefined;
  url(): string | undefined;
  send(data: SendData): void;
  /** Feeds an input to the machine; ignored after `dispose()`. */
  input(input: Input): void;
  now(): number;
  isDisposed(): boolean;
  dispose(): void;
}

/**
 * A WebSocket that classifies every close, asks its policy what to do, and
 * acts on it: reconnect with backoff, re-authenticate, or stop. Created by
 * {@link createSocket}; an eventemitter3 emitter typed by {@link SocketEvents}.
 *
 * Listeners are isolated: one that throws is reported through `error` and
 * the socket carries on.
 *
 * @example
 * const off = socket.subscribe('rejected', (r) => console.log(r.name));
 * off();
 */
export class ManagedSocket<N extends string = string> extends GuardedEmitter<SocketEvents<N>> {
  /** @internal */
  private readonly r: Runner;

  /** @internal Use {@link createSocket}. */
  constructor(url: UrlSource, options?: SocketOptions) {
    super();
    this.r = runner(this as unknown as GuardedEmitter<SocketEvents>, resolveOptions(url, options));
  }

  /** Where the socket is in its life. */
  get state(): SocketState {
    return this.r.context().state;
  }

  /**
   * Consecutive failed attempts in this run: 0 while the first connection is
   * tried (and after a stable open or `reconnect()`), 1 during the first retry…
   */
  get attempt(): number {
    return this.r.context().failures;
  }

  /** The last close, classified; undefined before the first. */
  get lastClose(): CloseResult<N> | undefined {
    return this.r.context().lastClose as CloseResult<N> | undefined;
  }

  /** The URL of the last attempt (as the `url` function returned it); undefined before the first. */
  get url(): string | undefined {
    return this.r.url();
  }

  /** The subprotocol the server chose on the current connection, or `''`. */
  get protocol(): string {
    const state = this.state;
    return state === 'open' || state === 'closing' ? (this.r.socket()?.protocol ?? '') : '';
  }

  /** The underlying WebSocket's `readyState` (`ReadyState.CLOSED` when there is none). */
  get readyState(): number {
    return this.r.socket()?.readyState ?? (this.state === 'connecting' ? ReadyState.CONNECTING : ReadyState.CLOSED);
  }

  /**
   * Sends `data` now when open, else queues it (delivered in order after the
   * next open). Throws a `SocketError` after the run stopped (`stopped`),
   * after `dispose()` (`disposed`), with the queue off (`not-open`) or full
   * under `overflow: 'error'` (`queue-full`).
   */
  send(data: SendData): void {
    this.r.send(data);
  }

  /**
   * Closes the connection with `code` (default 1000) and `reason`, and stops
   * reconnecting (`stopped` with cause `client`). The code and reason are
   * checked first, as a browser would: a `CloseCodeError` is thrown for
   * anything but 1000 or 3000–4999, or a reason over 123 UTF-8 bytes, and
   * the socket stays as it was.
   */
  close(code: number = 1000, reason?: string): void {
    validateClientClose(code, reason);
    this.r.input({ type: 'close', code, reason });
  }

  /**
   * Starts a new attempt now: drops the current connection or wait if any,
   * resets the attempt counters, and also restarts a stopped socket.
   */
  reconnect(): void {
    if (this.r.isDisposed()) throw gone('reconnect');
    this.r.input({ type: 'reconnect', at: this.r.now() });
  }

  /**
   * Closes everything for good: the connection, every timer, the online and
   * visibility subscriptions, and every listener (after a final `stopped`
   * with cause `client` if the run was still going). Idempotent.
   */
  dispose(): void {
    this.r.dispose();
  }
}

function runner(emitter: GuardedEmitter<SocketEvents>, o: ResolvedOptions): Runner {
  const { clock, timers, heartbeat: hb, queue: q } = o;
  const emit = <E extends keyof SocketEvents>(event: E, payload: Parameters<SocketEvents[E]>[0]): void =>
    (emitSafely as (e: typeof emitter, event: E, payload: unknown) => void)(emitter, event, payload);
  const report = (error: Error): void => emit('error', error);
  const now = (): number => clock.now();

  const inbox: Input[] = [];
  let processing = false;
  let disposed = false;
  let ws: WebSocketLike | undefined;
  let lastUrl: string | undefined;
  const handles = new Map<string, TimerHandle>();
  const unsubscribers: (() => void)[] = [];
  /** Messages passed to send() while not open (always empty with `queue: false`). */
  let queue: SendData[] = [];
  /** What was written on the current connection since its open, while it is unconfirmed (see `queue.confirmAfterMs`). */
  let unconfirmed: SendData[] | undefined;
  // Heartbeat: one timer at a time, none rescheduled per message, so a busy stream costs nothing extra.
  let awaitingPong = false;
  let lastActivityMs = 0;

  const config = {
    classify: (event: Parameters<typeof classify>[0], opened: boolean) => classify(event, { codes: o.codes, opened }),
    decide,
    resetAfterMs: o.resetAfterMs,
    connectTimeoutMs: o.connectTimeoutMs,
    confirmAfterMs: q?.confirmAfterMs ?? 0,
    canRefresh: o.refresh !== undefined,
  };

  function callHook<T, F>(hook: () => T, fallback: F, name = 'A hook'): T | F {
    try {
      return hook();
    } catch (error) {
      report(thrown('hook-failed', `${name} threw`, error));
      return fallback;
    }
  }

  function setTimer(name: string, delayMs: number, callback: () => void): void {
    clearTimer(name);
    handles.set(
      name,
      timers.setTimeout(() => {
        handles.delete(name);
        callback();
      }, delayMs),
    );
  }

  function clearTimer(name: string): void {
    if (!handles.has(name)) return;
    timers.clearTimeout(handles.get(name));
    handles.delete(name);
  }

  function dispatch(input: Input): void {
    if (disposed) return;
    inbox.push(input);
    if (processing) return;
    processing = true;
    try {
      for (let next = inbox.shift(); next !== undefined && !disposed; next = inbox.shift()) {
        const t = transition(context, next, config);
        context = t.context;
        for (const effect of t.effects) {
          if (disposed) return;
          run(effect);
        }
      }
    } finally {
      processing = false;
    }
  }

  function run(effect: Effect): void {
    switch (effect.type) {
      case 'emit':
        (emit as (event: string, payload: unknown) => void)(effect.event, effect.payload);
        return;
      case 'resolve-url':
        return resolveUrl(effect.epoch);
      case 'connect':
        return connect(effect.epoch, effect.url);
      case 'abandon':
        return detach(effect.reason);
      case 'close-socket':
        ws?.close(effect.code, effect.reason);
        return;
      case 'set-timer': {
        const timer = effect.timer;
        return setTimer(timer, effect.delayMs, () => dispatch({ type: 'timer', timer, at: now() }));
      }
      case 'clear-timer':
        return clearTimer(effect.timer);
      case 'heartbeat':
        awaitingPong = false;
        clearTimer('heartbeat');
        if (effect.running && hb !== undefined) {
          lastActivityMs = now();
          setTimer('heartbeat', hb.intervalMs, beat);
        }
        return;
      case 'flush':
        if (effect.track) unconfirmed = [];
        return flush();
      case 'confirmed':
        unconfirmed = undefined;
        return;
      case 'requeue':
        // Back in front of what was queued since, in order; what no longer fits is reported.
        queue = [...(unconfirmed ?? []), ...queue];
        unconfirmed = undefined;
        return trim(q?.overflow === 'drop-oldest');
      case 'refresh':
        return refresh(effect.epoch, effect.attempt, effect.result);
      case 'stopped': {
        const pending = queue;
        queue = [];
        emit('stopped', { cause: effect.cause, result: effect.result, pending });
        return;
      }
    }
  }

  /** Cuts the queue to `queue.max`, dropping the oldest or the newest, and reports what went. */
  function trim(oldest: boolean): void {
    const excess = queue.length - (q?.max ?? 0);
    if (excess <= 0) return;
    const dropped = oldest ? queue.splice(0, excess) : queue.splice(queue.length - excess);
    emit('dropped', { messages: dropped });
  }

  function resolveUrl(epoch: number): void {
    const source = o.url;
    const failed = (error: unknown): void =>
      dispatch({
        type: 'url-failed',
        epoch,
        error: thrown('url-failed', 'The url function failed (the attempt counts as failed)', error, toError(error)),
      });
    const resolved = (value: unknown): void => {
      if (typeof value === 'string' || (typeof URL !== 'undefined' && value instanceof URL)) {
        dispatch({ type: 'url-resolved', epoch, url: String(value) });
      } else {
        failed(new TypeError(`the url function must return a string or a URL (or a promise of one), got ${typeof value}`));
      }
    };
    if (typeof source !== 'function') return resolved(source);
    let value: unknown;
    try {
      value = source();
    } catch (error) {
      return failed(error);
    }
    if (typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function') {
      Promise.resolve(value as PromiseLike<unknown>).then(resolved, failed);
    } else resolved(value);
  }

  function connect(epoch: number, url: string): void {
    detach('replaced');
    lastUrl = url;
    let socket: WebSocketLike;
    try {
      socket = o.protocols === undefined ? new o.WebSocket(url) : new o.WebSocket(url, o.protocols);
    } catch (error) {
      return dispatch({ type: 'connect-failed', epoch, error: thrown('connect-failed', `new WebSocket(${JSON.stringify(url)}) threw`, error, toError(error)) });
    }
    ws = socket;
    if (o.binaryType !== undefined) socket.binaryType = o.binaryType;
    socket.onopen = () => dispatch({ type: 'socket-open', epoch, at: now(), protocol: socket.protocol ?? '' });
    socket.onclose = (event) => dispatch({ type: 'socket-close', epoch, event, at: now() });
    // The close that always follows an error carries everything a browser will tell us.
    socket.onerror = noop;
    socket.onmessage = (event) => received(socket, event.data);
  }

  /** Stops listening to the current WebSocket and closes it if it is still up. */
  function detach(reason: string): void {
    const socket = ws;
    if (socket === undefined) return;
    ws = undefined;
    // Handlers become no-ops rather than null: the `ws` package throws on an 'error' event nobody listens to.
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = noop;
    try {
      if (socket.readyState === ReadyState.OPEN) socket.close(1000, reason);
      else if (socket.readyState === ReadyState.CONNECTING) socket.close();
    } catch {
      // Already closing or closed under us; nothing left to release.
    }
  }

  function received(socket: WebSocketLike, data: unknown): void {
    if (socket !== ws || disposed) return;
    // Anything from the server, a pong included, shows it kept the connection: what we wrote is not coming back.
    if (unconfirmed !== undefined) dispatch({ type: 'message', epoch: context.epoch });
    if (hb !== undefined) {
      lastActivityMs = now();
      if (awaitingPong) {
        awaitingPong = false;
        setTimer('heartbeat', hb.intervalMs, beat);
      }
      if (callHook(() => hb.isPong(data), false, 'heartbeat.isPong') === true) return;
      // The server's own ping (Centrifugo's, graphql-ws's): answered here, not handed to the app.
      const reply = callHook(() => hb.answer(data), undefined, 'heartbeat.answer');
      if (reply !== undefined) {
        try {
          socket.send(reply as never);
        } catch (error) {
          report(thrown('hook-failed', 'Sending the heartbeat answer failed', error));
        }
        return;
      }
    }
    emit('message', data);
  }

  /** The heartbeat timer: ping after a quiet interval; no reply by the next beat means dead. */
  function beat(): void {
    if (hb === undefined) return;
    if (awaitingPong) {
      awaitingPong = false;
      return dispatch({ type: 'heartbeat-dead', epoch: context.epoch, at: now() });
    }
    const quietMs = now() - lastActivityMs;
    // Messages came in meanwhile: wait out the rest of a quiet interval.
    if (quietMs < hb.intervalMs) return setTimer('heartbeat', hb.intervalMs - quietMs, beat);
    // The deadline is set before the ping: a ping that throws is still detected as dead.
    awaitingPong = true;
    setTimer('heartbeat', hb.timeoutMs, beat);
    const socket = ws;
    if (socket === undefined || socket.readyState !== ReadyState.OPEN) return;
    const message = hb.message;
    const data = typeof message === 'function' ? callHook(message, undefined, 'heartbeat.message') : message;
    if (data === undefined) return;
    try {
      socket.send(data as never);
    } catch (error) {
      report(thrown('hook-failed', 'Sending the heartbeat ping failed', error));
    }
  }

  function flush(): void {
    const socket = ws;
    while (socket !== undefined && queue.length > 0 && socket.readyState === ReadyState.OPEN) {
      const data = queue.shift() as SendData;
      try {
        socket.send(data as never);
      } catch (error) {
        report(thrown('send-failed', 'A queued message could not be sent', error));
        emit('dropped', { messages: [data] });
        continue;
      }
      unconfirmed?.push(data);
    }
  }

  function refresh(epoch: number, attempt: number, result: CloseResult): void {
    const failed = (error: unknown): void =>
      dispatch({ type: 'refresh-failed', epoch, error: thrown('refresh-failed', 'auth.refresh failed', error, toError(error)) });
    const hook = o.refresh;
    if (hook === undefined) return failed(new Error('no auth.refresh is configured'));
    let value: unknown;
    try {
      value = hook({ attempt, result });
    } catch (error) {
      return failed(error);
    }
    Promise.resolve(value).then(() => dispatch({ type: 'refresh-done', epoch }), failed);
  }

  /**
   * Asks the policy, guarding against a hand-written one that throws or answers
   * nonsense: that is reported and the run stops, rather than looping or hanging.
   */
  function decide(result: CloseResult, policyContext: PolicyContext): Decision {
    let problem: string;
    let cause: unknown;
    try {
      const d = o.policy.decide(result, policyContext) as unknown as { action?: unknown; delayMs?: number; cause?: unknown } | null | undefined;
      const action = d?.action;
      if (action === 'stop' ? typeof d?.cause === 'string' : (action === 'reconnect' || action === 'reauth') && Number.isFinite(d?.delayMs) && (d?.delayMs as number) >= 0) {
        return d as unknown as Decision;
      }
      problem = `policy.decide returned ${show(d)}, which is not a decision`;
    } catch (error) {
      problem = `policy.decide threw: ${describeThrown(error)}`;
      cause = error;
    }
    report(new SocketError('hook-failed', `${problem}; the socket stops (cause 'policy').`, cause));
    return { action: 'stop', cause: 'policy', rule: { source: 'default', key: 'policy.decide', origin: 'app', rule: { action: 'stop' } } };
  }

  const { online, visibility } = o;
  let context = initialContext(
    online === undefined || callHook(() => online.isOnline(), true) !== false,
    visibility === undefined || callHook(() => visibility.isVisible(), true) !== false,
  );
  // Subscribed only now: a source may call back at once, and the machine must exist by then.
  const watch = (subscribe: () => unknown): void => {
    const off = callHook(subscribe, undefined, 'subscribe');
    if (typeof off === 'function') unsubscribers.push(off as () => void);
  };
  if (online !== undefined) watch(() => online.subscribe((value) => dispatch({ type: 'online', online: value !== false })));
  if (visibility !== undefined) watch(() => visibility.subscribe((value) => dispatch({ type: 'visible', visible: value !== false })));
  // Connect on the next tick, so listeners added right after createSocket() see every event.
  if (!o.startClosed) setTimer('start', 0, () => dispatch({ type: 'start' }));

  return {
    context: () => context,
    socket: () => ws,
    url: () => lastUrl,
    now,
    input: dispatch,
    isDisposed: () => disposed,
    send(data) {
      if (disposed) throw gone('send');
      const state = context.state;
      if (state === 'stopped') throw new SocketError('stopped', "send() after the socket stopped: call reconnect() first, or listen for 'stopped'.");
      if (state === 'open' && ws !== undefined && ws.readyState === ReadyState.OPEN && queue.length === 0) {
        ws.send(data as never);
        if (unconfirmed !== undefined) {
          unconfirmed.push(data);
          dispatch({ type: 'sent', epoch: context.epoch, at: now() });
        }
        return;
      }
      if (q === undefined) throw new SocketError('not-open', `send() while ${state} and options.queue is false: wait for 'open', or turn the queue on.`);
      if (queue.length >= q.max && q.overflow === 'error') {
        throw new SocketError('queue-full', `send() while not open: the queue is full (queue.max ${q.max}, queue.overflow 'error'). Wait for 'open' or raise queue.max.`);
      }
      queue.push(data);
      trim(q.overflow === 'drop-oldest');
    },
    dispose() {
      if (disposed) return;
      // Marked first, so a `stopped` listener calling back in cannot start anything new.
      disposed = true;
      // Run at once, even from inside a listener: whatever was queued behind it is moot.
      inbox.length = 0;
      const t = transition(context, { type: 'dispose', at: now() }, config);
      context = t.context;
      for (const effect of t.effects) run(effect);
      for (const name of [...handles.keys()]) clearTimer(name);
      detach('disposed');
      for (const off of unsubscribers.splice(0)) callHook(off, undefined, 'unsubscribe');
      emitter.removeAllListeners();
    },
  };
}

/**
 * Creates a {@link ManagedSocket} and starts connecting (on the next tick,
 * unless `startClosed`). `url` may be a function, called before every
 * attempt. With `codes`, results and events carry the app's code names.
 *
 * @example
 * const AppCodes = defineCloseCodes({ Unauthorized: 4001, Forbidden: 4003 });
 * const socket = createSocket(() => `wss://example.test/live?token=${token}`, {
 *   codes: AppCodes,
 *   policy: { rules: { Unauthorized: 'reauth', Forbidden: 'stop' } },
 *   auth: { refresh: () => renewToken() },
 * });
 * socket.on('rejected', (r) => console.log(r.name)); // 'Unauthorized' | 'Forbidden' | …
 */
export function createSocket<const M extends CloseCodeMap = Record<never, number>>(
  url: UrlSource,
  options?: SocketOptions<M>,
): ManagedSocket<keyof M & string> {
  return new ManagedSocket<keyof M & string>(url, options as SocketOptions | undefined);
}
