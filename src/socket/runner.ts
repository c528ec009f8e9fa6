// The effect runner: feeds inputs to the pure machine (machine.ts) one at a
// time and carries out the effects it returns, through the connection, the
// outbox, the heartbeat and named timers. Inputs are processed to completion:
// a listener that calls back into the socket is handled after the current
// step, never in the middle of it — dispose() included, whose `stopped`
// comes once the step has reported everything it had to.
import { classify } from '../classify';
import { MAX_DELAY_MS } from '../check';
import type { TimerHandle } from '../environment';
import { show } from '../errors';
import type { Decision } from '../policy/types';
import { createConnection, resolveUrl, type Connection } from './connection';
import type { GuardedEmitter } from './emitter';
import { emitSafely } from './emitter';
import { SocketError, thrown, toError } from './errors';
import { createHeartbeat } from './heartbeat';
import { initialContext, transition, type Effect, type Input, type MachineConfig, type MachineContext, type TimerName } from './machine';
import type { ResolvedOptions } from './options';
import { createOutbox, type Outbox } from './outbox';
import { startWakeDetector } from './page';
import type { SendData, SocketEvents } from './types';

/** What {@link ManagedSocket} needs from its runner. */
export interface Runner {
  context(): MachineContext;
  readonly connection: Connection;
  readonly outbox: Outbox;
  send(data: SendData): void;
  /** Feeds an input to the machine; ignored after `dispose()`. */
  input(input: Input): void;
  now(): number;
  isDisposed(): boolean;
  dispose(): void;
}

type Emit = <E extends keyof SocketEvents>(event: E, payload: Parameters<SocketEvents[E]>[0]) => void;

/** The range of a quick retry's delay (see `LifecycleOptions.quickRetries`). */
const QUICK_MIN_MS = 250;
const QUICK_MAX_MS = 1000;

const LIVE = 0;
/** dispose() was called during a step: the step finishes its reporting, then the socket is released. */
const DISPOSING = 1;
const DISPOSED = 2;

// Effects that start something new: skipped once dispose() is under way, so a listener's dispose() opens nothing more.
const STARTERS: readonly Effect['type'][] = ['resolve-url', 'connect', 'set-timer', 'refresh', 'flush'];

export const gone = (method: string): SocketError => new SocketError('disposed', __DEV__ ? `${method}() after dispose(): this socket is gone; create a new one.` : '');

/** What a WebSocket can send: a string, an ArrayBuffer (shared too), a view of one, or a Blob. */
function isSendable(data: unknown): boolean {
  if (typeof data === 'string' || ArrayBuffer.isView(data)) return true;
  try {
    return /^\[object (?:Shared)?(?:ArrayBuffer|Blob|File)\]$/.test(Object.prototype.toString.call(data));
  } catch {
    return false;
  }
}

/** A decision the socket can act on: a stop with a cause, or a delay a timer can wait. */
function isDecision(d: Partial<Record<'action' | 'cause' | 'delayMs', unknown>> | null | undefined): d is Decision {
  const delayMs = d?.delayMs;
  return d?.action === 'stop' ? typeof d.cause === 'string' : (d?.action === 'reconnect' || d?.action === 'reauth') && typeof delayMs === 'number' && delayMs >= 0 && delayMs <= MAX_DELAY_MS;
}

/** Builds the runner of one socket: its machine, connection, outbox, heartbeat, timers and subscriptions. */
export function createRunner(emitter: GuardedEmitter<SocketEvents>, o: ResolvedOptions): Runner {
  const { clock, timers } = o;
  const random = (): number => {
    const value = o.random?.() ?? Math.random();
    return typeof value === 'number' && value >= 0 && value < 1 ? value : 0.5;
  };
  const emit: Emit = (event, payload) => (emitSafely as (e: typeof emitter, event: string, payload: unknown) => void)(emitter, event, payload);
  const report = (error: Error): void => emit('error', error);
  const now = (): number => clock.now();
  const inbox: Input[] = [];
  const handles = new Map<TimerName | 'start', TimerHandle>();
  const unsubscribers: (() => void)[] = [];
  let processing = false;
  let phase = LIVE;

  const connection = createConnection(o.WebSocket, o.protocols, o.binaryType);
  const outbox = createOutbox(o.queue, { dropped: (messages) => emit('dropped', { messages }), error: report });
  const heartbeat = createHeartbeat(o.heartbeat, {
    timers,
    clock,
    send(data) {
      if (!connection.isOpen()) return false;
      connection.send(data);
      return true;
    },
    dead: () => dispatch({ type: 'heartbeat-dead', epoch: context.epoch, at: now() }),
    report,
  });
  const config: MachineConfig = {
    classify: (event, opened) => classify(event, { codes: o.codes, opened }),
    decide(result, policyContext) {
      try {
        const d = o.policy.decide(result, policyContext) as unknown as Parameters<typeof isDecision>[0];
        return isDecision(d) ? d : new SocketError('hook-failed', __DEV__ ? `policy.decide returned ${show(d)}, which is not a decision; the socket stops (cause 'policy').` : '');
      } catch (error) {
        return thrown('hook-failed', 'policy.decide threw', error);
      }
    },
    resetAfterMs: o.resetAfterMs,
    connectTimeoutMs: o.connectTimeoutMs,
    refreshTimeoutMs: o.refreshTimeoutMs,
    // In ack mode only the connection's end settles what was written: the outbox matches the acks.
    confirmAfterMs: o.queue?.ack ? Infinity : (o.queue?.confirmAfterMs ?? 0),
    canRefresh: o.refresh !== undefined,
    ...(o.lifecycle && {
      lifecycle: {
        closeCode: o.lifecycle.closeCode,
        canProbe: o.heartbeat !== undefined,
        untrustedAfterMs: o.lifecycle.untrustedAfterMs,
        quickRetries: o.lifecycle.quickRetries,
        // Jittered, so clients that all saw the same `online` do not retry in step.
        quickDelayMs: () => Math.round(QUICK_MIN_MS + (QUICK_MAX_MS - QUICK_MIN_MS) * random()),
      },
    }),
  };

  const call = <T>(hook: () => T, name: string): T | undefined => {
    try {
      return hook();
    } catch (error) {
      report(thrown('hook-failed', `${name} threw`, error));
      return undefined;
    }
  };

  function setTimer(name: TimerName | 'start', delayMs: number, callback: () => void): void {
    clearTimer(name);
    const fire = (): void => {
      handles.delete(name);
      callback();
    };
    handles.set(name, timers.setTimeout(fire, delayMs));
  }

  function clearTimer(name: TimerName | 'start'): void {
    if (handles.has(name)) timers.clearTimeout(handles.get(name));
    handles.delete(name);
  }

  function dispatch(input: Input): void {
    if (phase !== LIVE) return;
    inbox.push(input);
    if (processing) return;
    processing = true;
    try {
      for (let next = inbox.shift(); next !== undefined && phase === LIVE; next = inbox.shift()) step(next);
    } finally {
      processing = false;
    }
    // A listener called dispose() during the step: now that the step has reported everything, let go.
    if ((phase as number) === DISPOSING) release();
  }

  function step(input: Input): void {
    const t = transition(context, input, config);
    context = t.context;
    for (const effect of t.effects) if (phase === LIVE || !STARTERS.includes(effect.type)) run(effect);
  }

  function run(effect: Effect): void {
    switch (effect.type) {
      case 'emit':
        return (emit as (event: string, payload: unknown) => void)(effect.event, effect.payload);
      case 'resolve-url': {
        const { epoch } = effect;
        return resolveUrl(
          o.url,
          (url) => dispatch({ type: 'url-resolved', epoch, url }),
          (error) => dispatch({ type: 'url-failed', epoch, error }),
        );
      }
      case 'connect':
        return connect(effect.epoch, effect.url);
      case 'abandon':
        return connection.detach(effect.reason, effect.code);
      case 'probe':
        return heartbeat.probe();
      case 'close-socket':
        return connection.close(effect.code, effect.reason);
      case 'set-timer': {
        const { timer } = effect;
        return setTimer(timer, effect.delayMs, () => dispatch({ type: 'timer', timer, at: now() }));
      }
      case 'clear-timer':
        return clearTimer(effect.timer);
      case 'heartbeat':
        return phase === LIVE && effect.running ? heartbeat.start() : heartbeat.stop();
      case 'flush':
        return outbox.flush(connection.send, effect.track);
      case 'confirmed':
        return outbox.confirm();
      case 'requeue':
        return outbox.requeue();
      case 'refresh':
        return refresh(effect.epoch, effect.attempt, effect.result);
      case 'stopped':
        return emit('stopped', { cause: effect.cause, result: effect.result, pending: outbox.takeAll() });
    }
  }

  function connect(epoch: number, url: string): void {
    const error = connection.open(url, {
      open: (protocol) => dispatch({ type: 'socket-open', epoch, at: now(), protocol }),
      close: (event) => dispatch({ type: 'socket-close', epoch, event, at: now() }),
      message: received,
    });
    if (error) dispatch({ type: 'connect-failed', epoch, error });
  }

  function received(data: unknown): void {
    if (phase !== LIVE) return;
    outbox.received(data);
    // Anything from the server, a pong included, shows it kept the connection: what we wrote is not coming back.
    if (outbox.confirming()) dispatch({ type: 'message', epoch: context.epoch });
    if (!heartbeat.received(data)) emit('message', data);
  }

  function refresh(epoch: number, attempt: number, result: Parameters<NonNullable<ResolvedOptions['refresh']>>[0]['result']): void {
    const failed = (error: unknown): void => dispatch({ type: 'refresh-failed', epoch, error: thrown('refresh-failed', 'auth.refresh failed', error, toError(error)) });
    const hook = o.refresh;
    if (hook === undefined) return failed(new Error(__DEV__ ? 'no auth.refresh is configured' : ''));
    let value: unknown;
    try {
      value = hook({ attempt, result });
    } catch (error) {
      return failed(error);
    }
    Promise.resolve(value).then(() => dispatch({ type: 'refresh-done', epoch }), failed);
  }

  /** The end of dispose(): the machine's own `dispose` step (a `stopped` unless already stopped), then every resource let go. */
  function release(): void {
    step({ type: 'dispose', at: now() });
    phase = DISPOSED;
    inbox.length = 0;
    for (const name of [...handles.keys()]) clearTimer(name);
    heartbeat.stop();
    connection.detach('disposed');
    for (const off of unsubscribers.splice(0)) call(off, 'unsubscribe');
    emitter.removeAllListeners();
  }

  const { online, visibility } = o;
  let context = initialContext(
    online === undefined || call(() => online.isOnline(), 'online.isOnline') !== false,
    visibility === undefined || call(() => visibility.isVisible(), 'visibility.isVisible') !== false,
  );
  // Subscribed only now: a source may call back at once, and the machine must exist by then.
  const watch = (subscribe: () => unknown, name: string): void => {
    const off = call(subscribe, name);
    if (typeof off === 'function') unsubscribers.push(off as () => void);
  };
  if (online) watch(() => online.subscribe((value) => dispatch({ type: 'online', online: value !== false })), 'online.subscribe');
  if (visibility) watch(() => visibility.subscribe((value) => dispatch({ type: 'visible', visible: value !== false })), 'visibility.subscribe');
  const { lifecycle } = o;
  const page = lifecycle?.page;
  if (lifecycle && page) {
    watch(
      () =>
        page.subscribe((event) => {
          const type = (event as { type?: unknown } | undefined)?.type;
          const persisted = (event as { persisted?: unknown }).persisted === true;
          // A pagehide without `persisted` is the page unloading for good: nothing to keep.
          if (type === 'pagehide' && persisted && lifecycle.backForwardCache) dispatch({ type: 'page-hide', at: now() });
          else if (type === 'pageshow' && persisted && lifecycle.backForwardCache) dispatch({ type: 'page-show' });
          else if (type === 'freeze' && lifecycle.checkOnResume) dispatch({ type: 'freeze', at: now() });
          else if (type === 'resume' && lifecycle.checkOnResume) dispatch({ type: 'resume', at: now() });
        }),
      'lifecycle.page.subscribe',
    );
  }
  const driftMs = lifecycle?.wakeDriftMs;
  if (driftMs !== undefined) {
    const pageVisibility = lifecycle?.visibility;
    const isVisible = (): boolean => pageVisibility === undefined || call(() => pageVisibility.isVisible(), 'visibility.isVisible') !== false;
    const detector = startWakeDetector(timers, clock, driftMs, isVisible, (sleptMs) => dispatch({ type: 'wake', at: now(), sleptMs }));
    unsubscribers.push(() => detector.stop());
  }
  // Connect on the next tick, so listeners added right after createSocket() see every event.
  if (!o.startClosed) setTimer('start', 0, () => dispatch({ type: 'start' }));

  return {
    context: () => context,
    connection,
    outbox,
    now,
    input: dispatch,
    isDisposed: () => phase !== LIVE,
    send(data) {
      if (phase !== LIVE) throw gone('send');
      if (!isSendable(data)) {
        throw new SocketError(
          'invalid-data',
          __DEV__ ? `send() takes a string, an ArrayBuffer, a typed array or DataView, or a Blob; got ${typeof data === 'object' ? show(data) : typeof data}.` : '',
        );
      }
      const state = context.state;
      if (state === 'stopped') throw new SocketError('stopped', __DEV__ ? "send() after the socket stopped: call reconnect() first, or listen for 'stopped'." : '');
      if (state === 'open' && connection.isOpen() && outbox.queued() === 0) {
        if (outbox.write(data, connection.send) && outbox.confirming()) dispatch({ type: 'sent', epoch: context.epoch, at: now() });
        return;
      }
      outbox.enqueue(data);
      emit('queued', { count: outbox.queued() });
    },
    dispose() {
      if (phase !== LIVE) return;
      // Marked first, so nothing a listener does from here on starts anything new.
      phase = DISPOSING;
      if (!processing) release();
    },
  };
}
