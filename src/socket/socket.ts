// The effect runner: owns the WebSocket, the timers and the emitter, and runs
// what the pure machine in machine.ts decides. Inputs are processed one at a
// time (run to completion), so a listener that calls back into the socket is
// handled after the current step, never in the middle of it.
import { classify, type CloseEventLike, type CloseResult } from '../classify';
import type { CloseCodeMap } from '../codes';
import { ReadyState, type TimerHandle, type WebSocketLike } from '../environment';
import { show } from '../errors';
import type { Decision, Policy, PolicyContext } from '../policy/types';
import { validateClientClose } from '../validate';
import { GuardedEmitter } from './emitter';
import { SocketError, describeThrown } from './errors';
import { Heartbeat } from './heartbeat';
import { initialContext, transition, type Effect, type Input, type MachineConfig, type MachineContext, type TimerName } from './machine';
import { resolveOptions, type ResolvedOptions } from './options';
import { MessageQueue } from './queue';
import type { SendData, SocketEvents, SocketOptions, SocketState, UrlSource } from './types';

const noop = (): void => {};

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(describeThrown(value));
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
  private readonly options: ResolvedOptions;
  private readonly config: MachineConfig;
  private context: MachineContext;
  private readonly inbox: Input[] = [];
  private processing = false;
  private disposed = false;
  private ws: WebSocketLike | undefined;
  private resolvedUrl: string | undefined;
  private readonly timerHandles = new Map<TimerName | 'start', TimerHandle>();
  private readonly queue: MessageQueue | undefined;
  /** What was written on the current connection since its open, while it is unconfirmed (see `queue.confirmAfterMs`). */
  private unconfirmed: SendData[] | undefined;
  private readonly heartbeat: Heartbeat | undefined;
  private readonly unsubscribers: (() => void)[] = [];

  /** @internal Use {@link createSocket}. */
  constructor(url: UrlSource, options?: SocketOptions) {
    super();
    const o = resolveOptions(url, options);
    this.options = o;
    const codes = o.codes;
    const policy = o.policy;
    this.config = {
      classify: (event: CloseEventLike, opened: boolean) => classify(event, { codes, opened }),
      decide: (result, context) => this.decide(policy, result, context),
      resetAfterMs: o.resetAfterMs,
      connectTimeoutMs: o.connectTimeoutMs,
      confirmAfterMs: o.queue?.confirmAfterMs ?? 0,
      canRefresh: o.refresh !== undefined,
    };
    this.queue = o.queue === undefined ? undefined : new MessageQueue(o.queue.max, o.queue.overflow);
    const hb = o.heartbeat;
    if (hb !== undefined) {
      this.heartbeat = new Heartbeat(o.clock, o.timers, hb.intervalMs, hb.timeoutMs, {
        ping: () => this.sendPing(),
        dead: () => this.dispatch({ type: 'heartbeat-dead', epoch: this.context.epoch, at: o.clock.now() }),
      });
    }

    const { online, visibility } = o;
    const isOnline = online === undefined ? true : this.callHook(() => online.isOnline(), true) !== false;
    const isVisible = visibility === undefined ? true : this.callHook(() => visibility.isVisible(), true) !== false;
    this.context = initialContext(isOnline, isVisible);
    // Subscribed only now: a source may call back at once, and the machine must exist by then.
    if (online !== undefined) {
      this.watch(() => online.subscribe((value) => this.dispatch({ type: 'online', online: value !== false })));
    }
    if (visibility !== undefined) {
      this.watch(() => visibility.subscribe((value) => this.dispatch({ type: 'visible', visible: value !== false })));
    }
    // Connect on the next tick, so listeners added right after createSocket() see every event.
    if (!o.startClosed) this.setTimer('start', 0, () => this.dispatch({ type: 'start' }));
  }

  // ---- properties ----------------------------------------------------------

  /** Where the socket is in its life. */
  get state(): SocketState {
    return this.context.state;
  }

  /**
   * Consecutive failed attempts in this run: 0 while the first connection is
   * tried (and after a stable open or `reconnect()`), 1 during the first retry…
   */
  get attempt(): number {
    return this.context.failures;
  }

  /** The last close, classified; undefined before the first. */
  get lastClose(): CloseResult<N> | undefined {
    return this.context.lastClose as CloseResult<N> | undefined;
  }

  /** The URL of the last attempt (as the `url` function returned it); undefined before the first. */
  get url(): string | undefined {
    return this.resolvedUrl;
  }

  /** The subprotocol the server chose on the current connection, or `''`. */
  get protocol(): string {
    return this.context.state === 'open' || this.context.state === 'closing' ? (this.ws?.protocol ?? '') : '';
  }

  /** The underlying WebSocket's `readyState` (`ReadyState.CLOSED` when there is none). */
  get readyState(): number {
    if (this.ws !== undefined) return this.ws.readyState;
    return this.context.state === 'connecting' ? ReadyState.CONNECTING : ReadyState.CLOSED;
  }

  // ---- methods -------------------------------------------------------------

  /**
   * Sends `data` now when open, else queues it (delivered in order after the
   * next open). Throws a `SocketError` after the run stopped (`stopped`),
   * after `dispose()` (`disposed`), with the queue off (`not-open`) or full
   * under `overflow: 'error'` (`queue-full`).
   */
  send(data: SendData): void {
    if (this.disposed) throw new SocketError('disposed', 'send() after dispose(): this socket is gone; create a new one.');
    if (this.context.state === 'stopped') {
      throw new SocketError('stopped', "send() after the socket stopped: call reconnect() first, or listen for 'stopped'.");
    }
    const ws = this.ws;
    if (this.context.state === 'open' && ws !== undefined && ws.readyState === ReadyState.OPEN && (this.queue === undefined || this.queue.size === 0)) {
      ws.send(data as never);
      if (this.unconfirmed !== undefined) {
        this.unconfirmed.push(data);
        this.dispatch({ type: 'sent', epoch: this.context.epoch, at: this.options.clock.now() });
      }
      return;
    }
    if (this.queue === undefined) {
      throw new SocketError('not-open', `send() while ${this.context.state} and options.queue is false: wait for 'open', or turn the queue on.`);
    }
    const dropped = this.queue.push(data);
    if (dropped.length > 0) this.emitSafely('dropped', { messages: dropped });
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
    this.dispatch({ type: 'close', code, reason });
  }

  /**
   * Starts a new attempt now: drops the current connection or wait if any,
   * resets the attempt counters, and also restarts a stopped socket.
   */
  reconnect(): void {
    if (this.disposed) throw new SocketError('disposed', 'reconnect() after dispose(): this socket is gone; create a new one.');
    this.dispatch({ type: 'reconnect', at: this.options.clock.now() });
  }

  /**
   * Closes everything for good: the connection, every timer, the online and
   * visibility subscriptions, and every listener (after a final `stopped`
   * with cause `client` if the run was still going). Idempotent.
   */
  dispose(): void {
    if (this.disposed) return;
    // Marked first, so a `stopped` listener calling back in cannot start anything new.
    this.disposed = true;
    // Run at once, even from inside a listener: whatever was queued behind it is moot.
    this.inbox.length = 0;
    const { context, effects } = transition(this.context, { type: 'dispose', at: this.options.clock.now() }, this.config);
    this.context = context;
    for (const effect of effects) this.run(effect);
    this.clearAllTimers();
    this.heartbeat?.stop();
    this.detach('disposed');
    for (const off of this.unsubscribers.splice(0)) this.callHook(off, undefined, 'unsubscribe');
    this.removeAllListeners();
  }

  // ---- effect runner -------------------------------------------------------

  private dispatch(input: Input): void {
    if (this.disposed) return;
    this.inbox.push(input);
    if (this.processing) return;
    this.processing = true;
    try {
      for (let next = this.inbox.shift(); next !== undefined && !this.disposed; next = this.inbox.shift()) {
        const { context, effects } = transition(this.context, next, this.config);
        this.context = context;
        for (const effect of effects) {
          if (this.disposed) return;
          this.run(effect);
        }
      }
    } finally {
      this.processing = false;
    }
  }

  private run(effect: Effect): void {
    const o = this.options;
    switch (effect.type) {
      case 'emit':
        (this.emitSafely as (event: string, payload: unknown) => void)(effect.event, effect.payload);
        return;
      case 'resolve-url':
        this.resolveUrl(effect.epoch);
        return;
      case 'connect':
        this.connect(effect.epoch, effect.url);
        return;
      case 'abandon':
        this.detach(effect.reason);
        return;
      case 'close-socket':
        this.ws?.close(effect.code, effect.reason);
        return;
      case 'set-timer': {
        const timer = effect.timer;
        this.setTimer(timer, effect.delayMs, () => this.dispatch({ type: 'timer', timer, at: o.clock.now() }));
        return;
      }
      case 'clear-timer':
        this.clearTimer(effect.timer);
        return;
      case 'heartbeat':
        if (effect.running) this.heartbeat?.start();
        else this.heartbeat?.stop();
        return;
      case 'flush':
        if (effect.track) this.unconfirmed = [];
        this.flush();
        return;
      case 'confirmed':
        this.unconfirmed = undefined;
        return;
      case 'requeue': {
        const dropped = this.queue?.requeue(this.unconfirmed ?? []) ?? [];
        this.unconfirmed = undefined;
        if (dropped.length > 0) this.emitSafely('dropped', { messages: dropped });
        return;
      }
      case 'refresh':
        this.refresh(effect.epoch, effect.attempt, effect.result);
        return;
      case 'stopped': {
        const pending = this.queue?.drain() ?? [];
        this.emitSafely('stopped', { cause: effect.cause, result: effect.result as CloseResult<N> | undefined, pending });
        return;
      }
    }
  }

  private resolveUrl(epoch: number): void {
    const source = this.options.url;
    const failed = (error: unknown): void => {
      const cause = toError(error);
      this.dispatch({
        type: 'url-failed',
        epoch,
        error: new SocketError('url-failed', `The url function failed: ${describeThrown(error)}. The attempt counts as failed.`, cause),
      });
    };
    const resolved = (value: unknown): void => {
      if (typeof value === 'string' || (typeof URL !== 'undefined' && value instanceof URL)) {
        this.dispatch({ type: 'url-resolved', epoch, url: String(value) });
      } else {
        failed(new TypeError(`the url function must return a string or a URL (or a promise of one), got ${typeof value}`));
      }
    };
    if (typeof source !== 'function') {
      resolved(source);
      return;
    }
    let value: unknown;
    try {
      value = source();
    } catch (error) {
      failed(error);
      return;
    }
    if (typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function') {
      Promise.resolve(value as PromiseLike<unknown>).then(resolved, failed);
    } else resolved(value);
  }

  private connect(epoch: number, url: string): void {
    const o = this.options;
    this.detach('replaced');
    this.resolvedUrl = url;
    let ws: WebSocketLike;
    try {
      ws = o.protocols === undefined ? new o.WebSocket(url) : new o.WebSocket(url, o.protocols);
    } catch (error) {
      this.dispatch({
        type: 'connect-failed',
        epoch,
        error: new SocketError('connect-failed', `new WebSocket(${JSON.stringify(url)}) threw: ${describeThrown(error)}`, toError(error)),
      });
      return;
    }
    this.ws = ws;
    if (o.binaryType !== undefined) ws.binaryType = o.binaryType;
    ws.onopen = () => this.dispatch({ type: 'socket-open', epoch, at: o.clock.now(), protocol: ws.protocol ?? '' });
    ws.onclose = (event) => this.dispatch({ type: 'socket-close', epoch, event, at: o.clock.now() });
    // The close that always follows an error carries everything a browser will tell us.
    ws.onerror = noop;
    ws.onmessage = (event) => this.received(ws, event.data);
  }

  /** Stops listening to the current WebSocket and closes it if it is still up. */
  private detach(reason: string): void {
    const ws = this.ws;
    if (ws === undefined) return;
    this.ws = undefined;
    // Handlers become no-ops rather than null: the `ws` package throws on an 'error' event nobody listens to.
    ws.onopen = noop;
    ws.onmessage = noop;
    ws.onclose = noop;
    ws.onerror = noop;
    try {
      if (ws.readyState === ReadyState.OPEN) ws.close(1000, reason);
      else if (ws.readyState === ReadyState.CONNECTING) ws.close();
    } catch {
      // Already closing or closed under us; nothing left to release.
    }
  }

  private received(ws: WebSocketLike, data: unknown): void {
    if (ws !== this.ws || this.disposed) return;
    // Anything from the server, a pong included, shows it kept the connection: what we wrote is not coming back.
    if (this.unconfirmed !== undefined) this.dispatch({ type: 'message', epoch: this.context.epoch });
    const hb = this.options.heartbeat;
    if (hb !== undefined) {
      this.heartbeat?.alive();
      const isPong = this.callHook(() => hb.isPong(data), false, 'heartbeat.isPong');
      if (isPong === true) return;
    }
    this.emitSafely('message', data);
  }

  private sendPing(): void {
    const ws = this.ws;
    const hb = this.options.heartbeat;
    if (ws === undefined || hb === undefined || ws.readyState !== ReadyState.OPEN) return;
    const message = hb.message;
    const data = typeof message === 'function' ? this.callHook(message, undefined, 'heartbeat.message') : message;
    if (data === undefined) return;
    try {
      ws.send(data as never);
    } catch (error) {
      this.reportError(new SocketError('hook-failed', `Sending the heartbeat ping failed: ${describeThrown(error)}`, error));
    }
  }

  private flush(): void {
    const queue = this.queue;
    const ws = this.ws;
    if (queue === undefined || ws === undefined) return;
    while (queue.size > 0 && ws.readyState === ReadyState.OPEN) {
      const data = queue.peek() as SendData;
      try {
        ws.send(data as never);
      } catch (error) {
        queue.shift();
        this.reportError(new SocketError('send-failed', `A queued message could not be sent: ${describeThrown(error)}`, error));
        this.emitSafely('dropped', { messages: [data] });
        continue;
      }
      queue.shift();
      this.unconfirmed?.push(data);
    }
  }

  private refresh(epoch: number, attempt: number, result: CloseResult): void {
    const refresh = this.options.refresh;
    const failed = (error: unknown): void => {
      this.dispatch({
        type: 'refresh-failed',
        epoch,
        error: new SocketError('refresh-failed', `auth.refresh failed: ${describeThrown(error)}`, toError(error)),
      });
    };
    if (refresh === undefined) {
      failed(new Error('no auth.refresh is configured'));
      return;
    }
    let value: unknown;
    try {
      value = refresh({ attempt, result: result as CloseResult<string> });
    } catch (error) {
      failed(error);
      return;
    }
    Promise.resolve(value).then(() => this.dispatch({ type: 'refresh-done', epoch }), failed);
  }

  /**
   * Asks the policy, guarding against a hand-written one that throws or answers
   * nonsense: that is reported and the run stops, rather than looping or hanging.
   */
  private decide(policy: Policy, result: CloseResult, context: PolicyContext): Decision {
    let decision: unknown;
    try {
      decision = policy.decide(result, context);
    } catch (error) {
      return this.policyFailed(`policy.decide threw: ${describeThrown(error)}`, error);
    }
    const d = decision as Partial<Record<'action' | 'delayMs' | 'cause', unknown>> | null;
    const validDelay = typeof d?.delayMs === 'number' && d.delayMs >= 0 && Number.isFinite(d.delayMs);
    if (d !== null && typeof d === 'object' && (d.action === 'stop' ? typeof d.cause === 'string' : (d.action === 'reconnect' || d.action === 'reauth') && validDelay)) {
      return decision as Decision;
    }
    return this.policyFailed(`policy.decide returned ${show(decision)}, which is not a decision`, undefined);
  }

  private policyFailed(message: string, cause: unknown): Decision {
    this.reportError(new SocketError('hook-failed', `${message}; the socket stops (cause 'policy').`, cause));
    return { action: 'stop', cause: 'policy', rule: { source: 'default', key: 'policy.decide', origin: 'app', rule: { action: 'stop' } } };
  }

  // ---- timers --------------------------------------------------------------

  private setTimer(timer: TimerName | 'start', delayMs: number, callback: () => void): void {
    this.clearTimer(timer);
    const handle = this.options.timers.setTimeout(() => {
      this.timerHandles.delete(timer);
      callback();
    }, delayMs);
    this.timerHandles.set(timer, handle);
  }

  private clearTimer(timer: TimerName | 'start'): void {
    if (!this.timerHandles.has(timer)) return;
    this.options.timers.clearTimeout(this.timerHandles.get(timer));
    this.timerHandles.delete(timer);
  }

  private clearAllTimers(): void {
    for (const timer of [...this.timerHandles.keys()]) this.clearTimer(timer);
  }

  // ---- isolation -----------------------------------------------------------

  private watch(subscribe: () => unknown): void {
    const off = this.callHook(subscribe, undefined, 'subscribe');
    if (typeof off === 'function') this.unsubscribers.push(off as () => void);
  }

  private callHook<T, F>(hook: () => T, fallback: F, name?: string): T | F {
    try {
      return hook();
    } catch (error) {
      this.reportError(new SocketError('hook-failed', `${name ?? 'A hook'} threw: ${describeThrown(error)}`, error));
      return fallback;
    }
  }
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
