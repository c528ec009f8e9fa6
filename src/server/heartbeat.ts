// The server half of closekit's heartbeat: the client sends a ping after a
// quiet interval and declares the connection dead when nothing comes back, so
// a server must answer it. Browsers cannot send a protocol-level (RFC 6455
// §5.5.2) ping frame — the WebSocket API has no method for it — so the
// client's heartbeat is an ordinary message, and so is the answer.
import { show } from '../errors';

/** The part of a server-side WebSocket (`ws`'s) that {@link answerHeartbeats} uses. */
export interface HeartbeatSocketLike {
  /** 1 while open. */
  readonly readyState: number;
  /** Sends a text message (the answer). */
  send(data: string): void;
  /** Listens for incoming messages (`ws` passes the data and whether it is binary). */
  on(event: 'message', listener: (data: unknown, isBinary?: boolean) => void): unknown;
  /** Removes a message listener (when answering stops). */
  off(event: 'message', listener: (data: unknown, isBinary?: boolean) => void): unknown;
}

/** The part of a `ws` `WebSocketServer` that {@link answerHeartbeats} uses. */
export interface HeartbeatServerLike<W extends HeartbeatSocketLike = HeartbeatSocketLike> {
  /** Listens for new connections (also those `createUpgradeHandler` emits; not those it hands to an `onConnection`). */
  on(event: 'connection', listener: (ws: W) => void): unknown;
  /** Removes the connection listener (when answering stops). */
  off(event: 'connection', listener: (ws: W) => void): unknown;
  /** The connections already open (`ws` keeps them unless `clientTracking: false`). */
  readonly clients?: Iterable<W>;
}

/** Which messages are pings, and what to answer. The defaults match the client's default heartbeat. */
export interface AnswerHeartbeatsOptions {
  /** The ping text, or a test for a text message. @default 'ping' */
  readonly ping?: string | ((text: string) => boolean);
  /** The answer, or a function making it from the ping. @default 'pong' */
  readonly pong?: string | ((text: string) => string);
}

/**
 * Answers the client's heartbeat on every connection of a `ws` server (or on
 * one WebSocket): each text message equal to `ping` ('ping', as closekit's
 * client sends by default) gets `pong` ('pong') back at once. Works with
 * connections accepted through `createUpgradeHandler` as well, which emits
 * them on the same server (unless given an `onConnection`, which takes them
 * instead: call `answerHeartbeats(ws)` there). Returns a function that stops answering.
 *
 * The app's own `message` listeners still see the ping: skip it there
 * (`if (String(data) === 'ping') return;`).
 *
 * @example
 * const wss = new WebSocketServer({ noServer: true });
 * answerHeartbeats(wss); // 'ping' → 'pong', matching createSocket's heartbeat defaults
 * answerHeartbeats(wss, { ping: '{"type":"ping"}', pong: '{"type":"pong"}' }); // another wire format
 */
export function answerHeartbeats<W extends HeartbeatSocketLike>(target: HeartbeatServerLike<W> | W, options: AnswerHeartbeatsOptions = {}): () => void {
  if (options === null || typeof options !== 'object') throw new TypeError(`answerHeartbeats: options must be an object { ping, pong }, got ${show(options)}.`);
  const { ping = 'ping', pong = 'pong' } = options;
  if (typeof ping !== 'string' && typeof ping !== 'function') throw new TypeError(`answerHeartbeats: options.ping must be a string or a function, got ${show(ping)}.`);
  if (typeof pong !== 'string' && typeof pong !== 'function') throw new TypeError(`answerHeartbeats: options.pong must be a string or a function, got ${show(pong)}.`);
  const isPing = typeof ping === 'string' ? (text: string) => text === ping : ping;
  const answerTo = typeof pong === 'string' ? () => pong : pong;
  // Nothing is kept per connection but in a WeakMap: a server answers for its whole life, and a closed
  // connection must be free to go. stop() unhooks the open ones (`clients`); any other (a server with
  // clientTracking off) keeps a listener that answers nothing any more.
  let stopped = false;
  const listeners = new WeakMap<W, (data: unknown, isBinary?: boolean) => void>();
  let server: HeartbeatServerLike<W> | undefined;

  const watch = (ws: W): void => {
    const listener = (data: unknown, isBinary?: boolean): void => {
      // `ws` hands text over as a Buffer with isBinary false; other servers pass a string.
      if (stopped || isBinary === true || ws.readyState !== 1) return;
      const text = typeof data === 'string' ? data : String(data);
      if (isPing(text)) ws.send(answerTo(text));
    };
    listeners.set(ws, listener);
    ws.on('message', listener);
  };

  // A socket and a server are both listened to and later unhooked (on and off); a server's clients, if it keeps them, are iterated.
  const has = (key: string): boolean => target !== null && typeof target === 'object' && typeof (target as unknown as Record<string, unknown>)[key] === 'function';
  const listenable = has('on') && has('off');
  const clients: Partial<Iterable<W>> | undefined = listenable ? (target as HeartbeatServerLike<W>).clients : undefined;
  if (listenable && has('send')) watch(target as W);
  else if (listenable && (clients === undefined || clients === null || typeof clients[Symbol.iterator] === 'function')) {
    server = target as HeartbeatServerLike<W>;
    for (const ws of server.clients ?? []) watch(ws);
    server.on('connection', watch);
  } else {
    throw new TypeError(`answerHeartbeats expects a ws WebSocketServer or WebSocket, got ${show(target)}.`);
  }
  return () => {
    if (stopped) return;
    stopped = true;
    server?.off('connection', watch);
    for (const ws of server ? (server.clients ?? []) : [target as W]) {
      const listener = listeners.get(ws);
      if (listener) ws.off('message', listener);
    }
  };
}
