import type { TimerHandle, Timers } from '../environment';

/** What the heartbeat needs from its owner. */
export interface HeartbeatHooks {
  /** Sends one ping. */
  ping(): void;
  /** Called once when no reply came within the timeout. */
  dead(): void;
}

/**
 * Ping/pong liveness for one open connection: `intervalMs` after the open
 * (or after the last sign of life) a ping goes out; if nothing arrives within
 * `timeoutMs`, `dead` is called once. Any incoming message counts as life.
 */
export class Heartbeat {
  private handle: TimerHandle | undefined;
  private running = false;

  constructor(
    private readonly timers: Timers,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly hooks: HeartbeatHooks,
  ) {}

  start(): void {
    this.stop();
    this.running = true;
    this.schedulePing();
  }

  stop(): void {
    this.running = false;
    this.clear();
  }

  /** Something arrived: the connection is alive, so restart the interval. */
  alive(): void {
    if (!this.running) return;
    this.schedulePing();
  }

  private scheduleDeadline(): void {
    this.clear();
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      if (!this.running) return;
      this.running = false;
      this.hooks.dead();
    }, this.timeoutMs);
  }

  private schedulePing(): void {
    this.clear();
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      if (!this.running) return;
      // The deadline starts before the ping: a ping that throws still gets detected as dead.
      this.scheduleDeadline();
      this.hooks.ping();
    }, this.intervalMs);
  }

  private clear(): void {
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }
}
