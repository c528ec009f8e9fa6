// An eventemitter3 emitter whose listeners cannot hurt the emitter: each one
// is stored wrapped, and a throw is caught and reported through 'error'.
import { EventEmitter } from 'eventemitter3';
import { thrown } from './errors';

type Listener = (...args: never[]) => void;
type Names<Events extends object> = EventEmitter.EventNames<Events>;
type ListenerOf<Events extends object, E extends Names<Events>> = EventEmitter.EventListener<Events, E>;

/** Events that can report an error. */
export interface ErrorEvents {
  error: (error: Error) => void;
}

/** Emitters now emitting `error`: a listener that throws then is dropped, not reported again (no loop). */
const reporting = new WeakSet<object>();

/** Emits `payload` without ever throwing: a listener that throws is reported through `error`. */
export function emitSafely(emitter: { emit(event: string, payload: unknown): unknown }, event: string, payload: unknown): void {
  // Listeners are guarded, so emit() itself does not throw: only an `error` needs the loop guard (kept off the message path).
  if (event !== 'error') {
    emitter.emit(event, payload);
    return;
  }
  const wasReporting = reporting.has(emitter);
  reporting.add(emitter);
  try {
    emitter.emit(event, payload);
  } finally {
    if (!wasReporting) reporting.delete(emitter);
  }
}

/**
 * eventemitter3 with isolated listeners and `subscribe()`. A listener that
 * throws is reported through `error` (never recursively) and the other
 * listeners still run; `off`, `once` and `listeners` work as usual.
 */
export class GuardedEmitter<Events extends ErrorEvents> extends EventEmitter<Events> {
  /** Each listener's wrapper, made with the first listener (an idle socket without listeners holds none). */
  private guarded: WeakMap<Listener, Listener> | undefined;

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

  /** Adds a listener; a throw inside it is reported through `error`. Nothing, once no event can come (see `accepts`). */
  override on<E extends Names<Events>>(event: E, fn: ListenerOf<Events, E>, context?: unknown): this {
    return this.accepts() ? super.on(event, this.guard(event, fn), context) : this;
  }

  /** Same as `on`. */
  override addListener<E extends Names<Events>>(event: E, fn: ListenerOf<Events, E>, context?: unknown): this {
    return this.on(event, fn, context);
  }

  /** Adds a listener that runs once; a throw inside it is reported through `error`. Nothing, once no event can come. */
  override once<E extends Names<Events>>(event: E, fn: ListenerOf<Events, E>, context?: unknown): this {
    return this.accepts() ? super.once(event, this.guard(event, fn), context) : this;
  }

  /** False once nothing will be emitted again: a listener added then would only be held for nothing. */
  protected accepts(): boolean {
    return true;
  }

  /** Removes a listener added with `on`, `once` or `subscribe` (all of them when `fn` is left out). */
  override off<E extends Names<Events>>(event: E, fn?: ListenerOf<Events, E>, context?: unknown, once?: boolean): this {
    // eventemitter3 removes a spent `once` listener by its stored (wrapped) function, so that passes through as is.
    return super.off(event, fn && ((this.guarded?.get(fn as Listener) ?? fn) as ListenerOf<Events, E>), context, once);
  }

  /** Same as `off`. */
  override removeListener<E extends Names<Events>>(event: E, fn?: ListenerOf<Events, E>, context?: unknown, once?: boolean): this {
    return this.off(event, fn, context, once);
  }

  /** The listeners of `event`, as they were added. */
  override listeners<E extends Names<Events>>(event: E): ListenerOf<Events, E>[] {
    return super.listeners(event).map((fn) => (fn as { original?: ListenerOf<Events, E> }).original ?? fn);
  }

  private guard<E extends Names<Events>>(event: E, fn: ListenerOf<Events, E>): ListenerOf<Events, E> {
    if (typeof fn !== 'function') throw new TypeError(__DEV__ ? `on('${String(event)}', listener): listener must be a function, got ${typeof fn}.` : 'listener');
    const original = fn as Listener;
    const guarded = (this.guarded ??= new WeakMap());
    let wrapped = guarded.get(original);
    if (wrapped === undefined) {
      const emitter = this;
      wrapped = Object.assign(
        // One parameter, not a rest one: every closekit event carries one payload, and the
        // message path then makes no array per call.
        function (this: unknown, payload: never): void {
          try {
            original.call(this, payload);
          } catch (error) {
            if (!reporting.has(emitter)) {
              emitSafely(emitter, 'error', thrown('listener-failed', 'A listener threw', error));
            }
          }
        },
        { original },
      );
      guarded.set(original, wrapped);
    }
    return wrapped as ListenerOf<Events, E>;
  }
}
