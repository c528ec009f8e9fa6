// The moves the input handlers (handlers.ts) share: start an attempt, end a
// connection and act on the policy's decision, stop, settle the unconfirmed
// window. Each adds to the context being built and to the effects, in order;
// none runs an effect.
import type { CloseEventLike, CloseResult } from '../../classify';
import { clientStopRule } from '../../policy/engine';
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

export function emit<K extends keyof SocketEvents>(effects: Effect[], event: K, payload: Parameters<SocketEvents[K]>[0]): void {
  effects.push({ type: 'emit', event, payload } as Effect);
}

/** Changes state, announcing it with a `state` event (nothing when it stays the same). */
export function moveTo(context: Draft, effects: Effect[], state: SocketState): void {
  const previous = context.state;
  if (previous === state) return;
  context.state = state;
  emit(effects, 'state', { state, previous });
}

export const isPaused = (context: MachineContext): boolean => !context.online || !context.visible;

/** How long the current connection has been open at `at` (0 when none is). */
export const uptime = (context: MachineContext, at: number): number => (context.openedAt === undefined ? 0 : Math.max(0, at - context.openedAt));

/** A close of an attempt that never reached the network or never opened, in the words of a browser. */
export const failed = (reason: string): CloseEventLike => ({ code: 1006, reason, wasClean: false });

/** A new attempt now, whatever the network or the page: a fresh epoch, the connect timer and the URL to resolve. */
export function connectNow(context: Draft, effects: Effect[], config: MachineConfig): void {
  context.epoch++;
  context.openedAt = context.closeRequest = undefined;
  moveTo(context, effects, 'connecting');
  effects.push(setTimer('connect', config.connectTimeoutMs), { type: 'resolve-url', epoch: context.epoch });
}

/** A new attempt, unless offline or hidden: then wait, with no timer, for the `online`/`visible` input that resumes. */
export function startAttempt(context: Draft, effects: Effect[], config: MachineConfig): void {
  if (isPaused(context)) moveTo(context, effects, 'waiting');
  else connectNow(context, effects, config);
}

export function stop(context: Draft, effects: Effect[], cause: StopCause, result: CloseResult | undefined): void {
  context.openedAt = context.closeRequest = undefined;
  moveTo(context, effects, 'stopped');
  effects.push({ type: 'stopped', cause, result });
}

/**
 * Ends the unconfirmed window of the current connection, if there is one:
 * open for `confirmAfterMs` (Infinity: the server spoke), what was written is
 * taken as delivered; otherwise it goes back to the queue, since a server
 * that accepts and then closes at once discards it.
 */
export function settle(context: Draft, effects: Effect[], config: MachineConfig, uptimeMs: number): void {
  if (!context.confirming) return;
  context.confirming = false;
  effects.push({ type: uptimeMs >= config.confirmAfterMs ? 'confirmed' : 'requeue' });
}

/** The app's close() ends the run with `result`, whether the server answered the close frame or not. */
export function finishClientClose(context: Draft, effects: Effect[], config: MachineConfig, result: CloseResult, at: number): void {
  effects.push(...CLEAR_ALL_TIMERS, abandon('closed'));
  context.lastClose = context.runClose = result;
  emit(effects, 'close', { result, decision: { action: 'stop', cause: 'client', rule: clientStopRule } });
  // Only the time open before close() counts: waiting for the server's answer confirms nothing.
  settle(context, effects, config, uptime(context, context.closeRequest?.at ?? at));
  stop(context, effects, 'client', result);
}

/** The result of the app's close when the server never answered its close frame: its code and reason, not clean. */
export function unansweredClose(context: Draft, config: MachineConfig): CloseResult {
  const request = context.closeRequest;
  return config.classify({ code: request?.code ?? 1000, reason: request?.reason ?? '', wasClean: false }, true);
}

/**
 * Ends the current attempt or connection: abandons its WebSocket (with
 * `reason`), classifies how it ended, asks the policy, and acts on the
 * decision (wait and retry, re-authenticate, or stop).
 */
export function endConnection(context: Draft, effects: Effect[], config: MachineConfig, reason: string, event: CloseEventLike, opened: boolean, uptimeMs: number): void {
  effects.push(abandon(reason), clearTimer('connect'), HEARTBEAT_OFF);
  const result = config.classify(event, opened);
  if (opened && uptimeMs > 0 && uptimeMs >= config.resetAfterMs) context.failures = context.reauthAttempt = context.previousDelayMs = 0;
  const answer = config.decide(result, { attempt: context.failures, reauthAttempt: context.reauthAttempt, uptimeMs, previousDelayMs: context.previousDelayMs });
  // A policy that failed stops the run rather than looping or hanging; the error says why.
  let decision: Decision = answer instanceof Error ? { action: 'stop', cause: 'policy', rule: failedPolicyRule } : answer;
  // A quick retry after `online`/`visible` (see `MachineContext.quick`): an attempt that never opened, which the
  // policy would retry or stop for max-attempts, is retried after a short delay instead, and not counted.
  const quick = !opened && context.quick > 0 && (decision.action === 'reconnect' || (decision.action === 'stop' && decision.cause === 'max-attempts'));
  if (quick) {
    context.quick--;
    decision = { action: 'reconnect', delayMs: (config.lifecycle as MachineLifecycle).quickDelayMs(), attempt: context.failures, rule: decision.rule };
  } else if (decision.action !== 'reconnect' || opened) context.quick = 0;
  const refreshMissing = decision.action === 'reauth' && !config.canRefresh;
  if (refreshMissing) decision = { action: 'stop', cause: 'reauth-failed', rule: decision.rule };

  context.lastClose = context.runClose = result;
  context.openedAt = undefined;
  // A re-authentication has its own count (reauthAttempt, bounded by maxReauth): the close that asked for it
  // is not a failed attempt, so it adds nothing to the attempt count (nor resets it).
  if (decision.action !== 'reauth' && !quick) context.failures++;
  if (answer instanceof Error) emit(effects, 'error', answer);
  emit(effects, 'close', { result, decision });
  if (result.kind === 'application' || result.kind === 'library') emit(effects, 'rejected', result);
  if (refreshMissing) {
    const detail = __DEV__
      ? `Close ${result.code}${result.name ? ` (${result.name})` : ''}: the policy says reauth, but no auth.refresh is configured, so the socket stops (cause 'reauth-failed'). Pass auth: { refresh } or change the rule.`
      : '';
    emit(effects, 'error', new SocketError('refresh-missing', detail));
  }
  // The unconfirmed messages go back to the queue (or are confirmed) before the decision is acted on: a `stopped` must find them there.
  settle(context, effects, config, uptimeMs);
  follow(context, effects, config, decision, result, quick);
}

/** Acts on the decision about a close: stop, wait for the retry timer, or ask the runner to refresh the credentials. */
function follow(context: Draft, effects: Effect[], config: MachineConfig, decision: Decision, result: CloseResult, quick: boolean): void {
  if (decision.action === 'stop') return stop(context, effects, decision.cause, result);
  if (!quick) context.previousDelayMs = decision.delayMs;
  if (decision.action === 'reconnect') {
    moveTo(context, effects, 'waiting');
    effects.push(setTimer('retry', decision.delayMs));
    emit(effects, 'reconnecting', { attempt: context.failures, delayMs: decision.delayMs, result });
    return;
  }
  const attempt = ++context.reauthAttempt;
  // A new epoch: the answer of a refresh that timed out is ignored.
  context.epoch++;
  context.reauthDelayMs = decision.delayMs;
  moveTo(context, effects, 'reauthenticating');
  emit(effects, 'reauth', { attempt, result });
  effects.push(setTimer('refresh', config.refreshTimeoutMs), { type: 'refresh', epoch: context.epoch, attempt, result });
}
