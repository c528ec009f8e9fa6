// The socket's decisions as a pure transition: (context, input) → (context,
// effects). Nothing here touches a timer, a WebSocket or an emitter; the effect
// runner in socket.ts does, and feeds what happens back in as inputs.
import type { CloseEventLike, CloseResult } from '../classify';
import { clientStopRule } from '../policy';
import type { Decision, MatchedRule, PolicyContext, StopCause } from '../policy/types';
import { SocketError } from './errors';
import type { SocketEvents, SocketState } from './types';

/** The timers the machine asks for. */
export type TimerName = 'connect' | 'retry' | 'closing' | 'refresh';

/** Everything the machine remembers. */
export interface MachineContext {
  readonly state: SocketState;
  /** Bumped whenever an attempt, a refresh or a connection is abandoned; late inputs carrying an old epoch are ignored. */
  readonly epoch: number;
  /**
   * Consecutive failed attempts (closes not preceded by a stable open): 0
   * during the first try, 1 during the first retry, and so on.
   */
  readonly failures: number;
  /** Consecutive re-authentications. */
  readonly reauthAttempt: number;
  /** When the current connection opened. */
  readonly openedAt: number | undefined;
  readonly previousDelayMs: number;
  readonly lastClose: CloseResult | undefined;
  /** Delay to wait once `auth.refresh` resolves. */
  readonly reauthDelayMs: number;
  /** The close the app asked for, while `closing`. */
  readonly closeRequest: { readonly code: number; readonly reason: string | undefined; readonly at: number } | undefined;
  /** False while offline (only tracked with `pauseWhenOffline`). */
  readonly online: boolean;
  /** False while hidden (only tracked with `pauseWhenHidden`). */
  readonly visible: boolean;
  /**
   * True from an open until the connection is confirmed (a message from the
   * server, or `confirmAfterMs` open): what the socket writes meanwhile may
   * have been discarded by a server that accepts and then closes at once.
   */
  readonly confirming: boolean;
  /** When the page was frozen (Page Lifecycle `freeze`), until its `resume`. */
  readonly frozenAt: number | undefined;
  /**
   * Quick retries left after the network or the page came back: attempts
   * that fail before opening are retried after a short jittered delay and
   * not counted (an `online` often comes before the network works).
   */
  readonly quick: number;
}

/** What the outside world tells the machine. */
export type Input =
  | { readonly type: 'start' }
  | { readonly type: 'reconnect'; readonly at: number }
  | { readonly type: 'close'; readonly code: number; readonly reason: string | undefined; readonly at: number }
  | { readonly type: 'dispose'; readonly at: number }
  | { readonly type: 'url-resolved'; readonly epoch: number; readonly url: string }
  | { readonly type: 'url-failed'; readonly epoch: number; readonly error: Error }
  | { readonly type: 'connect-failed'; readonly epoch: number; readonly error: Error }
  | { readonly type: 'socket-open'; readonly epoch: number; readonly at: number; readonly protocol: string }
  | { readonly type: 'socket-close'; readonly epoch: number; readonly event: CloseEventLike; readonly at: number }
  | { readonly type: 'heartbeat-dead'; readonly epoch: number; readonly at: number }
  /** The server sent something on the current connection (reported only while it is unconfirmed). */
  | { readonly type: 'message'; readonly epoch: number }
  /** The app wrote a message on the current connection (reported only while it is unconfirmed). */
  | { readonly type: 'sent'; readonly epoch: number; readonly at: number }
  | { readonly type: 'timer'; readonly timer: TimerName; readonly at: number }
  | { readonly type: 'refresh-done'; readonly epoch: number }
  | { readonly type: 'refresh-failed'; readonly epoch: number; readonly error: Error }
  | { readonly type: 'online'; readonly online: boolean }
  | { readonly type: 'visible'; readonly visible: boolean }
  /** The page is going into the back/forward cache (`pagehide` with `persisted`). */
  | { readonly type: 'page-hide'; readonly at: number }
  /** The page came back from the back/forward cache (`pageshow` with `persisted`). */
  | { readonly type: 'page-show' }
  /** Page Lifecycle `freeze`: no code runs until `resume`. */
  | { readonly type: 'freeze'; readonly at: number }
  /** Page Lifecycle `resume`. */
  | { readonly type: 'resume'; readonly at: number }
  /** The wake detector saw a timer fire `sleptMs` late: the machine slept. */
  | { readonly type: 'wake'; readonly at: number; readonly sleptMs: number };

type EmitEffect = {
  [K in keyof SocketEvents]: { readonly type: 'emit'; readonly event: K; readonly payload: Parameters<SocketEvents[K]>[0] };
}[keyof SocketEvents];

/** What the machine asks the effect runner to do, in order. */
export type Effect =
  | EmitEffect
  | { readonly type: 'resolve-url'; readonly epoch: number }
  | { readonly type: 'connect'; readonly epoch: number; readonly url: string }
  /** Detach the current WebSocket (no more events from it) and close it (with `code`, default 1000, when open). */
  | { readonly type: 'abandon'; readonly reason: string; readonly code?: number }
  /** Send a heartbeat ping now and expect its reply within `timeoutMs`. */
  | { readonly type: 'probe' }
  /** Start the closing handshake, keeping the handlers to hear the close. */
  | { readonly type: 'close-socket'; readonly code: number; readonly reason: string | undefined }
  | { readonly type: 'set-timer'; readonly timer: TimerName; readonly delayMs: number }
  | { readonly type: 'clear-timer'; readonly timer: TimerName }
  | { readonly type: 'heartbeat'; readonly running: boolean }
  /** Send the queued messages on the open socket; with `track`, keep what is written (queued or not) as unconfirmed. */
  | { readonly type: 'flush'; readonly track: boolean }
  /** The connection is confirmed: forget the unconfirmed messages, track nothing more. */
  | { readonly type: 'confirmed' }
  /** The connection ended unconfirmed: put the unconfirmed messages back at the front of the queue. */
  | { readonly type: 'requeue' }
  | { readonly type: 'refresh'; readonly epoch: number; readonly attempt: number; readonly result: CloseResult }
  /** Emit `stopped` with this cause and result, and the undelivered messages. */
  | { readonly type: 'stopped'; readonly cause: StopCause; readonly result: CloseResult | undefined };

/** The fixed parts the machine consults: classification, the policy and a few settings. */
export interface MachineConfig {
  classify(event: CloseEventLike, opened: boolean): CloseResult;
  /** The policy's decision, or the error that replaced one (a hand-written policy that threw or answered nonsense): a value, never a throw. */
  decide(result: CloseResult, context: PolicyContext): Decision | Error;
  /** An open lasting this long resets the counters (the policy's `resetAfterMs`). */
  readonly resetAfterMs: number;
  readonly connectTimeoutMs: number;
  /** How long `auth.refresh` may take. */
  readonly refreshTimeoutMs: number;
  /**
   * How long a connection must stay open, with nothing received, to be
   * confirmed; 0: no confirmation (nothing tracked); Infinity: only the
   * connection's end settles it (ack mode, where the outbox tracks acks).
   */
  readonly confirmAfterMs: number;
  /** Whether `auth.refresh` is configured. */
  readonly canRefresh: boolean;
  /** The page lifecycle settings; absent: none of those behaviours (the inputs are then ignored). */
  readonly lifecycle?: MachineLifecycle;
}

/** What the machine needs to follow the page's life (see `LifecycleOptions`). */
export interface MachineLifecycle {
  /** The close code used when the page goes into the back/forward cache: 1000 or 3000–4999. */
  readonly closeCode: number;
  /** Whether a heartbeat is configured: a check after a freeze or a sleep is then a probe. */
  readonly canProbe: boolean;
  /** Without a heartbeat, an open connection is replaced after a freeze or sleep at least this long. */
  readonly untrustedAfterMs: number;
  /** How many quick retries follow an `online` or `visible` (0: none). */
  readonly quickRetries: number;
  /** The delay before a quick retry (jittered by the runner's random). */
  quickDelayMs(): number;
}

/** The reason of the clean close sent when the page goes into the back/forward cache. */
export const BFCACHE_REASON = 'page entering the back/forward cache';

/** The result of one transition. */
export interface Transition {
  readonly context: MachineContext;
  readonly effects: readonly Effect[];
}

/** The context a socket starts in. */
export function initialContext(online: boolean, visible: boolean): MachineContext {
  return {
    state: 'idle',
    epoch: 0,
    failures: 0,
    reauthAttempt: 0,
    openedAt: undefined,
    previousDelayMs: 0,
    lastClose: undefined,
    reauthDelayMs: 0,
    closeRequest: undefined,
    online,
    visible,
    confirming: false,
    frozenAt: undefined,
    quick: 0,
  };
}

/** The context being built by one transition (a copy, so the input context is never changed). */
type Draft = { -readonly [K in keyof MachineContext]: MachineContext[K] };

const ALL_TIMERS: readonly Effect[] = [
  { type: 'clear-timer', timer: 'connect' },
  { type: 'clear-timer', timer: 'retry' },
  { type: 'clear-timer', timer: 'closing' },
  { type: 'clear-timer', timer: 'refresh' },
];
const HEARTBEAT_OFF: Effect = { type: 'heartbeat', running: false };

/** The rule on the `stop` that replaces a failed policy's decision. */
const failedPolicyRule: MatchedRule = { source: 'default', key: 'policy.decide', origin: 'app', rule: { action: 'stop' } };

/** Computes the next context and the effects to run; never throws for a valid config. */
export function transition(context: MachineContext, input: Input, config: MachineConfig): Transition {
  const effects: Effect[] = [];
  // A stopped socket only listens for reconnect(), and keeps track of the network and visibility for then.
  const ignored = (context.state === 'stopped' && input.type !== 'reconnect' && input.type !== 'online' && input.type !== 'visible') || ('epoch' in input && input.epoch !== context.epoch);
  if (ignored) return { context, effects };
  const c: Draft = { ...context };
  step(c, effects, input, config);
  return { context: c, effects };
}

function emit<K extends keyof SocketEvents>(fx: Effect[], event: K, payload: Parameters<SocketEvents[K]>[0]): void {
  fx.push({ type: 'emit', event, payload } as Effect);
}

function goto(c: Draft, fx: Effect[], state: SocketState): void {
  const previous = c.state;
  if (previous === state) return;
  c.state = state;
  emit(fx, 'state', { state, previous });
}

const isPaused = (c: MachineContext): boolean => !c.online || !c.visible;

const uptime = (c: MachineContext, at: number): number => (c.openedAt === undefined ? 0 : Math.max(0, at - c.openedAt));

/**
 * A close as the engines agree on it. 1006 and 1015 may never be on the wire
 * (RFC 6455 §7.4.1): Chromium and WebKit fail a connection whose server sends
 * them, reporting 1006, while Firefox passes the frame through as a clean
 * close with that code. Handled the way the majority reports it, so a 1015
 * from a broken server does not stop the run in Firefox alone.
 */
const asEngines = (event: CloseEventLike): CloseEventLike => (event.wasClean === true && (event.code === 1006 || event.code === 1015) ? { code: 1006, reason: event.reason, wasClean: false } : event);

/** A close of an attempt that never reached the network or never opened, in the words of a browser. */
const failed = (reason: string): CloseEventLike => ({ code: 1006, reason, wasClean: false });

function step(c: Draft, fx: Effect[], input: Input, config: MachineConfig): void {
  const state = c.state;
  switch (input.type) {
    case 'start':
      if (state === 'idle') startAttempt(c, fx, config, false);
      return;

    case 'reconnect':
      // Abandons whatever is in flight: late results of the old epoch are ignored.
      c.epoch++;
      fx.push(...ALL_TIMERS, HEARTBEAT_OFF, { type: 'abandon', reason: 'reconnect' });
      settle(c, fx, config, uptime(c, input.at));
      c.failures = c.reauthAttempt = c.previousDelayMs = 0;
      startAttempt(c, fx, config, true);
      return;

    case 'close':
      if (state === 'closing') return;
      if (state === 'open') {
        c.closeRequest = { code: input.code, reason: input.reason, at: input.at };
        fx.push(HEARTBEAT_OFF, { type: 'close-socket', code: input.code, reason: input.reason }, { type: 'set-timer', timer: 'closing', delayMs: config.connectTimeoutMs });
        goto(c, fx, 'closing');
        return;
      }
      // Not connected: nothing to hand-shake, stop straight away.
      c.epoch++;
      fx.push(...ALL_TIMERS, { type: 'abandon', reason: 'closed by the app' });
      stop(c, fx, 'client', c.lastClose);
      return;

    case 'dispose':
      c.epoch++;
      fx.push(...ALL_TIMERS, HEARTBEAT_OFF, { type: 'abandon', reason: 'disposed' });
      settle(c, fx, config, uptime(c, input.at));
      stop(c, fx, 'client', c.lastClose);
      return;

    case 'url-resolved':
      if (state === 'connecting') fx.push({ type: 'connect', epoch: c.epoch, url: input.url });
      return;

    case 'url-failed':
    case 'connect-failed':
      if (state !== 'connecting') return;
      emit(fx, 'error', input.error);
      // Nothing reached the network: handled like a connection that never opened.
      fx.push({ type: 'abandon', reason: 'attempt failed' });
      afterClose(c, fx, config, failed(input.type === 'url-failed' ? 'url failed' : 'connect failed'), false, 0);
      return;

    case 'socket-open':
      if (state !== 'connecting') return;
      c.openedAt = input.at;
      c.quick = 0;
      c.confirming = config.confirmAfterMs > 0;
      fx.push({ type: 'clear-timer', timer: 'connect' }, { type: 'flush', track: c.confirming }, { type: 'heartbeat', running: true });
      goto(c, fx, 'open');
      emit(fx, 'open', { attempt: c.failures, protocol: input.protocol });
      return;

    case 'message':
      settle(c, fx, config, Infinity);
      return;

    case 'sent':
      // Checked on the app's writes rather than by a timer: no timer per open, and tracking ends on the first write after the window.
      if (uptime(c, input.at) >= config.confirmAfterMs) settle(c, fx, config, Infinity);
      return;

    case 'socket-close':
      if (state === 'closing') return finishClientClose(c, fx, config, config.classify(input.event, true), input.at);
      if (state !== 'connecting' && state !== 'open') return;
      fx.push({ type: 'abandon', reason: 'closed' });
      afterClose(c, fx, config, asEngines(input.event), state === 'open', uptime(c, input.at));
      return;

    case 'heartbeat-dead':
      if (state !== 'open') return;
      fx.push({ type: 'abandon', reason: 'heartbeat timeout' });
      afterClose(c, fx, config, failed('heartbeat timeout'), true, uptime(c, input.at));
      return;

    case 'timer':
      if (input.timer === 'connect' && state === 'connecting') {
        fx.push({ type: 'abandon', reason: 'connect timeout' });
        afterClose(c, fx, config, failed('connect timeout'), false, 0);
      } else if (input.timer === 'retry' && state === 'waiting') {
        startAttempt(c, fx, config, false);
      } else if (input.timer === 'refresh' && state === 'reauthenticating') {
        // A refresh that never settles counts as failed; its late answer carries an old epoch.
        c.epoch++;
        emit(fx, 'error', new SocketError('refresh-failed', __DEV__ ? `auth.refresh did not settle within ${config.refreshTimeoutMs} ms (auth.timeoutMs); the run stops.` : ''));
        stop(c, fx, 'reauth-failed', c.lastClose);
      } else if (input.timer === 'closing' && state === 'closing') {
        // The server never answered our close frame; give up on the handshake.
        const request = c.closeRequest;
        fx.push({ type: 'abandon', reason: 'close timeout' });
        finishClientClose(c, fx, config, config.classify({ code: request?.code ?? 1000, reason: request?.reason ?? '', wasClean: false }, true), input.at);
      }
      return;

    case 'refresh-done':
      if (state !== 'reauthenticating') return;
      fx.push({ type: 'clear-timer', timer: 'refresh' });
      if (c.reauthDelayMs > 0) {
        goto(c, fx, 'waiting');
        fx.push({ type: 'set-timer', timer: 'retry', delayMs: c.reauthDelayMs });
      } else startAttempt(c, fx, config, false);
      return;

    case 'refresh-failed':
      if (state !== 'reauthenticating') return;
      fx.push({ type: 'clear-timer', timer: 'refresh' });
      emit(fx, 'error', input.error);
      stop(c, fx, 'reauth-failed', c.lastClose);
      return;

    case 'online':
    case 'visible': {
      const wasPaused = isPaused(c);
      if (input.type === 'online') c.online = input.online;
      else c.visible = input.visible;
      // Back online (or visible) while waiting: retry at once, backoff reset, rather than sit out the delay.
      if (wasPaused && !isPaused(c) && state === 'waiting') {
        fx.push({ type: 'clear-timer', timer: 'retry' });
        c.failures = c.previousDelayMs = 0;
        // An `online` often fires before the network works: the next few failures are retried quickly and not counted.
        c.quick = config.lifecycle?.quickRetries ?? 0;
        startAttempt(c, fx, config, false);
      }
      return;
    }

    case 'page-hide': {
      const lifecycle = config.lifecycle;
      if (lifecycle === undefined || state === 'idle' || state === 'suspended') return;
      if (state === 'closing') {
        // The app had asked to close and its close frame is out: that close ends here, as the run does.
        const request = c.closeRequest;
        return finishClientClose(c, fx, config, config.classify({ code: request?.code ?? 1000, reason: request?.reason ?? '', wasClean: false }, true), input.at);
      }
      // An open WebSocket keeps a page out of the back/forward cache: close it cleanly, keep the run and the queue.
      c.epoch++;
      fx.push(...ALL_TIMERS, HEARTBEAT_OFF, { type: 'abandon', reason: BFCACHE_REASON, code: lifecycle.closeCode });
      // What was written and not confirmed goes back to the queue, whatever the uptime: nothing is lost.
      if (c.confirming) {
        c.confirming = false;
        fx.push({ type: 'requeue' });
      }
      c.openedAt = undefined;
      c.quick = 0;
      goto(c, fx, 'suspended');
      return;
    }

    case 'page-show':
      if (state !== 'suspended') return;
      // Back from the cache: a fresh start, at once.
      c.failures = c.reauthAttempt = c.previousDelayMs = 0;
      c.frozenAt = undefined;
      startAttempt(c, fx, config, false);
      return;

    case 'freeze':
      if (config.lifecycle !== undefined) c.frozenAt = input.at;
      return;

    case 'resume': {
      const frozenAt = c.frozenAt;
      c.frozenAt = undefined;
      if (frozenAt !== undefined) check(c, fx, config, Math.max(0, input.at - frozenAt));
      return;
    }

    case 'wake':
      check(c, fx, config, input.sleptMs);
      return;
  }
}

/**
 * After a freeze or a sleep: an open connection may be dead while it reads
 * OPEN, and a wait may have outlived its reason. Probe it with a heartbeat
 * when there is one; without, replace a connection that was away long
 * enough not to be trusted. A wait ends at once (backoff kept).
 */
function check(c: Draft, fx: Effect[], config: MachineConfig, awayMs: number): void {
  const lifecycle = config.lifecycle;
  if (lifecycle === undefined) return;
  if (c.state === 'open') {
    if (lifecycle.canProbe) fx.push({ type: 'probe' });
    else if (awayMs >= lifecycle.untrustedAfterMs) {
      fx.push(HEARTBEAT_OFF, { type: 'abandon', reason: 'not trusted after sleep' });
      settle(c, fx, config, 0);
      startAttempt(c, fx, config, false);
    }
  } else if (c.state === 'waiting' && !isPaused(c)) {
    fx.push({ type: 'clear-timer', timer: 'retry' });
    startAttempt(c, fx, config, false);
  }
}

/**
 * Ends the unconfirmed window of the current connection, if there is one:
 * open for `confirmAfterMs` (Infinity: the server spoke), what was written is
 * taken as delivered; otherwise it goes back to the queue, since a server
 * that accepts and then closes at once discards it.
 */
function settle(c: Draft, fx: Effect[], config: MachineConfig, uptimeMs: number): void {
  if (!c.confirming) return;
  c.confirming = false;
  fx.push({ type: uptimeMs >= config.confirmAfterMs ? 'confirmed' : 'requeue' });
}

function startAttempt(c: Draft, fx: Effect[], config: MachineConfig, force: boolean): void {
  // Paused: no timer, the online/visible input resumes.
  if (!force && isPaused(c)) return goto(c, fx, 'waiting');
  c.epoch++;
  c.openedAt = c.closeRequest = undefined;
  goto(c, fx, 'connecting');
  fx.push({ type: 'set-timer', timer: 'connect', delayMs: config.connectTimeoutMs }, { type: 'resolve-url', epoch: c.epoch });
}

function stop(c: Draft, fx: Effect[], cause: StopCause, result: CloseResult | undefined): void {
  c.openedAt = c.closeRequest = undefined;
  goto(c, fx, 'stopped');
  fx.push({ type: 'stopped', cause, result });
}

function finishClientClose(c: Draft, fx: Effect[], config: MachineConfig, result: CloseResult, at: number): void {
  fx.push(...ALL_TIMERS, { type: 'abandon', reason: 'closed' });
  c.lastClose = result;
  emit(fx, 'close', { result, decision: { action: 'stop', cause: 'client', rule: clientStopRule } });
  // Only the time open before close() counts: waiting for the server's answer confirms nothing.
  settle(c, fx, config, uptime(c, c.closeRequest?.at ?? at));
  stop(c, fx, 'client', result);
}

/** Classifies a close of the current attempt, asks the policy, and acts on its decision. */
function afterClose(c: Draft, fx: Effect[], config: MachineConfig, event: CloseEventLike, opened: boolean, uptimeMs: number): void {
  fx.push({ type: 'clear-timer', timer: 'connect' }, HEARTBEAT_OFF);
  const result = config.classify(event, opened);
  if (opened && uptimeMs > 0 && uptimeMs >= config.resetAfterMs) c.failures = c.reauthAttempt = 0;
  const answer = config.decide(result, {
    attempt: c.failures,
    reauthAttempt: c.reauthAttempt,
    uptimeMs,
    previousDelayMs: c.previousDelayMs,
  });
  // A policy that failed stops the run rather than looping or hanging; the error says why.
  let decision: Decision = answer instanceof Error ? { action: 'stop', cause: 'policy', rule: failedPolicyRule } : answer;
  // A quick retry after `online`/`visible`: an attempt that never opened is retried soon and not counted.
  const quick = !opened && c.quick > 0 && (decision.action === 'reconnect' || (decision.action === 'stop' && decision.cause === 'max-attempts'));
  if (quick) {
    c.quick--;
    decision = { action: 'reconnect', delayMs: (config.lifecycle as MachineLifecycle).quickDelayMs(), attempt: c.failures, rule: decision.rule };
  } else if (decision.action !== 'reconnect' || opened) c.quick = 0;
  const refreshMissing = decision.action === 'reauth' && !config.canRefresh;
  if (refreshMissing) decision = { action: 'stop', cause: 'reauth-failed', rule: decision.rule };

  c.lastClose = result;
  c.openedAt = undefined;
  // A re-authentication has its own count (reauthAttempt, bounded by maxReauth): the close that asked for it
  // is not a failed attempt, so the first retry after a refresh is attempt 1, as everywhere.
  if (decision.action !== 'reauth' && !quick) c.failures++;
  if (answer instanceof Error) emit(fx, 'error', answer);
  emit(fx, 'close', { result, decision });
  if (result.kind === 'application' || result.kind === 'library') emit(fx, 'rejected', result);
  if (refreshMissing) {
    emit(
      fx,
      'error',
      new SocketError(
        'refresh-missing',
        __DEV__
          ? `Close ${result.code}${result.name ? ` (${result.name})` : ''}: the policy says reauth, but no auth.refresh is configured, so the socket stops (cause 'reauth-failed'). Pass auth: { refresh } or change the rule.`
          : '',
      ),
    );
  }
  // Before the decision is acted on: a `stopped` must find them in the queue.
  settle(c, fx, config, uptimeMs);

  if (decision.action === 'stop') return stop(c, fx, decision.cause, result);
  if (!quick) c.previousDelayMs = decision.delayMs;
  if (decision.action === 'reconnect') {
    goto(c, fx, 'waiting');
    fx.push({ type: 'set-timer', timer: 'retry', delayMs: decision.delayMs });
    emit(fx, 'reconnecting', { attempt: c.failures, delayMs: decision.delayMs, result });
    return;
  }
  const attempt = ++c.reauthAttempt;
  c.epoch++;
  c.reauthDelayMs = decision.delayMs;
  goto(c, fx, 'reauthenticating');
  emit(fx, 'reauth', { attempt, result });
  fx.push({ type: 'set-timer', timer: 'refresh', delayMs: config.refreshTimeoutMs }, { type: 'refresh', epoch: c.epoch, attempt, result });
}
