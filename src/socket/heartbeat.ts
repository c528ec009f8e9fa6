import type { Clock, TimerHandle, Timers } from '../environment';

/** What the heartbeat needs from its owner. */
export interface HeartbeatHooks {
  /** Sends one ping. */
  ping(): void;
  /** Called once when no reply came within the timeout. */
  dead(): void;
}

/**
 * Ping/pong liveness for one open connection: after `intervalMs` without
 * any incoming message a ping goes out; if nothing arrives within
 * `timeoutMs` after it, `dead` is called once. Any incoming message counts as
 * life. One timer at a time, and none rescheduled per message, so a busy
 * stream costs nothing extra.
 */
export class Heartbeat {
  private handle: TimerHandle | undefined;
  private running = false;
  private awaitingReply = false;
  private lastActivityMs = 0;

  constructor(
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly hooks: HeartbeatHooks,
  ) {}

  start(): void {
    this.stop();
    this.running = true;
    this.lastActivityMs = this.clock.now();
    this.schedule(this.intervalMs);
  }

  stop(): void {
    this.running = false;
    this.awaitingReply = false;
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }

  /** Something arrived: the connection is alive. */
  alive(): void {
    if (!this.running) return;
    this.lastActivityMs = this.clock.now();
    if (this.awaitingReply) {
      this.awaitingReply = false;
      this.schedule(this.intervalMs);
    }
  }

  private schedule(delayMs: number): void {
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = this.timers.setTimeout(() => this.fire(), delayMs);
  }

  private fire(): void {
    this.handle = undefined;
    if (!this.running) return;
    if (this.awaitingReply) {
      this.stop();
      this.hooks.dead();
      return;
    }
    const quietMs = this.clock.now() - this.lastActivityMs;
    if (quietMs < this.intervalMs) {
      // Messages came in meanwhile: wait out the rest of a quiet interval.
      this.schedule(this.intervalMs - quietMs);
      return;
    }
    // The deadline is set before the ping: a ping that throws is still detected as dead.
    this.awaitingReply = true;
    this.schedule(this.timeoutMs);
    this.hooks.ping();
  }
}
