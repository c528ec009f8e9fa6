// The socket's time: the app's clock and timers (or the globals), guarded, for
// every part of the socket. The first time the clock throws or reads as
// something other than a finite number, that is reported through `error` once
// and the socket goes on from the clock's last good reading by `Date.now()`;
// the first time `timers.setTimeout` throws, likewise, and new timers are the
// global ones. A `clearTimeout` that throws is reported once. Whatever the
// app's timers do, a timer set through here runs its callback at most once,
// never after it was cleared and never after dispose(): no part of the socket
// has to guard against a timer that fires late or twice. A broken source can
// then neither wedge the machine nor end one of its steps half-way.
import type { Clock, TimerHandle, Timers } from '../environment';
import { show } from '../errors';
import { type ErrorSink, SocketError, thrown } from './errors';

/**
 * A timer set while the app gave its own timers: `done` once it has run or
 * been cleared, so that a late or second firing does nothing. `global`: set
 * with the global `setTimeout`, after the app's failed.
 */
class Pending {
  done = false;
  id: unknown;
  global = false;
}

/** One socket's clock and timers: the app's, guarded, or the globals. */
export class SocketTime implements Clock, Timers {
  /** Added to `Date.now()` once the app's clock failed; undefined while it works. */
  private offset: number | undefined;
  private last = 0;
  private timersFailed = false;
  private clearFailed = false;
  private released = false;

  constructor(
    private readonly clock: Clock | undefined,
    private readonly timers: Timers | undefined,
    private readonly sink: ErrorSink,
  ) {}

  now(): number {
    const clock = this.clock;
    if (clock === undefined || this.offset !== undefined) return Date.now() + (this.offset ?? 0);
    let time: unknown;
    try {
      time = clock.now();
    } catch (error) {
      return this.clockFailed(thrown('hook-failed', 'clock.now threw', error));
    }
    if (typeof time === 'number' && Number.isFinite(time)) return (this.last = time);
    return this.clockFailed(
      new SocketError('hook-failed', __DEV__ ? `clock.now returned ${show(time)}, not a finite number of ms; the socket goes on by Date.now() from its last reading.` : 'clock.now'),
    );
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    if (this.released) return undefined;
    const timers = this.timers;
    if (timers === undefined) return globalThis.setTimeout(callback, delayMs);
    const timer = new Pending();
    const run = (): void => {
      if (timer.done || this.released) return;
      timer.done = true;
      callback();
    };
    let failure: unknown;
    if (!this.timersFailed) {
      try {
        timer.id = timers.setTimeout(run, delayMs);
        return timer;
      } catch (error) {
        this.timersFailed = true;
        failure = error;
      }
    }
    timer.global = true;
    timer.id = globalThis.setTimeout(run, delayMs);
    if (failure !== undefined) {
      this.sink.error(thrown('hook-failed', 'timers.setTimeout threw', failure));
      // A listener of that error may have disposed the socket: this timer, not yet stored by its owner, goes too.
      if (this.released) this.clearTimeout(timer);
    }
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    const timers = this.timers;
    if (timers === undefined) return globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>);
    const timer = handle as Pending | undefined;
    if (timer === undefined || timer.done) return;
    timer.done = true;
    if (timer.global) return globalThis.clearTimeout(timer.id as ReturnType<typeof setTimeout>);
    try {
      timers.clearTimeout(timer.id);
    } catch (error) {
      // The app's timer may still fire; it runs nothing now (see Pending).
      if (this.clearFailed) return;
      this.clearFailed = true;
      this.sink.error(thrown('hook-failed', 'timers.clearTimeout threw', error));
    }
  }

  /** dispose(): no timer can be set from here on, and none set before runs (each part still clears its own). */
  release(): void {
    this.released = true;
  }

  private clockFailed(error: SocketError): number {
    // Switched before the report, so a listener reading the time meanwhile gets it without a second report.
    this.offset = this.last - Date.now();
    this.sink.error(error);
    return this.last;
  }
}
