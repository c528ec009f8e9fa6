// Dead-connection detection for one open connection at a time: after a quiet
// interval, ping; no sign of life by the next beat means the connection is
// dead. One timer at a time, none rescheduled per message, so a busy stream
// costs nothing extra.
import type { Clock, TimerHandle, Timers } from '../environment';
import { callHook, type ErrorSink, thrown } from './errors';
import type { ResolvedHeartbeat } from './options';
import type { SendData } from './types';

/** Where the heartbeat's timers and time come from (the socket's resolved options fit). */
export interface HeartbeatClock {
  readonly timers: Timers;
  readonly clock: Clock;
}

/** What the heartbeat needs from the socket; `error` takes a hook or a write that failed (the heartbeat carries on). */
export interface HeartbeatIo extends ErrorSink {
  /** Writes a ping (or an answer) on the open connection; false when there is none. */
  writeBeat(data: SendData): boolean;
  /** No reply in time: the connection is dead. */
  dead(): void;
}

/** The heartbeat of a socket. */
export interface Heartbeat {
  /** Starts beating on a new open connection. */
  start(): void;
  /** Stops (the connection ended, or the socket is disposed). */
  stop(): void;
  /** Pings now, whatever the quiet time, and expects a reply within `timeoutMs` (after a freeze or a sleep); nothing when not beating or already waiting for a reply. */
  probe(): void;
  /** Anything received is a sign of life; true when it was the heartbeat's own (a pong, or a server ping it answered), which the app does not see. */
  received(data: unknown): boolean;
}

/** The heartbeat of a socket without one: shared, it holds no state. */
const NO_HEARTBEAT: Heartbeat = Object.freeze({ start() {}, stop() {}, probe() {}, received: () => false });

/** A heartbeat for `options`; with none, one that does nothing. */
export function createHeartbeat(options: ResolvedHeartbeat | undefined, time: HeartbeatClock, io: HeartbeatIo): Heartbeat {
  return options === undefined ? NO_HEARTBEAT : new Beating(options, time, io);
}

/** A configured heartbeat. */
class Beating implements Heartbeat {
  private handle: TimerHandle | undefined;
  private awaitingPong = false;
  private lastActivityMs = 0;
  private running = false;

  constructor(
    private readonly options: ResolvedHeartbeat,
    private readonly time: HeartbeatClock,
    private readonly io: HeartbeatIo,
  ) {}

  start(): void {
    this.running = true;
    this.awaitingPong = false;
    this.lastActivityMs = this.time.clock.now();
    this.schedule(this.options.intervalMs);
  }

  stop(): void {
    this.running = false;
    this.awaitingPong = false;
    this.clear();
  }

  probe(): void {
    if (!this.running || this.awaitingPong) return;
    this.lastActivityMs = -Infinity;
    this.clear();
    this.beat();
  }

  received(data: unknown): boolean {
    const { io, options } = this;
    this.lastActivityMs = this.time.clock.now();
    if (this.awaitingPong) {
      this.awaitingPong = false;
      this.schedule(options.intervalMs);
    }
    if (callHook(io, 'heartbeat.isPong', () => options.isPong(data), false) === true) return true;
    // The server's own ping (Centrifugo's, graphql-ws's): answered here, not handed to the app.
    const reply = callHook(io, 'heartbeat.answer', () => options.answer(data), undefined);
    if (reply === undefined) return false;
    this.write(reply, __DEV__ ? 'Sending the heartbeat answer failed' : 'answer');
    return true;
  }

  private beat(): void {
    const { intervalMs, timeoutMs, message } = this.options;
    this.handle = undefined;
    if (this.awaitingPong) {
      this.awaitingPong = false;
      return this.io.dead();
    }
    const quietMs = this.time.clock.now() - this.lastActivityMs;
    // Messages came in meanwhile: wait out the rest of a quiet interval.
    if (quietMs < intervalMs) return this.schedule(intervalMs - quietMs);
    // The deadline is set before the ping: a ping that throws is still detected as dead.
    this.awaitingPong = true;
    this.schedule(timeoutMs);
    const data = typeof message === 'function' ? callHook(this.io, 'heartbeat.message', message, undefined) : message;
    if (data !== undefined) this.write(data, __DEV__ ? 'Sending the heartbeat ping failed' : 'ping');
  }

  private write(data: SendData, what: string): void {
    try {
      this.io.writeBeat(data);
    } catch (error) {
      this.io.error(thrown('hook-failed', what, error));
    }
  }

  private schedule(delayMs: number): void {
    this.clear();
    this.handle = this.time.timers.setTimeout(() => this.beat(), delayMs);
  }

  private clear(): void {
    if (this.handle !== undefined) this.time.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }
}
