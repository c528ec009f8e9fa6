import { show } from '../errors';
import { checkAllowed, checkOrigin, originOf, type AllowedOrigins } from './origin';
import type { UpgradeRequestLike, UpgradeServerLike, UpgradeSocketLike } from './types';

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Why {@link guardUpgrade} turned a request away. */
export interface UpgradeRejection {
  /** 400: not a valid WebSocket handshake; 403: the `Origin` is not allowed. */
  readonly status: 400 | 403;
  /** One sentence for a log. */
  readonly message: string;
  /** The request's `Origin` header, if it had one. */
  readonly origin: string | undefined;
  readonly request: UpgradeRequestLike;
}

/** Options for {@link guardUpgrade} and {@link createUpgradeHandler}. */
export interface UpgradeGuardOptions {
  /** The browser origins that may connect; see {@link checkOrigin}. */
  readonly allowedOrigins: AllowedOrigins;
  /** Let requests without an `Origin` header through (non-browser clients). @default false */
  readonly allowMissingOrigin?: boolean;
  /** Called for every request turned away, before the response is written (for logs and metrics). */
  readonly onReject?: (rejection: UpgradeRejection) => void;
}

function hasToken(header: string | string[] | undefined, token: string): boolean {
  try {
    const value: unknown = Array.isArray(header) ? header.join(',') : header;
    return typeof value === 'string' && value.split(',').some((part) => part.trim().toLowerCase() === token);
  } catch {
    // A header value no request parser makes (an object that cannot be joined): not the token.
    return false;
  }
}

/**
 * Why `request` is not a WebSocket handshake (RFC 6455 §4.2.1), or undefined
 * when it is one: a GET with `Connection: Upgrade`, `Upgrade: websocket`, a
 * 16-byte base64 `Sec-WebSocket-Key` and `Sec-WebSocket-Version` 13 (or 8).
 */
export function whyNotWebSocket(request: UpgradeRequestLike): string | undefined {
  return whyNot(request, 'whyNotWebSocket');
}

/** whyNotWebSocket, for `caller` (the public function's name, which a TypeError's message starts with). */
function whyNot(request: UpgradeRequestLike, caller: string): string | undefined {
  if (request === null || typeof request !== 'object' || request.headers === null || typeof request.headers !== 'object') {
    throw new TypeError(`${caller} expects an http.IncomingMessage (an object with headers), got ${show(request)}.`);
  }
  const { headers } = request;
  const method: unknown = request.method;
  if (method !== undefined && (typeof method !== 'string' || method.toUpperCase() !== 'GET')) return `a WebSocket handshake is a GET, not ${show(method)}`;
  if (!hasToken(headers['upgrade'], 'websocket')) return 'the Upgrade header does not ask for websocket';
  if (!hasToken(headers['connection'], 'upgrade')) return 'the Connection header does not include Upgrade';
  const key = headers['sec-websocket-key'];
  if (typeof key !== 'string' || !/^[+/0-9A-Za-z]{22}==$/.test(key.trim())) return 'Sec-WebSocket-Key is missing or not 16 base64-encoded bytes';
  const version = headers['sec-websocket-version'];
  if (version !== '13' && version !== '8') return 'Sec-WebSocket-Version must be 13';
  return undefined;
}

/**
 * Answers an upgrade request with a plain HTTP response and closes the
 * socket, so no WebSocket is created. Use it in an `upgrade` handler, before
 * `handleUpgrade`. Note that a browser reports any such refusal as a bare
 * 1006 without a reason; for a refusal the client should understand, accept
 * and then close ({@link rejectAfterAccept}).
 *
 * @example
 * rejectUpgrade(socket, 403, 'Origin not allowed');
 */
export function rejectUpgrade(socket: UpgradeSocketLike, status: number, message?: string, headers: Readonly<Record<string, string>> = {}): void {
  // Checked before anything is written: a bad status or a CR/LF in a header would corrupt (or inject into) the response.
  checkSocket(socket, 'rejectUpgrade');
  if (!Number.isInteger(status) || status < 400 || status > 599) throw new RangeError(`rejectUpgrade: status must be an HTTP error status, 400–599, got ${show(status)}.`);
  if (headers === null || typeof headers !== 'object') throw new TypeError(`rejectUpgrade: headers must be an object of name → value, got ${show(headers)}.`);
  for (const [name, value] of Object.entries(headers)) {
    // The value's characters are those Node's setHeader takes (RFC 9110 field-content): no control character but HTAB, Latin-1 only.
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || typeof value !== 'string' || /[^\t\x20-\x7e\x80-\xff]/.test(value)) {
      throw new TypeError(`rejectUpgrade: header ${show(name)} must be a token name with a Latin-1 string value free of CR, LF and other control characters, got ${show(value)}.`);
    }
  }
  if (message !== undefined && typeof message !== 'string') throw new TypeError(`rejectUpgrade: message must be a string, got ${show(message)}.`);
  const statusText = STATUS_TEXT[status] ?? 'Error';
  const body = `${message ?? statusText}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${statusText}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${new TextEncoder().encode(body).length}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  const response = `${lines.join('\r\n')}\r\n\r\n${body}`;
  // After an 'upgrade' event Node has removed its own error listener from the
  // socket: a reset while we answer would otherwise crash the process.
  socket.on?.('error', () => socket.destroy());
  if (socket.destroyed === true) return;
  if (socket.writable === false) {
    socket.destroy();
    return;
  }
  if (typeof socket.end === 'function' && typeof socket.once === 'function') {
    // Destroy once the response is flushed; destroying at once could drop it.
    socket.once('finish', () => socket.destroy());
    socket.end(response);
  } else {
    socket.write(response);
    socket.destroy();
  }
}

/** Throws a TypeError starting with `caller` unless `socket` can carry a response (write() and destroy()). */
function checkSocket(socket: UpgradeSocketLike, caller: string): void {
  if (socket === null || typeof socket !== 'object' || typeof socket.write !== 'function' || typeof socket.destroy !== 'function') {
    throw new TypeError(`${caller} expects the upgrade's raw socket (a net.Socket, with write() and destroy()), got ${show(socket)}.`);
  }
}

/**
 * Checks an upgrade request before any WebSocket exists: a request that is
 * not a valid WebSocket handshake gets HTTP 400, a disallowed `Origin`
 * (cross-site WebSocket hijacking) HTTP 403; either way the response is
 * written on the raw socket, the socket is closed, and `false` is returned.
 * Returns `true` when the upgrade may go ahead.
 *
 * Plain HTTP requests never reach the `upgrade` event, so they are the
 * `request` handler's business.
 *
 * @example
 * httpServer.on('upgrade', (request, socket, head) => {
 *   if (!guardUpgrade(request, socket, { allowedOrigins: ['https://app.example.com'] })) return;
 *   wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
 * });
 */
export function guardUpgrade(request: UpgradeRequestLike, socket: UpgradeSocketLike, options: UpgradeGuardOptions): boolean {
  checkOptions(options, 'guardUpgrade');
  return guard(request, socket, options, 'guardUpgrade');
}

// Checked whatever the request: a misconfigured guard fails on every request alike (not only on those with an Origin).
function checkOptions(options: UpgradeGuardOptions, caller: string, hooks = ['onReject']): void {
  if (options === null || typeof options !== 'object') throw new TypeError(`${caller}: options must be an object { allowedOrigins }, got ${show(options)}.`);
  checkAllowed(options.allowedOrigins, `${caller}: options.allowedOrigins`);
  // A hook that is no function would throw only once a request reaches it (onConnection: after the 101 is written).
  for (const hook of hooks) {
    const value: unknown = (options as unknown as Record<string, unknown>)[hook];
    if (value !== undefined && typeof value !== 'function') throw new TypeError(`${caller}: options.${hook} must be a function, got ${show(value)}.`);
  }
}

function guard(request: UpgradeRequestLike, socket: UpgradeSocketLike, options: UpgradeGuardOptions, caller: string): boolean {
  const notWebSocket = whyNot(request, caller);
  checkSocket(socket, caller);
  let status: 400 | 403 | undefined;
  let message = '';
  if (notWebSocket !== undefined) [status, message] = [400, `Not a WebSocket handshake: ${notWebSocket}.`];
  else if (!checkOrigin(request, options.allowedOrigins, { allowMissing: options.allowMissingOrigin === true })) {
    const origin = originOf(request);
    [status, message] = [403, origin === undefined ? 'Missing Origin header.' : `Origin ${origin} is not allowed.`];
  }
  if (status === undefined) return true;
  options.onReject?.({ status, message, origin: originOf(request), request });
  rejectUpgrade(socket, status, message, status === 400 ? { 'Sec-WebSocket-Version': '13' } : {});
  return false;
}

/** Options for {@link createUpgradeHandler}. */
export interface UpgradeHandlerOptions<W> extends UpgradeGuardOptions {
  /**
   * Called with each accepted WebSocket, instead of emitting it: the server's
   * `'connection'` listeners (and `answerHeartbeats(wss)`) do not see it.
   * @default emits `'connection'` on the WebSocketServer, as `ws`'s own server does
   */
  readonly onConnection?: (ws: W, request: UpgradeRequestLike) => void;
}

/**
 * An `upgrade` listener for a Node HTTP server that runs {@link guardUpgrade}
 * and hands allowed requests to a `ws` `WebSocketServer` created with
 * `{ noServer: true }`.
 *
 * @example
 * const wss = new WebSocketServer({ noServer: true });
 * httpServer.on('upgrade', createUpgradeHandler(wss, { allowedOrigins: ['https://app.example.com'] }));
 * wss.on('connection', (ws, request) => { ... });
 */
export function createUpgradeHandler<W>(wss: UpgradeServerLike<W>, options: UpgradeHandlerOptions<W>): (request: UpgradeRequestLike, socket: UpgradeSocketLike, head: unknown) => void {
  // Checked once, when the server is set up, rather than on the first request.
  if (wss === null || typeof wss !== 'object' || typeof wss.handleUpgrade !== 'function') {
    throw new TypeError(`createUpgradeHandler expects a ws WebSocketServer (an object with handleUpgrade()), got ${show(wss)}.`);
  }
  checkOptions(options, 'createUpgradeHandler', ['onReject', 'onConnection']);
  return (request, socket, head) => {
    if (!guard(request, socket, options, 'createUpgradeHandler')) return;
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (options.onConnection !== undefined) options.onConnection(ws, request);
      else wss.emit('connection', ws, request);
    });
  };
}
