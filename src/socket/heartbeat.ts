// Dead-connection detection for one open connection at a time: after a quiet
// interval, ping; no sign of life by the next beat means the connection is
// dead. One timer at a time, none rescheduled per message, so a busy stream
// costs nothing extra.
import type { Clock, TimerHandle, Timers } from '../environment';
import { callHook, type ErrorSink, thrown } from './errors';
import type { ResolvedHeartbeat } from './options';
import type { SendData } from './types';

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

/**
 * A heartbeat for `options`; with none, the shared one that does nothing. Its
 * state lives in the closure: only sockets with a heartbeat pay for it.
 */
export function createHeartbeat(options: ResolvedHeartbeat | undefined, time: Clock & Timers, io: HeartbeatIo): Heartbeat {
  if (options === undefined) return NO_HEARTBEAT;
  const { intervalMs, timeoutMs, message, isPong, answer } = options;
  // Set through the socket's time, which runs a timer at most once and never once cleared.
  let handle: TimerHandle | undefined;
  let awaitingPong = false;
  let lastActivityMs = 0;
  let running = false;

  function schedule(delayMs: number): void {
    clear();
    handle = time.setTimeout(beat, delayMs);
  }

  function clear(): void {
    if (handle !== undefined) time.clearTimeout(handle);
    handle = undefined;
  }

  function write(data: SendData, what: string): void {
    try {
      io.writeBeat(data);
    } catch (error) {
      io.error(thrown('hook-failed', what, error));
    }
  }

  function beat(): void {
    handle = undefined;
    if (awaitingPong) {
      awaitingPong = false;
      return io.dead();
    }
    const quietMs = time.now() - lastActivityMs;
    // Messages came in meanwhile: wait out the rest of a quiet interval. A negative quiet time is a clock set
    // back: how long it was quiet is unknown, so ping now rather than wait as long as the clock went back.
    if (quietMs >= 0 && quietMs < intervalMs) return schedule(intervalMs - quietMs);
    // The deadline is set before the ping: a ping that throws is still detected as dead.
    awaitingPong = true;
    schedule(timeoutMs);
    const data = typeof message === 'function' ? callHook(io, 'heartbeat.message', message) : message;
    if (data !== undefined) write(data, __DEV__ ? 'Sending the heartbeat ping failed' : 'ping');
  }

  return {
    start() {
      running = true;
      awaitingPong = false;
      lastActivityMs = time.now();
      schedule(intervalMs);
    },
    stop() {
      running = false;
      awaitingPong = false;
      clear();
    },
    probe() {
      if (!running || awaitingPong) return;
      lastActivityMs = -Infinity;
      clear();
      beat();
    },
    received(data) {
      lastActivityMs = time.now();
      if (awaitingPong) {
        awaitingPong = false;
        schedule(intervalMs);
      }
      if (callHook(io, 'heartbeat.isPong', () => isPong(data), false) === true) return true;
      // The server's own ping (Centrifugo's, graphql-ws's): answered here, not handed to the app.
      const reply = callHook(io, 'heartbeat.answer', () => answer(data));
      if (reply === undefined) return false;
      write(reply, __DEV__ ? 'Sending the heartbeat answer failed' : 'answer');
      return true;
    },
  };
}
