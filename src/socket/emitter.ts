// An eventemitter3 emitter whose listeners cannot hurt the emitter: each one
// is stored wrapped, and a throw is caught and reported through 'error'.
import { EventEmitter } from 'eventemitter3';
import { SocketError, describeThrown } from './errors';

type Listener = (...args: never[]) => void;
type Names<Events extends object> = EventEmitter.EventNames<Events>;
type ListenerOf<Events extends object, E extends Names<Events>> = EventEmitter.EventListener<Events, E>;

/** Events that can report an error. */
export interface ErrorEvents {
  error: (error: Error) => void;
}

/**
 * eventemitter3 with isolated listeners and `subscribe()`. A listener that
 * throws is reported through `error` (never recursively) and the other
 * listeners still run; `off`, `once` and `listeners` work as usual.
 */
export class GuardedEmitter<Events extends ErrorEvents> extends EventEmitter<Events> {
  private readonly guarded = new WeakMap<Listener, Listener>();
  private reportingError = false;

  /**
   * Adds `listener` for `event` and returns a function that removes it.
   *
   * @example
   * const off = socket.subscribe('message', render);
   * off();
   */
  subscribe<E extends Names<Events>>(event: E, listener: ListenerOf<Events, E>): () => void {
    this.on(event, listener);
    return () => {
      this.off(event, listener);
    };
  }

  /** Adds a listener; a throw inside it is reported through `error`. */
  override on<E extends Names<Events>>(event: E, fn: ListenerOf<Events, E>, context?: unknown): this {
    return super.on(event, this.guard(event, fn), context);
  }

  /** Same as `on`. */
  override addListener<E extends Names<Events>>(event: E, fn: ListenerOf<Events, E>, context?: unknown): this {
    return this.on(event, fn, context);
  }

  /** Adds a listener that runs once; a throw inside it is reported through `error`. */
  override once<E extends Names<Events>>(event: E, fn: ListenerOf<Events, E>, context?: unknown): this {
    return super.once(event, this.guard(event, fn), context);
  }

  /** Removes a listener added with `on`, `once` or `subscribe` (all of them when `fn` is left out). */
  override off<E extends Names<Events>>(event: E, fn?: ListenerOf<Events, E>, context?: unknown, once?: boolean): this {
    // eventemitter3 removes a spent `once` listener by its stored (wrapped) function, so that passes through as is.
    const wrapped = fn === undefined ? undefined : ((this.guarded.get(fn as unknown as Listener) as ListenerOf<Events, E> | undefined) ?? fn);
    return super.off(event, wrapped, context, once);
  }

  /** Same as `off`. */
  override removeListener<E extends Names<Events>>(event: E, fn?: ListenerOf<Events, E>, context?: unknown, once?: boolean): this {
    return this.off(event, fn, context, once);
  }

  /** The listeners of `event`, as they were added. */
  override listeners<E extends Names<Events>>(event: E): ListenerOf<Events, E>[] {
    return super.listeners(event).map((fn) => (fn as { original?: ListenerOf<Events, E> }).original ?? fn);
  }

  /** Emits without ever throwing. */
  protected emitSafely<E extends Names<Events>>(event: E, ...args: EventEmitter.EventArgs<Events, E>): void {
    const wasReporting = this.reportingError;
    if (event === 'error') this.reportingError = true;
    try {
      this.emit(event, ...args);
    } finally {
      this.reportingError = wasReporting;
    }
  }

  /** Emits `error`; a throwing `error` listener is dropped rather than reported again. */
  protected reportError(error: Error): void {
    (this.emitSafely as unknown as (event: 'error', error: Error) => void)('error', error);
  }

  private guard<E extends Names<Events>>(event: E, fn: ListenerOf<Events, E>): ListenerOf<Events, E> {
    if (typeof fn !== 'function') throw new TypeError(`on('${String(event)}', listener): listener must be a function, got ${typeof fn}.`);
    const original = fn as unknown as Listener;
    const existing = this.guarded.get(original);
    if (existing !== undefined) return existing as unknown as ListenerOf<Events, E>;
    const emitter = this;
    const wrapped = Object.assign(
      function (this: unknown, ...args: never[]): void {
        try {
          original.apply(this, args);
        } catch (error) {
          if (!emitter.reportingError) emitter.reportError(new SocketError('listener-failed', `A listener threw: ${describeThrown(error)}`, error));
        }
      },
      { original },
    );
    this.guarded.set(original, wrapped);
    return wrapped as unknown as ListenerOf<Events, E>;
  }
}
