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
export type Handler<T extends Input['type']> = (c: Draft, fx: Effect[], config: MachineConfig, input: Extract<Input, { readonly type: T }>) => void;

/**
 * A close as the engines agree on it. 1006 and 1015 may never be on the wire
 * (RFC 6455 §7.4.1): Chromium and WebKit fail a connection whose server sends
 * them, reporting 1006, while Firefox passes the frame through as a clean
 * close with that code. Handled the way the majority reports it, so a 1015
 * from a broken server does not stop the run in Firefox alone.
 */
const asEngines = (event: CloseEventLike): CloseEventLike => (event.wasClean === true && (event.code === 1006 || event.code === 1015) ? { code: 1006, reason: event.reason, wasClean: false } : event);

export const handlers: { readonly [T in Input['type']]: Handler<T> } = {
  start(c, fx, config) {
    if (c.state === 'idle') startAttempt(c, fx, config);
  },

  reconnect(c, fx, config, input) {
    // Abandons whatever is in flight: late results of the old epoch are ignored.
    c.epoch++;
    fx.push(...CLEAR_ALL_TIMERS, HEARTBEAT_OFF, abandon('reconnect'));
    settle(c, fx, config, uptime(c, input.at));
    c.failures = c.reauthAttempt = c.previousDelayMs = 0;
    connectNow(c, fx, config);
  },

  close(c, fx, config, input) {
    if (c.state === 'closing') return;
    if (c.state === 'open') {
      c.closeRequest = { code: input.code, reason: input.reason, at: input.at };
      fx.push(HEARTBEAT_OFF, { type: 'close-socket', code: input.code, reason: input.reason }, setTimer('closing', config.connectTimeoutMs));
      return moveTo(c, fx, 'closing');
    }
    // Not connected: nothing to hand-shake, stop straight away.
    c.epoch++;
    fx.push(...CLEAR_ALL_TIMERS, abandon('closed by the app'));
    stop(c, fx, 'client', c.lastClose);
  },

  dispose(c, fx, config, input) {
    c.epoch++;
    fx.push(...CLEAR_ALL_TIMERS, HEARTBEAT_OFF, abandon('disposed'));
    settle(c, fx, config, uptime(c, input.at));
    stop(c, fx, 'client', c.lastClose);
  },

  'url-resolved'(c, fx, _config, input) {
    if (c.state === 'connecting') fx.push({ type: 'connect', epoch: c.epoch, url: input.url });
  },

  'url-failed': attemptFailed,
  'connect-failed': attemptFailed,

  'socket-open'(c, fx, config, input) {
    if (c.state !== 'connecting') return;
    c.openedAt = input.at;
    c.quick = 0;
    c.confirming = config.confirmAfterMs > 0;
    fx.push(clearTimer('connect'), { type: 'flush', track: c.confirming }, { type: 'heartbeat', running: true });
    moveTo(c, fx, 'open');
    emit(fx, 'open', { attempt: c.failures, protocol: input.protocol });
  },

  'socket-close'(c, fx, config, input) {
    const state = c.state;
    if (state === 'closing') finishClientClose(c, fx, config, config.classify(input.event, true), input.at);
    else if (state === 'connecting' || state === 'open') endConnection(c, fx, config, 'closed', asEngines(input.event), state === 'open', uptime(c, input.at));
  },

  'heartbeat-dead'(c, fx, config, input) {
    if (c.state === 'open') endConnection(c, fx, config, 'heartbeat timeout', failed('heartbeat timeout'), true, uptime(c, input.at));
  },

  message(c, fx, config) {
    settle(c, fx, config, Infinity);
  },

  sent(c, fx, config, input) {
    // Checked on the app's writes rather than by a timer: no timer per open, and tracking ends on the first write after the window.
    if (uptime(c, input.at) >= config.confirmAfterMs) settle(c, fx, config, Infinity);
  },

  timer(c, fx, config, input) {
    timerHandlers[input.timer](c, fx, config, input.at);
  },

  'refresh-done'(c, fx, config) {
    if (c.state !== 'reauthenticating') return;
    fx.push(clearTimer('refresh'));
    if (c.reauthDelayMs > 0) {
      moveTo(c, fx, 'waiting');
      fx.push(setTimer('retry', c.reauthDelayMs));
    } else startAttempt(c, fx, config);
  },

  'refresh-failed'(c, fx, _config, input) {
    if (c.state !== 'reauthenticating') return;
    fx.push(clearTimer('refresh'));
    emit(fx, 'error', input.error);
    stop(c, fx, 'reauth-failed', c.lastClose);
  },

  online: pauseChanged,
  visible: pauseChanged,

  'page-hide'(c, fx, config, input) {
    const lifecycle = config.lifecycle;
    const state = c.state;
    if (lifecycle === undefined || state === 'idle' || state === 'suspended') return;
    // The app had asked to close and its close frame is out: that close ends here, as the run does.
    if (state === 'closing') return finishClientClose(c, fx, config, unansweredClose(c, config), input.at);
    // An open WebSocket keeps a page out of the back/forward cache: close it cleanly, keep the run and the queue.
    c.epoch++;
    fx.push(...CLEAR_ALL_TIMERS, HEARTBEAT_OFF, { type: 'abandon', reason: BFCACHE_REASON, code: lifecycle.closeCode });
    // What was written and not confirmed goes back to the queue, whatever the uptime: nothing is lost.
    if (c.confirming) {
      c.confirming = false;
      fx.push({ type: 'requeue' });
    }
    c.openedAt = undefined;
    c.quick = 0;
    moveTo(c, fx, 'suspended');
  },

  'page-show'(c, fx, config) {
    if (c.state !== 'suspended') return;
    // Back from the cache: a fresh start, at once.
    c.failures = c.reauthAttempt = c.previousDelayMs = 0;
    c.frozenAt = undefined;
    startAttempt(c, fx, config);
  },

  freeze(c, _fx, config, input) {
    if (config.lifecycle !== undefined) c.frozenAt = input.at;
  },

  resume(c, fx, config, input) {
    const frozenAt = c.frozenAt;
    c.frozenAt = undefined;
    if (frozenAt !== undefined) checkAfterAway(c, fx, config, Math.max(0, input.at - frozenAt));
  },

  wake(c, fx, config, input) {
    checkAfterAway(c, fx, config, input.sleptMs);
  },
};

/** What each timer means when it fires, in the one state that set it. */
const timerHandlers: { readonly [T in TimerName]: (c: Draft, fx: Effect[], config: MachineConfig, at: number) => void } = {
  connect(c, fx, config) {
    if (c.state === 'connecting') endConnection(c, fx, config, 'connect timeout', failed('connect timeout'), false, 0);
  },

  retry(c, fx, config) {
    if (c.state === 'waiting') startAttempt(c, fx, config);
  },

  closing(c, fx, config, at) {
    if (c.state !== 'closing') return;
    // The server never answered our close frame; give up on the handshake.
    fx.push(abandon('close timeout'));
    finishClientClose(c, fx, config, unansweredClose(c, config), at);
  },

  refresh(c, fx, config) {
    if (c.state !== 'reauthenticating') return;
    // A refresh that never settles counts as failed; its late answer carries an old epoch.
    c.epoch++;
    emit(fx, 'error', new SocketError('refresh-failed', __DEV__ ? `auth.refresh did not settle within ${config.refreshTimeoutMs} ms (auth.timeoutMs); the run stops.` : ''));
    stop(c, fx, 'reauth-failed', c.lastClose);
  },
};

/** The URL or the WebSocket constructor failed. Nothing reached the network: handled like a connection that never opened. */
function attemptFailed(c: Draft, fx: Effect[], config: MachineConfig, input: Extract<Input, { readonly type: 'url-failed' | 'connect-failed' }>): void {
  if (c.state !== 'connecting') return;
  emit(fx, 'error', input.error);
  endConnection(c, fx, config, 'attempt failed', failed(input.type === 'url-failed' ? 'url failed' : 'connect failed'), false, 0);
}

/** The network or the page's visibility changed (tracked only with `pauseWhenOffline` / `pauseWhenHidden`). */
function pauseChanged(c: Draft, fx: Effect[], config: MachineConfig, input: Extract<Input, { readonly type: 'online' | 'visible' }>): void {
  const wasPaused = isPaused(c);
  if (input.type === 'online') c.online = input.online;
  else c.visible = input.visible;
  // Back online (or visible) while waiting: retry at once, backoff reset, rather than sit out the delay.
  if (!wasPaused || isPaused(c) || c.state !== 'waiting') return;
  fx.push(clearTimer('retry'));
  c.failures = c.previousDelayMs = 0;
  // An `online` often fires before the network works: the next few failures are retried quickly and not counted.
  c.quick = config.lifecycle?.quickRetries ?? 0;
  startAttempt(c, fx, config);
}

/**
 * After a freeze or a sleep: an open connection may be dead while it reads
 * OPEN, and a wait may have outlived its reason. Probe it with a heartbeat
 * when there is one; without, replace a connection that was away long
 * enough not to be trusted. A wait ends at once (backoff kept).
 */
function checkAfterAway(c: Draft, fx: Effect[], config: MachineConfig, awayMs: number): void {
  const lifecycle = config.lifecycle;
  if (lifecycle === undefined) return;
  if (c.state === 'open') {
    if (lifecycle.canProbe) fx.push({ type: 'probe' });
    else if (awayMs >= lifecycle.untrustedAfterMs) {
      fx.push(HEARTBEAT_OFF, abandon('not trusted after sleep'));
      settle(c, fx, config, 0);
      startAttempt(c, fx, config);
    }
  } else if (c.state === 'waiting' && !isPaused(c)) {
    fx.push(clearTimer('retry'));
    startAttempt(c, fx, config);
  }
}
