// Structural stand-ins for the `ws` and `node:http` types the server half
// touches, so closekit/server's declarations need no `ws` types and none of
// Node's for these objects (they still name `URL` and `Blob`, which
// `@types/node` or the DOM lib declares). A `ws` WebSocket, an
// `http.IncomingMessage` and a `net.Socket` all fit.

/** The part of a server-side WebSocket (e.g. `ws`'s `WebSocket`) that {@link closeWith} uses. */
export interface ClosableSocket {
  /** 0 CONNECTING, 1 OPEN, 2 CLOSING, 3 CLOSED. */
  readonly readyState: number;
  /** Starts the closing handshake with this code and reason. */
  close(code?: number, reason?: string): void;
}

/** The part of an HTTP request (`http.IncomingMessage`) the upgrade checks read. */
export interface UpgradeRequestLike {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: { readonly [header: string]: string | string[] | undefined };
}

/** The raw socket of an `upgrade` event (a `net.Socket` / `stream.Duplex`). */
export interface UpgradeSocketLike {
  /** Writes raw bytes of the HTTP response. */
  write(chunk: string): unknown;
  /** Closes the TCP connection at once. */
  destroy(): unknown;
  /** Writes the last chunk and half-closes. */
  end?(chunk: string): unknown;
  /** Runs `listener` once everything written has been flushed. */
  once?(event: 'finish', listener: () => void): unknown;
  /** Listens for socket errors (a reset while answering). */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  readonly writable?: boolean;
  readonly destroyed?: boolean;
}

/** The part of a `ws` `WebSocketServer` that {@link createUpgradeHandler} uses. */
export interface UpgradeServerLike<W = unknown> {
  /** Completes the handshake and calls back with the new WebSocket. */
  handleUpgrade(request: UpgradeRequestLike, socket: UpgradeSocketLike, head: unknown, callback: (ws: W, request: UpgradeRequestLike) => void): void;
  // Loosely typed on purpose: `W` is inferred from `handleUpgrade` alone.
  /** Emits `'connection'` with the WebSocket and the request, as `ws`'s own server does. */
  emit(event: 'connection', ...args: unknown[]): unknown;
}
