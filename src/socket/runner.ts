// The effect runner: feeds inputs to the pure machine (machine.ts) one at a
// time and carries out the effects it returns, through the connection, the
// outbox, the heartbeat and named timers. Inputs are processed to completion:
// a listener that calls back into the socket is handled after the current
// step, never in the middle of it — dispose() included, whose `stopped`
// comes once the step has reported everything it had to.
//
// The runner is also what its parts report to (ConnectionEvents,
// OutboxReports, HeartbeatIo): one object per socket, no closure per hook.
import type { CloseEventLike, CloseResult } from '../classify';
import type { TimerHandle } from '../environment';
import { show } from '../errors';
import { Connection, type ConnectionEvents, resolveUrl } from './connection';
import { emitSafely, type GuardedEmitter } from './emitter';
import { callHook, SocketError, thrown, toError } from './errors';
import { createHeartbeat, type Heartbeat, type HeartbeatIo } from './heartbeat';
import { initialContext, transition, type Effect, type Input, type MachineConfig, type MachineContext, type TimerName } from './machine';
import type { ResolvedOptions } from './options';
import { Outbox, type OutboxReports } from './outbox';
import { MachineSettings } from './settings';
import { SocketTime } from './time';
import type { SendData, SocketEvents } from './types';
import { initialSignals, watch, type Watcher } from './watch';

const LIVE = 0;
/** dispose() was called during a step: the step finishes its reporting, then the socket is released. */
const DISPOSING = 1;
const DISPOSED = 2;

// Effects that start something new: skipped once dispose() is under way, so a listener's dispose() opens nothing more.
const STARTERS: readonly Effect['type'][] = ['resolve-url', 'connect', 'set-timer', 'refresh', 'flush'];

/** The machine's timers; `start`: the first connect, on the next tick; `drain`: the inbox, after a long burst. */
type TimerSlot = TimerName | 'start' | 'drain';

/**
 * The most steps one synchronous burst runs. Ordinary work takes a handful; a
 * listener loop (an `error` listener calling reconnect() while each attempt
 * fails at once) would otherwise never give the page back. The rest of the
 * inbox then runs on the next timer tick, in order.
 */
const MAX_BURST = 500;

/** What a WebSocket can send: a string, an ArrayBuffer (shared too), a view of one, or a Blob. */
function isSendable(data: unknown): boolean {
  if (typeof data === 'string' || ArrayBuffer.isView(data)) return true;
  try {
    return /^\[object (?:Shared)?(?:ArrayBuffer|Blob|File)\]$/.test(Object.prototype.toString.call(data));
  } catch {
    return false;
  }
}

/** Runs one socket: its machine, connection, outbox, heartbeat, timers and subscriptions. */
export class Runner implements ConnectionEvents, OutboxReports, HeartbeatIo, Watcher {
  /** Where the machine stands. */
  context: MachineContext;
  /** The clock and timers every part uses: the app's, guarded. */
  readonly time: SocketTime;
  readonly connection: Connection;
  readonly outbox: Outbox;
  private readonly heartbeat: Heartbeat;
  /** What the machine consults (MachineConfig). */
  private readonly config: MachineSettings;
  private phase = LIVE;
  /** True while a step runs: inputs that arrive meanwhile wait in the inbox. */
  private busy = false;
  /** Inputs that arrived during a step, made on first use. */
  private inbox: Input[] | undefined;
  /** Pending timers by name, made on first use. */
  private handles: Partial<Record<TimerSlot, TimerHandle>> | undefined;
  /** What ends each subscription to the outside world; undefined when there is none. */
  private readonly stops: (() => void)[] | undefined;
  /**
   * Errors reported before the first tick (a source that failed when the
   * socket was made): emitted then, once the app's listeners are there.
   */
  private early: Error[] | undefined = [];

  constructor(
    private readonly emitter: GuardedEmitter<SocketEvents>,
    private readonly options: ResolvedOptions,
  ) {
    this.time = new SocketTime(options.clock, options.timers, this);
    this.connection = new Connection(options, this);
    this.outbox = new Outbox(options.queue, this);
    this.heartbeat = createHeartbeat(options.heartbeat, this.time, this);
    this.config = new MachineSettings(options);
    const signals = initialSignals(this, options);
    this.context = initialContext(signals.online, signals.visible);
    // Subscribed only now: a source may call back at once, and the machine must exist by then.
    this.stops = watch(this, options);
    // Connect on the next tick, so listeners added right after createSocket() see every event.
    if (!options.startClosed || (this.early as Error[]).length > 0) this.setTimer('start', 0);
    else this.early = undefined;
  }

  now(): number {
    return this.time.now();
  }

  isDisposed(): boolean {
    return this.phase !== LIVE;
  }

  /** Feeds an input to the machine; ignored after `dispose()`. */
  input(input: Input): void {
    if (this.phase !== LIVE) return;
    (this.inbox ??= []).push(input);
    if (!this.busy && this.handles?.drain === undefined) this.drain();
  }

  /**
   * Runs `work` as one step: inputs that arrive meanwhile wait in the inbox, and a dispose() waits for it to end.
   * Also a write or a message: a hook they call (idOf, acked, isPong…) that calls back into the socket then finds
   * the outbox and the heartbeat done with that message.
   */
  private inStep(work: () => void): void {
    if (this.busy) return work();
    this.busy = true;
    try {
      work();
    } finally {
      this.busy = false;
    }
    // A listener called dispose() during the step: now that the step has reported everything, let go.
    if ((this.phase as number) === DISPOSING) this.release();
    else if (this.inbox !== undefined && this.handles?.drain === undefined) this.drain();
  }

  /** Runs the inbox's inputs one step at a time, up to MAX_BURST steps in one go. */
  private drain(): void {
    const inbox = this.inbox as Input[];
    this.inStep(() => {
      let steps = 0;
      for (let next = inbox.shift(); next !== undefined && this.phase === LIVE; next = inbox.shift()) {
        this.step(next);
        if (++steps === MAX_BURST && inbox.length > 0) return this.setTimer('drain', 0);
      }
      // An idle socket keeps no empty inbox.
      this.inbox = undefined;
    });
  }

  /** `send()` of the socket: writes now when open with nothing queued, else queues. */
  send(data: SendData): void {
    if (this.phase !== LIVE) throw gone('send');
    if (!isSendable(data)) {
      throw new SocketError('invalid-data', __DEV__ ? `send() takes a string, an ArrayBuffer, a typed array or DataView, or a Blob; got ${typeof data === 'object' ? show(data) : typeof data}.` : '');
    }
    const { context, connection, outbox } = this;
    if (context.state === 'stopped') throw new SocketError('stopped', __DEV__ ? "send() after the socket stopped: call reconnect() first, or listen for 'stopped'." : '');
    if (context.state === 'open' && connection.isOpen() && outbox.queued() === 0) {
      return this.inStep(() => {
        if (outbox.write(data, connection) && outbox.confirming()) this.input({ type: 'sent', epoch: context.epoch, at: this.now() });
      });
    }
    outbox.enqueue(data);
    this.emit('queued', { count: outbox.queued() });
  }

  dispose(): void {
    if (this.phase !== LIVE) return;
    // Marked first, so nothing a listener does from here on starts anything new.
    this.phase = DISPOSING;
    if (!this.busy) this.release();
  }

  // What the parts report.

  /** Reports `error` through the socket's `error` event. */
  error(error: Error): void {
    if (this.early) this.early.push(error);
    else this.emit('error', error);
  }

  dropped(messages: SendData[]): void {
    this.emit('dropped', { messages });
  }

  opened(epoch: number, protocol: string): void {
    this.input({ type: 'socket-open', epoch, at: this.now(), protocol });
  }

  closed(epoch: number, event: CloseEventLike): void {
    this.input({ type: 'socket-close', epoch, event, at: this.now() });
  }

  received(data: unknown): void {
    if (this.phase !== LIVE) return;
    this.inStep(() => {
      const outbox = this.outbox;
      outbox.received(data);
      // Anything from the server, a pong included, shows it kept the connection: what we wrote is not coming back.
      if (outbox.confirming()) this.input({ type: 'message', epoch: this.context.epoch });
      if (!this.heartbeat.received(data)) this.emit('message', data);
    });
  }

  writeBeat(data: SendData): boolean {
    if (!this.connection.isOpen()) return false;
    this.connection.send(data);
    return true;
  }

  dead(): void {
    this.input({ type: 'heartbeat-dead', epoch: this.context.epoch, at: this.now() });
  }

  // The machine and its effects.

  private emit<E extends keyof SocketEvents>(event: E, payload: Parameters<SocketEvents[E]>[0]): void {
    emitSafely(this.emitter, event, payload);
  }

  private step(input: Input): void {
    // A cast only for `lifecycle`: the settings' getter gives undefined where the type says "absent", and the machine reads both alike.
    const next = transition(this.context, input, this.config as MachineConfig);
    this.context = next.context;
    for (const effect of next.effects) if (this.phase === LIVE || !STARTERS.includes(effect.type)) this.run(effect);
  }

  private run(effect: Effect): void {
    const { connection, outbox } = this;
    switch (effect.type) {
      case 'emit':
        return this.emit(effect.event, effect.payload as never);
      case 'resolve-url': {
        const { epoch } = effect;
        return resolveUrl(
          this.options.url,
          (url) => this.input({ type: 'url-resolved', epoch, url }),
          (error) => this.input({ type: 'url-failed', epoch, error }),
        );
      }
      case 'connect': {
        const error = connection.open(effect.url, effect.epoch);
        if (error) this.input({ type: 'connect-failed', epoch: effect.epoch, error });
        return;
      }
      case 'abandon':
        return connection.detach(effect.reason, effect.code);
      case 'probe':
        return this.heartbeat.probe();
      case 'close-socket':
        return connection.close(effect.code, effect.reason);
      case 'set-timer':
        return this.setTimer(effect.timer, effect.delayMs);
      case 'clear-timer':
        return this.clearTimer(effect.timer);
      case 'heartbeat':
        return this.phase === LIVE && effect.running ? this.heartbeat.start() : this.heartbeat.stop();
      case 'flush':
        return outbox.flush(this.connection, effect.track);
      case 'confirmed':
        return outbox.confirm();
      case 'requeue':
        return outbox.requeue();
      case 'refresh':
        return this.refresh(effect.epoch, effect.attempt, effect.result);
      case 'stopped':
        return this.emit('stopped', { cause: effect.cause, result: effect.result, pending: outbox.takeAll() });
    }
  }

  private setTimer(name: TimerSlot, delayMs: number): void {
    this.clearTimer(name);
    const handles = (this.handles ??= {});
    // SocketTime runs this at most once, and never after clearTimer(name): no stale timer gets here.
    const fire = (): void => {
      handles[name] = undefined;
      if (name === 'drain') return this.drain();
      if (name === 'start') {
        this.reportEarly();
        if (this.options.startClosed) return;
      }
      this.input(name === 'start' ? { type: 'start' } : { type: 'timer', timer: name, at: this.now() });
    };
    handles[name] = this.time.setTimeout(fire, delayMs);
  }

  private clearTimer(name: TimerSlot): void {
    const handles = this.handles;
    const handle = handles?.[name];
    if (handle === undefined) return;
    (handles as Partial<Record<TimerSlot, TimerHandle>>)[name] = undefined;
    this.time.clearTimeout(handle);
  }

  private refresh(epoch: number, attempt: number, result: CloseResult): void {
    const failed = (error: unknown): void => this.input({ type: 'refresh-failed', epoch, error: thrown('refresh-failed', 'auth.refresh failed', error, toError(error)) });
    const hook = this.options.refresh;
    if (hook === undefined) return failed(new Error(__DEV__ ? 'no auth.refresh is configured' : ''));
    let value: unknown;
    try {
      value = hook({ attempt, result });
    } catch (error) {
      return failed(error);
    }
    Promise.resolve(value).then(() => this.input({ type: 'refresh-done', epoch }), failed);
  }

  /** Emits the errors held back until the first tick. */
  private reportEarly(): void {
    const early = this.early;
    this.early = undefined;
    for (const error of early ?? []) this.emit('error', error);
  }

  /** The end of dispose(): the machine's own `dispose` step (a `stopped` unless already stopped), then every resource let go. */
  private release(): void {
    this.reportEarly();
    this.step({ type: 'dispose', at: this.now() });
    this.phase = DISPOSED;
    this.inbox = undefined;
    const handles = this.handles;
    if (handles) for (const name of Object.keys(handles) as TimerSlot[]) this.clearTimer(name);
    this.heartbeat.stop();
    this.connection.detach('disposed');
    for (const stop of this.stops ?? []) callHook(this, 'unsubscribe', stop);
    this.time.release();
    this.emitter.removeAllListeners();
  }
}

/** The error of a method called after `dispose()`. */
export const gone = (method: string): SocketError => new SocketError('disposed', __DEV__ ? `${method}() after dispose(): this socket is gone; create a new one.` : '');
