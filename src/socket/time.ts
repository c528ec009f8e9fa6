// The socket's time: the app's clock and timers (or the globals), guarded, for
// every part of the socket. The first time the clock throws or reads as
// something other than a finite number, that is reported through `error` once
// and the socket goes on from the clock's last good reading by `Date.now()`;
// the first time `timers.setTimeout` throws, likewise, and new timers are the
// global ones (a `clearTimeout` that throws is reported once and otherwise
// ignored: the machine ignores a timer that no longer fits its state). A broken source can then neither wedge the machine nor end one of its
// steps half-way.
import type { Clock, TimerHandle, Timers } from '../environment';
import { show } from '../errors';
import { type ErrorSink, SocketError, thrown } from './errors';

/** A timer set with the global `setTimeout`, after the app's timers failed. */
class GlobalTimer {
  constructor(readonly id: ReturnType<typeof setTimeout>) {}
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
    if (!this.timersFailed) {
      try {
        return timers.setTimeout(callback, delayMs);
      } catch (error) {
        this.timersFailed = true;
        const timer = new GlobalTimer(globalThis.setTimeout(callback, delayMs));
        this.sink.error(thrown('hook-failed', 'timers.setTimeout threw', error));
        // A listener of that error may have disposed the socket: this timer, not yet stored by its owner, goes too.
        return this.released ? void globalThis.clearTimeout(timer.id) : timer;
      }
    }
    return new GlobalTimer(globalThis.setTimeout(callback, delayMs));
  }

  clearTimeout(handle: TimerHandle): void {
    const timers = this.timers;
    if (timers === undefined) return globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>);
    if (handle instanceof GlobalTimer) return globalThis.clearTimeout(handle.id);
    try {
      timers.clearTimeout(handle);
    } catch (error) {
      // The timer may still fire: the machine ignores a timer that no longer fits its state.
      if (this.clearFailed) return;
      this.clearFailed = true;
      this.sink.error(thrown('hook-failed', 'timers.clearTimeout threw', error));
    }
  }

  /** dispose(): no timer can be set from here on (each part clears its own). */
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
