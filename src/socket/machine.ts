// The socket's decisions as a pure transition: (context, input) → (context,
// effects). Nothing here touches a timer, a WebSocket or an emitter; the effect
// runner in socket.ts does, and feeds what happens back in as inputs.
import type { CloseEventLike, CloseResult } from '../classify';
import { clientStopRule } from '../policy';
import type { Decision, PolicyContext, StopCause } from '../policy/types';
import { SocketError } from './errors';
import type { SocketEvents, SocketState } from './types';

/** The timers the machine asks for. */
export type TimerName = 'connect' | 'retry' | 'closing';

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
  readonly closeRequest: { readonly code: number; readonly reason: string | undefined } | undefined;
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
}

/** What the outside world tells the machine. */
export type Input =
  | { readonly type: 'start' }
  | { readonly type: 'reconnect'; readonly at: number }
  | { readonly type: 'close'; readonly code: number; readonly reason: string | undefined }
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
  | { readonly type: 'visible'; readonly visible: boolean };

type EmitEffect = {
  [K in keyof SocketEvents]: { readonly type: 'emit'; readonly event: K; readonly payload: Parameters<SocketEvents[K]>[0] };
}[keyof SocketEvents];

/** What the machine asks the effect runner to do, in order. */
export type Effect =
  | EmitEffect
  | { readonly type: 'resolve-url'; readonly epoch: number }
  | { readonly type: 'connect'; readonly epoch: number; readonly url: string }
  /** Detach the current WebSocket (no more events from it) and close it. */
  | { readonly type: 'abandon'; readonly reason: string }
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
  decide(result: CloseResult, context: PolicyContext): Decision;
  /** An open lasting this long resets the counters. */
  readonly resetAfterMs: number;
  readonly connectTimeoutMs: number;
  /** How long a connection must stay open, with nothing received, to be confirmed; 0: no confirmation (nothing tracked). */
  readonly confirmAfterMs: number;
  /** Whether `auth.refresh` is configured. */
  readonly canRefresh: boolean;
}

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
  };
}

const ALL_TIMERS: readonly Effect[] = [
  { type: 'clear-timer', timer: 'connect' },
  { type: 'clear-timer', timer: 'retry' },
  { type: 'clear-timer', timer: 'closing' },
];

/** Computes the next context and the effects to run; never throws for a valid config. */
export function transition(context: MachineContext, input: Input, config: MachineConfig): Transition {
  const t = new Builder(context);
  step(t, input, config);
  return { context: t.context, effects: t.effects };
}

class Builder {
  readonly effects: Effect[] = [];
  constructor(public context: MachineContext) {}

  set(patch: Partial<MachineContext>): void {
    this.context = { ...this.context, ...patch };
  }

  do(...effects: Effect[]): void {
    this.effects.push(...effects);
  }

  goto(state: SocketState): void {
    const previous = this.context.state;
    if (previous === state) return;
    this.set({ state });
    this.do({ type: 'emit', event: 'state', payload: { state, previous } });
  }

  /** Abandons whatever is in flight: late results of the old epoch are ignored. */
  bumpEpoch(): void {
    this.set({ epoch: this.context.epoch + 1 });
  }
}

const isPaused = (c: MachineContext): boolean => !c.online || !c.visible;

function step(t: Builder, input: Input, config: MachineConfig): void {
  const c = t.context;
  // A stopped socket only listens for reconnect(), and keeps track of the network and visibility for then.
  if (c.state === 'stopped' && input.type !== 'reconnect' && input.type !== 'online' && input.type !== 'visible') return;
  if ('epoch' in input && input.epoch !== c.epoch) return;

  switch (input.type) {
    case 'start':
      if (c.state === 'idle') startAttempt(t, config, false);
      return;

    case 'reconnect':
      t.bumpEpoch();
      t.do(...ALL_TIMERS, { type: 'heartbeat', running: false }, { type: 'abandon', reason: 'reconnect' });
      settle(t, config, uptime(c, input.at));
      t.set({ failures: 0, reauthAttempt: 0, previousDelayMs: 0, openedAt: undefined, closeRequest: undefined });
      startAttempt(t, config, true);
      return;

    case 'close':
      if (c.state === 'closing') return;
      if (c.state === 'open') {
        t.set({ closeRequest: { code: input.code, reason: input.reason } });
        t.do(
          { type: 'heartbeat', running: false },
          { type: 'close-socket', code: input.code, reason: input.reason },
          { type: 'set-timer', timer: 'closing', delayMs: config.connectTimeoutMs },
        );
        t.goto('closing');
        return;
      }
      // Not connected: nothing to hand-shake, stop straight away.
      t.bumpEpoch();
      t.do(...ALL_TIMERS, { type: 'abandon', reason: 'closed by the app' });
      stop(t, 'client', c.lastClose);
      return;

    case 'dispose':
      t.bumpEpoch();
      t.do(...ALL_TIMERS, { type: 'heartbeat', running: false }, { type: 'abandon', reason: 'disposed' });
      settle(t, config, uptime(c, input.at));
      stop(t, 'client', c.lastClose);
      return;

    case 'url-resolved':
      if (c.state === 'connecting') t.do({ type: 'connect', epoch: c.epoch, url: input.url });
      return;

    case 'url-failed':
    case 'connect-failed':
      if (c.state !== 'connecting') return;
      t.do({ type: 'emit', event: 'error', payload: input.error });
      // Nothing reached the network: handled like a connection that never opened.
      t.do({ type: 'abandon', reason: 'attempt failed' });
      afterClose(t, config, { code: 1006, reason: input.type === 'url-failed' ? 'url failed' : 'connect failed', wasClean: false }, false, 0);
      return;

    case 'socket-open': {
      if (c.state !== 'connecting') return;
      const confirming = config.confirmAfterMs > 0;
      t.set({ openedAt: input.at, confirming });
      t.do({ type: 'clear-timer', timer: 'connect' }, { type: 'flush', track: confirming }, { type: 'heartbeat', running: true });
      t.goto('open');
      t.do({ type: 'emit', event: 'open', payload: { attempt: t.context.failures, protocol: input.protocol } });
      return;
    }

    case 'message':
      settle(t, config, Infinity);
      return;

    case 'sent':
      // Checked on the app's writes rather than by a timer: no timer per open, and tracking ends on the first write after the window.
      if (uptime(c, input.at) >= config.confirmAfterMs) settle(t, config, Infinity);
      return;

    case 'socket-close':
      if (c.state === 'closing') {
        finishClientClose(t, config, config.classify(input.event, true), input.at);
        return;
      }
      if (c.state !== 'connecting' && c.state !== 'open') return;
      t.do({ type: 'abandon', reason: 'closed' });
      afterClose(t, config, input.event, c.state === 'open', uptime(c, input.at));
      return;

    case 'heartbeat-dead':
      if (c.state !== 'open') return;
      t.do({ type: 'abandon', reason: 'heartbeat timeout' });
      afterClose(t, config, { code: 1006, reason: 'heartbeat timeout', wasClean: false }, true, uptime(c, input.at));
      return;

    case 'timer':
      if (input.timer === 'connect' && c.state === 'connecting') {
        t.do({ type: 'abandon', reason: 'connect timeout' });
        afterClose(t, config, { code: 1006, reason: 'connect timeout', wasClean: false }, false, 0);
      } else if (input.timer === 'retry' && c.state === 'waiting') {
        startAttempt(t, config, false);
      } else if (input.timer === 'closing' && c.state === 'closing') {
        // The server never answered our close frame; give up on the handshake.
        const request = c.closeRequest;
        t.do({ type: 'abandon', reason: 'close timeout' });
        finishClientClose(t, config, config.classify({ code: request?.code ?? 1000, reason: request?.reason ?? '', wasClean: false }, true), input.at);
      }
      return;

    case 'refresh-done':
      if (c.state !== 'reauthenticating') return;
      if (c.reauthDelayMs > 0) {
        t.goto('waiting');
        t.do({ type: 'set-timer', timer: 'retry', delayMs: c.reauthDelayMs });
      } else startAttempt(t, config, false);
      return;

    case 'refresh-failed':
      if (c.state !== 'reauthenticating') return;
      t.do({ type: 'emit', event: 'error', payload: input.error });
      stop(t, 'reauth-failed', c.lastClose);
      return;

    case 'online':
    case 'visible': {
      const wasPaused = isPaused(c);
      t.set(input.type === 'online' ? { online: input.online } : { visible: input.visible });
      // Back online (or visible) while waiting: retry at once rather than sit out the backoff.
      if (wasPaused && !isPaused(t.context) && c.state === 'waiting') {
        t.do({ type: 'clear-timer', timer: 'retry' });
        startAttempt(t, config, false);
      }
      return;
    }
  }
}

/**
 * Ends the unconfirmed window of the current connection, if there is one:
 * open for `confirmAfterMs` (Infinity: the server spoke), what was written is
 * taken as delivered; otherwise it goes back to the queue, since a server
 * that accepts and then closes at once discards it.
 */
function settle(t: Builder, config: MachineConfig, uptimeMs: number): void {
  if (!t.context.confirming) return;
  t.set({ confirming: false });
  t.do({ type: uptimeMs >= config.confirmAfterMs ? 'confirmed' : 'requeue' });
}

function uptime(c: MachineContext, at: number): number {
  return c.openedAt === undefined ? 0 : Math.max(0, at - c.openedAt);
}

function startAttempt(t: Builder, config: MachineConfig, force: boolean): void {
  if (!force && isPaused(t.context)) {
    // No timer: the online/visible input resumes.
    t.goto('waiting');
    return;
  }
  t.bumpEpoch();
  t.set({ openedAt: undefined, closeRequest: undefined });
  t.goto('connecting');
  t.do({ type: 'set-timer', timer: 'connect', delayMs: config.connectTimeoutMs }, { type: 'resolve-url', epoch: t.context.epoch });
}

function stop(t: Builder, cause: StopCause, result: CloseResult | undefined): void {
  t.set({ openedAt: undefined, closeRequest: undefined });
  t.goto('stopped');
  t.do({ type: 'stopped', cause, result });
}

function finishClientClose(t: Builder, config: MachineConfig, result: CloseResult, at: number): void {
  t.do(...ALL_TIMERS, { type: 'abandon', reason: 'closed' });
  t.set({ lastClose: result });
  t.do({ type: 'emit', event: 'close', payload: { result, decision: { action: 'stop', cause: 'client', rule: clientStopRule } } });
  settle(t, config, uptime(t.context, at));
  stop(t, 'client', result);
}

/** Classifies a close of the current attempt, asks the policy, and acts on its decision. */
function afterClose(t: Builder, config: MachineConfig, event: CloseEventLike, opened: boolean, uptimeMs: number): void {
  t.do({ type: 'clear-timer', timer: 'connect' }, { type: 'heartbeat', running: false });
  const result = config.classify(event, opened);
  if (opened && uptimeMs > 0 && uptimeMs >= config.resetAfterMs) t.set({ failures: 0, reauthAttempt: 0 });
  const c = t.context;
  let decision = config.decide(result, {
    attempt: c.failures,
    reauthAttempt: c.reauthAttempt,
    uptimeMs,
    previousDelayMs: c.previousDelayMs,
  });
  const refreshMissing = decision.action === 'reauth' && !config.canRefresh;
  if (refreshMissing) decision = { action: 'stop', cause: 'reauth-failed', rule: decision.rule };

  t.set({ lastClose: result, openedAt: undefined, failures: c.failures + 1 });
  t.do({ type: 'emit', event: 'close', payload: { result, decision } });
  if (result.kind === 'application' || result.kind === 'library') t.do({ type: 'emit', event: 'rejected', payload: result });
  if (refreshMissing) {
    t.do({ type: 'emit', event: 'error', payload: missingRefreshError(result) });
  }
  // Before the decision is acted on: a `stopped` must find them in the queue.
  settle(t, config, uptimeMs);

  switch (decision.action) {
    case 'reconnect':
      t.set({ previousDelayMs: decision.delayMs });
      t.goto('waiting');
      t.do(
        { type: 'set-timer', timer: 'retry', delayMs: decision.delayMs },
        { type: 'emit', event: 'reconnecting', payload: { attempt: t.context.failures, delayMs: decision.delayMs, result } },
      );
      return;
    case 'reauth': {
      const attempt = c.reauthAttempt + 1;
      t.bumpEpoch();
      t.set({ previousDelayMs: decision.delayMs, reauthAttempt: attempt, reauthDelayMs: decision.delayMs });
      t.goto('reauthenticating');
      t.do(
        { type: 'emit', event: 'reauth', payload: { attempt, result } },
        { type: 'refresh', epoch: t.context.epoch, attempt, result },
      );
      return;
    }
    case 'stop':
      stop(t, decision.cause, result);
      return;
  }
}

function missingRefreshError(result: CloseResult): SocketError {
  return new SocketError(
    'refresh-missing',
    `The policy asked to re-authenticate after close ${result.code}${result.name ? ` (${result.name})` : ''}, but no auth.refresh is configured, so the socket stops with cause 'reauth-failed'. Pass createSocket(url, { auth: { refresh } }) or change the rule for this code.`,
  );
}
