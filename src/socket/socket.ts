// The public face of the socket: a typed emitter with a few methods and
// getters over its runner (runner.ts), which does the work.
import type { CloseResult } from '../classify';
import type { CloseCodeMap } from '../codes';
import { ReadyState } from '../environment';
import { validateClientClose } from '../validate';
import { GuardedEmitter } from './emitter';
import { resolveOptions } from './options';
import { gone, Runner } from './runner';
import type { SendData, SocketEvents, SocketOptions, SocketState, UrlSource } from './types';

/**
 * A WebSocket that classifies every close, asks its policy what to do, and
 * acts on it: reconnect with backoff, re-authenticate, or stop. Created by
 * {@link createSocket}; an eventemitter3 emitter typed by {@link SocketEvents}.
 *
 * Listeners are isolated: one that throws is reported through `error` and
 * the socket carries on.
 *
 * @example
 * const off = socket.subscribe('rejected', (r) => console.log(r.name));
 * off();
 */
export class ManagedSocket<N extends string = string> extends GuardedEmitter<SocketEvents<N>> {
  /** @internal */
  private readonly runner: Runner;

  /** @internal Use {@link createSocket}. */
  constructor(url: UrlSource, options?: SocketOptions) {
    super();
    this.runner = new Runner(this as unknown as GuardedEmitter<SocketEvents>, resolveOptions(url, options));
  }

  /** After `dispose()` no event comes: `on`, `once` and `subscribe` then add nothing (a store made later holds no listener). */
  protected override accepts(): boolean {
    return !this.runner.isDisposed();
  }

  /** Where the socket is in its life. */
  get state(): SocketState {
    return this.runner.context.state;
  }

  /**
   * Consecutive failed attempts in this run: 0 while the first connection is
   * tried (and after a stable open or `reconnect()`), 1 during the first retry…
   */
  get attempt(): number {
    return this.runner.context.failures;
  }

  /** The last close, classified; undefined before the first. */
  get lastClose(): CloseResult<N> | undefined {
    return this.runner.context.lastClose as CloseResult<N> | undefined;
  }

  /** The URL of the last attempt (as the `url` function returned it); undefined before the first. */
  get url(): string | undefined {
    return this.runner.connection.url;
  }

  /** How many messages passed to `send()` wait in the queue for the next open. */
  get queued(): number {
    return this.runner.outbox.queued();
  }

  /** The subprotocol the server chose on the current connection, or `''`. */
  get protocol(): string {
    const state = this.state;
    return state === 'open' || state === 'closing' ? (this.runner.connection.socket?.protocol ?? '') : '';
  }

  /** The underlying WebSocket's `readyState`; without one, `ReadyState.CONNECTING` while an attempt resolves its `url`, else `ReadyState.CLOSED`. */
  get readyState(): number {
    return this.runner.connection.socket?.readyState ?? (this.state === 'connecting' ? ReadyState.CONNECTING : ReadyState.CLOSED);
  }

  /**
   * Sends `data` now when open, else queues it (delivered in order after the
   * next open). Throws a `SocketError` after the run stopped (`stopped`),
   * after `dispose()` (`disposed`), with the queue off (`not-open`) or full
   * under `overflow: 'error'` (`queue-full`).
   */
  send(data: SendData): void {
    this.runner.send(data);
  }

  /**
   * Closes the connection with `code` (default 1000) and `reason`, and stops
   * reconnecting (`stopped` with cause `client`). The code and reason are
   * checked first, as a browser would: a `CloseCodeError` is thrown for
   * anything but 1000 or 3000–4999, or a reason over 123 UTF-8 bytes, and
   * the socket stays as it was.
   */
  close(code: number = 1000, reason?: string): void {
    validateClientClose(code, reason);
    // After dispose() the runner ignores it.
    this.runner.input({ type: 'close', code, reason, at: this.runner.now() });
  }

  /**
   * Starts a new attempt now: drops the current connection or wait if any,
   * resets the attempt counters, and also restarts a stopped socket. Throws
   * a `SocketError` (`disposed`) after `dispose()`.
   */
  reconnect(): void {
    if (this.runner.isDisposed()) throw gone('reconnect');
    this.runner.input({ type: 'reconnect', at: this.runner.now() });
  }

  /**
   * Closes everything for good: the connection, every timer, the online,
   * visibility and page subscriptions, and every listener (after a final
   * `stopped` with cause `client` unless the run had already stopped). Idempotent.
   */
  dispose(): void {
    this.runner.dispose();
  }
}

/**
 * Creates a {@link ManagedSocket} and starts connecting (on the next tick,
 * unless `startClosed`). `url` may be a function, called before every
 * attempt. With `codes`, results and events carry the app's code names.
 *
 * @example
 * const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003 });
 * const socket = createSocket(() => `wss://example.test/live?token=${token}`, {
 *   codes: AppCodes,
 *   policy: createPolicy({ codes: AppCodes, rules: { TokenExpired: 'reauth', AccessDenied: 'stop' } }),
 *   auth: { refresh: () => renewToken() },
 * });
 * socket.on('rejected', (r) => console.log(r.name)); // 'TokenExpired' | 'AccessDenied' | …
 */
export function createSocket<const M extends CloseCodeMap = Record<never, number>>(url: UrlSource, options?: SocketOptions<M>): ManagedSocket<keyof M & string> {
  return new ManagedSocket<keyof M & string>(url, options as SocketOptions | undefined);
}
