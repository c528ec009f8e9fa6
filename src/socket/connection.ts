// The connection driver: makes the WebSocket, wires its handlers, and lets go
// of it. One connection at a time; a replaced or abandoned one can no longer
// report anything. Also turns the url source into a URL (resolveUrl).
import { ReadyState, type WebSocketConstructorLike, type WebSocketLike } from '../environment';
import type { CloseEventLike } from '../classify';
import { type SocketError, thrown, toError } from './errors';
import type { SendData, UrlSource } from './types';

/** What a connection reports, each at most once per connection except `received`; `epoch` is the one `open` was given. */
export interface ConnectionEvents {
  opened(epoch: number, protocol: string): void;
  closed(epoch: number, event: CloseEventLike): void;
  received(data: unknown): void;
}

/** The WebSocket settings a connection is made with (the socket's resolved options fit). */
export interface ConnectionSettings {
  readonly WebSocket: WebSocketConstructorLike;
  readonly protocols: string | string[] | undefined;
  readonly binaryType: string | undefined;
}

const noop = (): void => {};

/** The WebSocket of a socket, one at a time. */
export class Connection {
  /** The current WebSocket, if any. */
  socket: WebSocketLike | undefined;
  /** The URL of the last attempt. */
  url: string | undefined;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly events: ConnectionEvents,
  ) {}

  /** True when there is a WebSocket and it is open. */
  isOpen(): boolean {
    return this.socket?.readyState === ReadyState.OPEN;
  }

  /**
   * Replaces the current WebSocket with a new one to `url`; returns the error
   * when the constructor threw, or the new WebSocket refused its settings
   * (then it is let go at once).
   */
  open(url: string, epoch: number): SocketError | undefined {
    this.detach('replaced');
    this.url = url;
    const { WebSocket, protocols, binaryType } = this.settings;
    const events = this.events;
    try {
      const socket = (this.socket = protocols === undefined ? new WebSocket(url) : new WebSocket(url, protocols));
      if (binaryType !== undefined) socket.binaryType = binaryType;
      socket.onopen = () => events.opened(epoch, socket.protocol ?? '');
      socket.onclose = (event) => events.closed(epoch, event);
      // The close that always follows an error carries everything a browser will tell us.
      socket.onerror = noop;
      socket.onmessage = (event) => events.received(event.data);
    } catch (error) {
      this.detach('connect failed');
      return thrown('connect-failed', __DEV__ ? `new WebSocket(${JSON.stringify(url)}) threw` : 'new WebSocket', error, toError(error));
    }
    return undefined;
  }

  /** Writes `data`; a refusal is thrown as a SocketError `send-failed` with the WebSocket's error as `cause`. */
  send(data: SendData): void {
    try {
      (this.socket as WebSocketLike).send(data as never);
    } catch (error) {
      throw thrown('send-failed', __DEV__ ? 'The WebSocket refused the message' : 'send', error);
    }
  }

  /** Starts the closing handshake, still listening for its close. */
  close(code: number, reason: string | undefined): void {
    try {
      this.socket?.close(code, reason);
    } catch {
      // Closed under us meanwhile: its close event (or the closing timer) ends the handshake.
    }
  }

  /** Stops listening to the current WebSocket and closes it if it is still up (with `code`, default 1000, when open). */
  detach(reason: string, code = 1000): void {
    const socket = this.socket;
    if (socket === undefined) return;
    this.socket = undefined;
    try {
      // Handlers become no-ops rather than null: the `ws` package throws on an 'error' event nobody listens to.
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = noop;
      if (socket.readyState === ReadyState.OPEN) socket.close(code, reason);
      else if (socket.readyState === ReadyState.CONNECTING) socket.close();
      // A closing handshake no longer waited for: the `ws` package would keep the socket (and a 30 s timer) until the
      // server answers; its terminate() lets go now. Other classes have none, and a closed `ws` socket ignores it.
      else (socket as { terminate?: () => void }).terminate?.();
    } catch {
      // Already closing or closed under us; nothing left to release.
    }
  }
}

/**
 * Calls `source` (a URL, or a function returning one or a promise of one) and
 * reports the URL as a string, or why there is none.
 */
export function resolveUrl(source: UrlSource, resolved: (url: string) => void, failed: (error: SocketError) => void): void {
  const fail = (error: unknown): void => failed(thrown('url-failed', __DEV__ ? 'The url function failed (the attempt counts as failed)' : 'url', error, toError(error)));
  const accept = (value: unknown): void => {
    if (typeof value === 'string' || (typeof URL !== 'undefined' && value instanceof URL)) resolved(String(value));
    else fail(new TypeError(__DEV__ ? `the url function must return a string or a URL (or a promise of one), got ${typeof value}` : typeof value));
  };
  if (typeof source !== 'function') return accept(source);
  let value: unknown;
  let thenable: boolean;
  try {
    value = source();
    // Read inside the guard: an answer whose `then` getter throws is the url function failing too.
    thenable = typeof (value as Partial<PromiseLike<unknown>> | undefined)?.then === 'function';
  } catch (error) {
    return fail(error);
  }
  if (thenable) Promise.resolve(value).then(accept, fail);
  else accept(value);
}
