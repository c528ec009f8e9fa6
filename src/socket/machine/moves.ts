// The moves the input handlers (handlers.ts) share: start an attempt, end a
// connection and act on the policy's decision, stop, settle the unconfirmed
// window. Each adds to the context being built and to the effects, in order;
// none runs an effect.
import type { CloseEventLike, CloseResult } from '../../classify';
import { clientStopRule } from '../../policy';
import type { Decision, MatchedRule, StopCause } from '../../policy/types';
import { SocketError } from '../errors';
import type { Effect, MachineConfig, MachineContext, MachineLifecycle, TimerName } from '../machine';
import type { SocketEvents, SocketState } from '../types';

/** The context being built by one transition (a copy, so the input context is never changed). */
export type Draft = { -readonly [K in keyof MachineContext]: MachineContext[K] };

export const clearTimer = (timer: TimerName): Effect => ({ type: 'clear-timer', timer });
export const setTimer = (timer: TimerName, delayMs: number): Effect => ({ type: 'set-timer', timer, delayMs });
export const abandon = (reason: string): Effect => ({ type: 'abandon', reason });

export const CLEAR_ALL_TIMERS: readonly Effect[] = (['connect', 'retry', 'closing', 'refresh'] as const).map(clearTimer);
export const HEARTBEAT_OFF: Effect = { type: 'heartbeat', running: false };

/** The rule on the `stop` that replaces a failed policy's decision. */
const failedPolicyRule: MatchedRule = { source: 'default', key: 'policy.decide', origin: 'app', rule: { action: 'stop' } };

export function emit<K extends keyof SocketEvents>(fx: Effect[], event: K, payload: Parameters<SocketEvents[K]>[0]): void {
  fx.push({ type: 'emit', event, payload } as Effect);
}

/** Changes state, announcing it with a `state` event (nothing when it stays the same). */
export function moveTo(c: Draft, fx: Effect[], state: SocketState): void {
  const previous = c.state;
  if (previous === state) return;
  c.state = state;
  emit(fx, 'state', { state, previous });
}

export const isPaused = (c: MachineContext): boolean => !c.online || !c.visible;

/** How long the current connection has been open at `at` (0 when none is). */
export const uptime = (c: MachineContext, at: number): number => (c.openedAt === undefined ? 0 : Math.max(0, at - c.openedAt));

/** A close of an attempt that never reached the network or never opened, in the words of a browser. */
export const failed = (reason: string): CloseEventLike => ({ code: 1006, reason, wasClean: false });

/** A new attempt now, whatever the network or the page: a fresh epoch, the connect timer and the URL to resolve. */
export function connectNow(c: Draft, fx: Effect[], config: MachineConfig): void {
  c.epoch++;
  c.openedAt = c.closeRequest = undefined;
  moveTo(c, fx, 'connecting');
  fx.push(setTimer('connect', config.connectTimeoutMs), { type: 'resolve-url', epoch: c.epoch });
}

/** A new attempt, unless offline or hidden: then wait, with no timer, for the `online`/`visible` input that resumes. */
export function startAttempt(c: Draft, fx: Effect[], config: MachineConfig): void {
  if (isPaused(c)) moveTo(c, fx, 'waiting');
  else connectNow(c, fx, config);
}

export function stop(c: Draft, fx: Effect[], cause: StopCause, result: CloseResult | undefined): void {
  c.openedAt = c.closeRequest = undefined;
  moveTo(c, fx, 'stopped');
  fx.push({ type: 'stopped', cause, result });
}

/**
 * Ends the unconfirmed window of the current connection, if there is one:
 * open for `confirmAfterMs` (Infinity: the server spoke), what was written is
 * taken as delivered; otherwise it goes back to the queue, since a server
 * that accepts and then closes at once discards it.
 */
export function settle(c: Draft, fx: Effect[], config: MachineConfig, uptimeMs: number): void {
  if (!c.confirming) return;
  c.confirming = false;
  fx.push({ type: uptimeMs >= config.confirmAfterMs ? 'confirmed' : 'requeue' });
}

/** The app's close() ends the run with `result`, whether the server answered the close frame or not. */
export function finishClientClose(c: Draft, fx: Effect[], config: MachineConfig, result: CloseResult, at: number): void {
  fx.push(...CLEAR_ALL_TIMERS, abandon('closed'));
  c.lastClose = result;
  emit(fx, 'close', { result, decision: { action: 'stop', cause: 'client', rule: clientStopRule } });
  // Only the time open before close() counts: waiting for the server's answer confirms nothing.
  settle(c, fx, config, uptime(c, c.closeRequest?.at ?? at));
  stop(c, fx, 'client', result);
}

/** The result of the app's close when the server never answered its close frame: its code and reason, not clean. */
export function unansweredClose(c: Draft, config: MachineConfig): CloseResult {
  const request = c.closeRequest;
  return config.classify({ code: request?.code ?? 1000, reason: request?.reason ?? '', wasClean: false }, true);
}

/**
 * Ends the current attempt or connection: abandons its WebSocket (with
 * `reason`), classifies how it ended, asks the policy, and acts on the
 * decision (wait and retry, re-authenticate, or stop).
 */
export function endConnection(c: Draft, fx: Effect[], config: MachineConfig, reason: string, event: CloseEventLike, opened: boolean, uptimeMs: number): void {
  fx.push(abandon(reason), clearTimer('connect'), HEARTBEAT_OFF);
  const result = config.classify(event, opened);
  if (opened && uptimeMs > 0 && uptimeMs >= config.resetAfterMs) c.failures = c.reauthAttempt = 0;
  const answer = config.decide(result, { attempt: c.failures, reauthAttempt: c.reauthAttempt, uptimeMs, previousDelayMs: c.previousDelayMs });
  // A policy that failed stops the run rather than looping or hanging; the error says why.
  let decision: Decision = answer instanceof Error ? { action: 'stop', cause: 'policy', rule: failedPolicyRule } : answer;
  // A quick retry after `online`/`visible` (see `MachineContext.quick`): an attempt that never opened, which the
  // policy would retry or give up on for attempts, is retried soon and not counted.
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
    const detail = __DEV__
      ? `Close ${result.code}${result.name ? ` (${result.name})` : ''}: the policy says reauth, but no auth.refresh is configured, so the socket stops (cause 'reauth-failed'). Pass auth: { refresh } or change the rule.`
      : '';
    emit(fx, 'error', new SocketError('refresh-missing', detail));
  }
  // Before the decision is acted on: a `stopped` must find them in the queue.
  settle(c, fx, config, uptimeMs);
  follow(c, fx, config, decision, result, quick);
}

/** Acts on the decision about a close: stop, wait for the retry timer, or ask the runner to refresh the credentials. */
function follow(c: Draft, fx: Effect[], config: MachineConfig, decision: Decision, result: CloseResult, quick: boolean): void {
  if (decision.action === 'stop') return stop(c, fx, decision.cause, result);
  if (!quick) c.previousDelayMs = decision.delayMs;
  if (decision.action === 'reconnect') {
    moveTo(c, fx, 'waiting');
    fx.push(setTimer('retry', decision.delayMs));
    emit(fx, 'reconnecting', { attempt: c.failures, delayMs: decision.delayMs, result });
    return;
  }
  const attempt = ++c.reauthAttempt;
  // A new epoch: the answer of a refresh that timed out is ignored.
  c.epoch++;
  c.reauthDelayMs = decision.delayMs;
  moveTo(c, fx, 'reauthenticating');
  emit(fx, 'reauth', { attempt, result });
  fx.push(setTimer('refresh', config.refreshTimeoutMs), { type: 'refresh', epoch: c.epoch, attempt, result });
}
