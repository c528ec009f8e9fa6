// The machine's view of a socket's options (MachineConfig and its lifecycle
// part): one small object per socket that reads the resolved options through
// getters, instead of a copy of them and a closure per hook. It also keeps a
// hand-written policy's failures as values, so the machine's `transition`
// stays pure.
import { MAX_DELAY_MS } from '../check';
import { classify, type CloseEventLike, type CloseResult } from '../classify';
import { show } from '../errors';
import type { Decision, PolicyContext } from '../policy/types';
import { SocketError, thrown } from './errors';
import type { MachineConfig, MachineLifecycle } from './machine';
import type { ResolvedLifecycle, ResolvedOptions } from './options';

/** The range of a quick retry's delay (see `LifecycleOptions.quickRetries`). */
const QUICK_MIN_MS = 250;
const QUICK_MAX_MS = 1000;

/** A decision the socket can act on: a stop with a cause, or a delay a timer can wait. */
function isDecision(d: Partial<Record<'action' | 'cause' | 'delayMs', unknown>> | null | undefined): d is Decision {
  const delayMs = d?.delayMs;
  return d?.action === 'stop' ? typeof d.cause === 'string' : (d?.action === 'reconnect' || d?.action === 'reauth') && typeof delayMs === 'number' && delayMs >= 0 && delayMs <= MAX_DELAY_MS;
}

/**
 * The settings `transition` consults for one socket. The same object is its
 * `lifecycle` part when the lifecycle is on (the two share no member name).
 */
export class MachineSettings implements Omit<MachineConfig, 'lifecycle'>, MachineLifecycle {
  constructor(private readonly options: ResolvedOptions) {}

  classify(event: CloseEventLike, opened: boolean): CloseResult {
    return classify(event, { codes: this.options.codes, opened });
  }

  decide(result: CloseResult, context: PolicyContext): Decision | Error {
    try {
      const decision = this.options.policy.decide(result, context) as unknown as Parameters<typeof isDecision>[0];
      return isDecision(decision) ? decision : new SocketError('hook-failed', __DEV__ ? `policy.decide returned ${show(decision)}, which is not a decision; the socket stops (cause 'policy').` : '');
    } catch (error) {
      return thrown('hook-failed', 'policy.decide threw', error);
    }
  }

  get resetAfterMs(): number {
    return this.options.resetAfterMs;
  }

  get connectTimeoutMs(): number {
    return this.options.connectTimeoutMs;
  }

  get refreshTimeoutMs(): number {
    return this.options.refreshTimeoutMs;
  }

  get confirmAfterMs(): number {
    const queue = this.options.queue;
    // In ack mode only the connection's end settles what was written: the outbox matches the acks.
    return queue?.ack ? Infinity : (queue?.confirmAfterMs ?? 0);
  }

  get canRefresh(): boolean {
    return this.options.refresh !== undefined;
  }

  /** This object again, when the lifecycle is on. */
  get lifecycle(): MachineLifecycle | undefined {
    return this.options.lifecycle && this;
  }

  get closeCode(): number {
    return this.life.closeCode;
  }

  get canProbe(): boolean {
    return this.options.heartbeat !== undefined;
  }

  get untrustedAfterMs(): number {
    return this.life.untrustedAfterMs;
  }

  get quickRetries(): number {
    return this.life.quickRetries;
  }

  /** Jittered, so clients that all saw the same `online` do not retry in step. */
  quickDelayMs(): number {
    let value: unknown;
    try {
      value = (this.options.random ?? Math.random)();
    } catch {
      // As the policy's draws: a random source that fails counts as a fixed draw.
    }
    const random = typeof value === 'number' && value >= 0 && value < 1 ? value : 0.5;
    return Math.round(QUICK_MIN_MS + (QUICK_MAX_MS - QUICK_MIN_MS) * random);
  }

  private get life(): ResolvedLifecycle {
    return this.options.lifecycle as ResolvedLifecycle;
  }
}
