// One handler per input type: what the machine does with that input in each
// state. A handler returns without effects where its input means nothing in
// the current state (a stopped socket and old epochs are filtered out before,
// in `transition`).
import type { CloseEventLike } from '../../classify';
import { SocketError } from '../errors';
import type { Effect, Input, MachineConfig, TimerName } from '../machine';
import {
  abandon,
  CLEAR_ALL_TIMERS,
  clearTimer,
  connectNow,
  type Draft,
  emit,
  endConnection,
  failed,
  finishClientClose,
  HEARTBEAT_OFF,
  isPaused,
  moveTo,
  setTimer,
  settle,
  startAttempt,
  stop,
  unansweredClose,
  uptime,
} from './moves';

/** The reason of the clean close sent when the page goes into the back/forward cache. */
export const BFCACHE_REASON = 'page entering the back/forward cache';

/** What the machine does with one input of type `T`, adding to the context being built and to the effects. */
export type Handler<T extends Input['type']> = (context: Draft, effects: Effect[], config: MachineConfig, input: Extract<Input, { readonly type: T }>) => void;

/**
 * A close as the engines agree on it. 1006 and 1015 may never be on the wire
 * (RFC 6455 §7.4.1): Chromium and WebKit fail a connection whose server sends
 * them, reporting 1006, while Firefox passes the frame through as a clean
 * close with that code. Handled the way the majority reports it, so a 1015
 * from a broken server does not stop the run in Firefox alone.
 */
function asEngines(event: CloseEventLike): CloseEventLike {
  // An event that cannot be read (none, or getters that throw) goes to classify as it is: its fields count as missing.
  try {
    if (event.wasClean === true && (event.code === 1006 || event.code === 1015)) return { code: 1006, reason: event.reason, wasClean: false };
  } catch {}
  return event;
}

export const handlers: { readonly [T in Input['type']]: Handler<T> } = {
  start(context, effects, config) {
    if (context.state === 'idle') startAttempt(context, effects, config);
  },

  reconnect(context, effects, config, input) {
    // Abandons whatever is in flight: late results of the old epoch are ignored.
    context.epoch++;
    effects.push(...CLEAR_ALL_TIMERS, HEARTBEAT_OFF, abandon('reconnect'));
    settle(context, effects, config, uptime(context, input.at));
    context.failures = context.reauthAttempt = context.previousDelayMs = 0;
    // After a stop, a new run: its `stopped` must not carry the close that ended the last one.
    if (context.state === 'stopped') context.runClose = undefined;
    connectNow(context, effects, config);
  },

  close(context, effects, config, input) {
    if (context.state === 'closing') return;
    if (context.state === 'open') {
      context.closeRequest = { code: input.code, reason: input.reason, at: input.at };
      effects.push(HEARTBEAT_OFF, { type: 'close-socket', code: input.code, reason: input.reason }, setTimer('closing', config.connectTimeoutMs));
      return moveTo(context, effects, 'closing');
    }
    // Not connected: nothing to hand-shake, stop straight away.
    context.epoch++;
    effects.push(...CLEAR_ALL_TIMERS, abandon('closed by the app'));
    stop(context, effects, 'client', context.runClose);
  },

  dispose(context, effects, config, input) {
    context.epoch++;
    effects.push(...CLEAR_ALL_TIMERS, HEARTBEAT_OFF, abandon('disposed'));
    settle(context, effects, config, uptime(context, input.at));
    stop(context, effects, 'client', context.runClose);
  },

  'url-resolved'(context, effects, _config, input) {
    if (context.state === 'connecting') effects.push({ type: 'connect', epoch: context.epoch, url: input.url });
  },

  'url-failed': attemptFailed,
  'connect-failed': attemptFailed,

  'socket-open'(context, effects, config, input) {
    if (context.state !== 'connecting') return;
    context.openedAt = input.at;
    context.quick = 0;
    context.confirming = config.confirmAfterMs > 0;
    effects.push(clearTimer('connect'), { type: 'flush', track: context.confirming }, { type: 'heartbeat', running: true });
    moveTo(context, effects, 'open');
    emit(effects, 'open', { attempt: context.failures, protocol: input.protocol });
  },

  'socket-close'(context, effects, config, input) {
    const state = context.state;
    if (state === 'closing') finishClientClose(context, effects, config, config.classify(input.event, true), input.at);
    else if (state === 'connecting' || state === 'open') endConnection(context, effects, config, 'closed', asEngines(input.event), state === 'open', uptime(context, input.at));
  },

  'heartbeat-dead'(context, effects, config, input) {
    if (context.state === 'open') endConnection(context, effects, config, 'heartbeat timeout', failed('heartbeat timeout'), true, uptime(context, input.at));
  },

  message(context, effects, config) {
    settle(context, effects, config, Infinity);
  },

  sent(context, effects, config, input) {
    // Checked on the app's writes rather than by a timer: no timer per open, and tracking ends on the first write after the window.
    if (uptime(context, input.at) >= config.confirmAfterMs) settle(context, effects, config, Infinity);
  },

  timer(context, effects, config, input) {
    timerHandlers[input.timer](context, effects, config, input.at);
  },

  'refresh-done'(context, effects, config) {
    if (context.state !== 'reauthenticating') return;
    effects.push(clearTimer('refresh'));
    if (context.reauthDelayMs > 0) {
      moveTo(context, effects, 'waiting');
      effects.push(setTimer('retry', context.reauthDelayMs));
    } else startAttempt(context, effects, config);
  },

  'refresh-failed'(context, effects, _config, input) {
    if (context.state !== 'reauthenticating') return;
    effects.push(clearTimer('refresh'));
    emit(effects, 'error', input.error);
    stop(context, effects, 'reauth-failed', context.runClose);
  },

  online: pauseChanged,
  visible: pauseChanged,

  'page-hide'(context, effects, config, input) {
    const lifecycle = config.lifecycle;
    const state = context.state;
    if (lifecycle === undefined || state === 'idle' || state === 'suspended') return;
    // The app had asked to close and its close frame is out: that close ends here, as the run does.
    if (state === 'closing') return finishClientClose(context, effects, config, unansweredClose(context, config), input.at);
    // An open WebSocket keeps a page out of the back/forward cache: close it cleanly, keep the run and the queue.
    context.epoch++;
    effects.push(...CLEAR_ALL_TIMERS, HEARTBEAT_OFF, { type: 'abandon', reason: BFCACHE_REASON, code: lifecycle.closeCode });
    // What was written and not yet confirmed (the uptime decides, as at any close) goes back to the queue: nothing is lost.
    settle(context, effects, config, uptime(context, input.at));
    context.openedAt = undefined;
    context.quick = 0;
    moveTo(context, effects, 'suspended');
  },

  'page-show'(context, effects, config) {
    if (context.state !== 'suspended') return;
    // Back from the cache: a fresh start, at once.
    context.failures = context.reauthAttempt = context.previousDelayMs = 0;
    context.frozenAt = undefined;
    startAttempt(context, effects, config);
  },

  freeze(context, _effects, config, input) {
    if (config.lifecycle !== undefined) context.frozenAt = input.at;
  },

  resume(context, effects, config, input) {
    const frozenAt = context.frozenAt;
    context.frozenAt = undefined;
    if (frozenAt !== undefined) checkAfterAway(context, effects, config, Math.max(0, input.at - frozenAt));
  },

  wake(context, effects, config, input) {
    checkAfterAway(context, effects, config, input.sleptMs);
  },
};

/** What each timer means when it fires, in the one state that set it. */
const timerHandlers: { readonly [T in TimerName]: (context: Draft, effects: Effect[], config: MachineConfig, at: number) => void } = {
  connect(context, effects, config) {
    if (context.state === 'connecting') endConnection(context, effects, config, 'connect timeout', failed('connect timeout'), false, 0);
  },

  retry(context, effects, config) {
    if (context.state === 'waiting') startAttempt(context, effects, config);
  },

  closing(context, effects, config, at) {
    if (context.state !== 'closing') return;
    // The server never answered our close frame; give up on the handshake.
    effects.push(abandon('close timeout'));
    finishClientClose(context, effects, config, unansweredClose(context, config), at);
  },

  refresh(context, effects, config) {
    if (context.state !== 'reauthenticating') return;
    // A refresh that never settles counts as failed; its late answer carries an old epoch.
    context.epoch++;
    emit(effects, 'error', new SocketError('refresh-failed', __DEV__ ? `auth.refresh did not settle within ${config.refreshTimeoutMs} ms (auth.timeoutMs); the run stops.` : ''));
    stop(context, effects, 'reauth-failed', context.runClose);
  },
};

/** The URL or the WebSocket constructor failed. Nothing reached the network: handled like a connection that never opened. */
function attemptFailed(context: Draft, effects: Effect[], config: MachineConfig, input: Extract<Input, { readonly type: 'url-failed' | 'connect-failed' }>): void {
  if (context.state !== 'connecting') return;
  emit(effects, 'error', input.error);
  endConnection(context, effects, config, 'attempt failed', failed(input.type === 'url-failed' ? 'url failed' : 'connect failed'), false, 0);
}

/** The network or the page's visibility changed (tracked only with `pauseWhenOffline` / `pauseWhenHidden`). */
function pauseChanged(context: Draft, effects: Effect[], config: MachineConfig, input: Extract<Input, { readonly type: 'online' | 'visible' }>): void {
  const wasPaused = isPaused(context);
  if (input.type === 'online') context.online = input.online;
  else context.visible = input.visible;
  // Back online (or visible) while waiting: retry at once, backoff reset, rather than sit out the delay.
  if (!wasPaused || isPaused(context) || context.state !== 'waiting') return;
  effects.push(clearTimer('retry'));
  context.failures = context.previousDelayMs = 0;
  // An `online` often fires before the network works: the next few failures are retried quickly and not counted.
  context.quick = config.lifecycle?.quickRetries ?? 0;
  startAttempt(context, effects, config);
}

/**
 * After a freeze or a sleep: an open connection may be dead while it reads
 * OPEN, and a wait may have outlived its reason. Probe it with a heartbeat
 * when there is one; without, replace a connection that was away long
 * enough not to be trusted. A wait ends at once (backoff kept).
 */
function checkAfterAway(context: Draft, effects: Effect[], config: MachineConfig, awayMs: number): void {
  const lifecycle = config.lifecycle;
  if (lifecycle === undefined) return;
  if (context.state === 'open') {
    if (lifecycle.canProbe) effects.push({ type: 'probe' });
    else if (awayMs >= lifecycle.untrustedAfterMs) {
      effects.push(HEARTBEAT_OFF, abandon('not trusted after sleep'));
      settle(context, effects, config, 0);
      startAttempt(context, effects, config);
    }
  } else if (context.state === 'waiting' && !isPaused(context)) {
    effects.push(clearTimer('retry'));
    startAttempt(context, effects, config);
  }
}
