import { ReadyState, type WebSocketLike } from '../environment';
import { MAX_REASON_BYTES, utf8ByteLength } from '../validate';
import { domError, type FakeEventMap, type FakeEventType, type FakeListener } from './events';

/** What the client end asks of the server end. */
export interface FakeLink {
  send(data: unknown): void;
  /**
   * `code` undefined: `close()` with no code. Called only while CONNECTING or
   * OPEN; `connecting` says which (a close before open fails the connection).
   */
  close(code: number | undefined, reason: string, connecting: boolean): void;
}

/** How the server end drives the client end; every call dispatches synchronously. */
export interface FakeSocketDriver {
  readonly socket: FakeWebSocket;
  readonly readyState: number;
  open(protocol: string): void;
  message(data: unknown): void;
  error(): void;
  closing(): void;
  close(code: number, reason: string, wasClean: boolean): void;
}

/** Connects a new client end to its server; returns the link the client talks through. */
export type FakeConnector = (driver: FakeSocketDriver, url: string, protocols: readonly string[]) => FakeLink;

type AnyListener = FakeListener<never>;
/** A listener, or (`handler`) the place of an `on…` handler among them. */
type Entry = { listener: AnyListener; once: boolean; removed?: boolean; handler?: true };

// WebIDL [Clamp] unsigned short, as browsers convert close(code): round half to
// even, clamp to 0–65535, NaN → 0.
function clampUnsignedShort(value: unknown): number {
  const number = Number(value);
  if (Number.isNaN(number)) return 0;
  const clamped = Math.min(65535, Math.max(0, number));
  const floor = Math.floor(clamped);
  const fraction = clamped - floor;
  if (fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1)) return floor + 1;
  return floor;
}

// WebIDL USVString, as browsers and undici convert send()'s text and close()'s reason: a lone surrogate becomes U+FFFD.
const usvString = (value: unknown): string => String(value).replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g, (unit) => (unit.length === 2 ? unit : '\uFFFD'));

// What send() passes on as it is; anything else is sent as text (an object as "[object Object]").
const isBinary = (data: unknown): boolean => data instanceof ArrayBuffer || ArrayBuffer.isView(data) || (typeof Blob === 'function' && data instanceof Blob);

// WHATWG WebSockets: binary data reaches the page as a Blob or an ArrayBuffer,
// by binaryType, never as the view the server sent. A Blob stays a Blob (it
// cannot be read synchronously); text and anything else pass as they are.
function asReceived(data: unknown, binaryType: 'blob' | 'arraybuffer'): unknown {
  if (!(data instanceof ArrayBuffer || ArrayBuffer.isView(data))) return data;
  const bytes = (ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data)).slice();
  return binaryType === 'arraybuffer' || typeof Blob !== 'function' ? bytes.buffer : new Blob([bytes]);
}

// WebIDL `EventListener?`: null and undefined are ignored; a primitive is a TypeError, as in a browser.
function isListener(listener: unknown, method: string): boolean {
  if (listener == null) return false;
  if (typeof listener !== 'function' && typeof listener !== 'object') {
    throw new TypeError(`Failed to execute '${method}' on 'EventTarget': parameter 2 is not of type 'Object'.`);
  }
  return true;
}

function parseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw domError('SyntaxError', `Failed to construct 'WebSocket': The URL '${url}' is invalid.`);
  }
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw domError('SyntaxError', `Failed to construct 'WebSocket': The URL's scheme must be 'ws' or 'wss'; '${parsed.protocol}' is not allowed.`);
  }
  if (parsed.hash !== '') {
    throw domError('SyntaxError', `Failed to construct 'WebSocket': The URL contains a fragment identifier ('${parsed.hash}').`);
  }
  return parsed.href;
}

// WebIDL (DOMString or sequence<DOMString>), as browsers and undici convert it:
// an iterable is a list, anything else one string; every entry becomes a string.
function parseProtocols(protocols: unknown): string[] {
  const given = protocols === undefined ? [] : typeof protocols === 'object' && protocols !== null && Symbol.iterator in protocols ? [...(protocols as Iterable<unknown>)] : [protocols];
  const list = given.map(String);
  const seen = new Set<string>();
  for (const protocol of list) {
    if (protocol === '' || /[^!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(protocol)) {
      throw domError('SyntaxError', `Failed to construct 'WebSocket': The subprotocol '${protocol}' is invalid.`);
    }
    if (seen.has(protocol)) {
      throw domError('SyntaxError', `Failed to construct 'WebSocket': The subprotocol '${protocol}' is duplicated.`);
    }
    seen.add(protocol);
  }
  return list;
}

/**
 * The client end of a fake connection: behaves like a browser's `WebSocket`
 * (same ready states, `on…` handlers and `addEventListener`, the same
 * exceptions from `close()` and `send()`), with events delivered by the fake
 * server through its clock. Get the constructor from `createFakeServer().WebSocket`.
 */
export class FakeWebSocket implements WebSocketLike {
  static readonly CONNECTING = ReadyState.CONNECTING;
  static readonly OPEN = ReadyState.OPEN;
  static readonly CLOSING = ReadyState.CLOSING;
  static readonly CLOSED = ReadyState.CLOSED;
  readonly CONNECTING = ReadyState.CONNECTING;
  readonly OPEN = ReadyState.OPEN;
  readonly CLOSING = ReadyState.CLOSING;
  readonly CLOSED = ReadyState.CLOSED;

  /** The URL as the browser would normalise it (`http:` → `ws:`, trailing `/`). */
  readonly url: string;
  /** Always `''`: the fake negotiates no extensions. */
  readonly extensions = '';
  /** Always 0: sends leave at once. */
  readonly bufferedAmount = 0;

  // Typed as closekit's WebSocketLike declares them, so the fake always fits
  // the `WebSocket` option; the events passed are the Fake…Event objects.
  /** Called with a {@link FakeOpenEvent}. */
  get onopen(): WebSocketLike['onopen'] {
    return this.handlerOf('open');
  }
  set onopen(handler: WebSocketLike['onopen']) {
    this.setHandler('open', handler);
  }
  /** Called with a {@link FakeMessageEvent}. */
  get onmessage(): WebSocketLike['onmessage'] {
    return this.handlerOf('message');
  }
  set onmessage(handler: WebSocketLike['onmessage']) {
    this.setHandler('message', handler);
  }
  /** Called with a {@link FakeErrorEvent}. */
  get onerror(): WebSocketLike['onerror'] {
    return this.handlerOf('error');
  }
  set onerror(handler: WebSocketLike['onerror']) {
    this.setHandler('error', handler);
  }
  /** Called with a {@link FakeCloseEvent}. */
  get onclose(): WebSocketLike['onclose'] {
    return this.handlerOf('close');
  }
  set onclose(handler: WebSocketLike['onclose']) {
    this.setHandler('close', handler);
  }

  private state: number = ReadyState.CONNECTING;
  private negotiated = '';
  private binary: 'blob' | 'arraybuffer' = 'blob';
  private readonly listeners = new Map<FakeEventType, Entry[]>();
  private readonly link: FakeLink;

  /** @internal Use `server.WebSocket`; this constructor needs the server's connector. */
  protected constructor(url: string | URL, protocols: string | string[] | undefined, connect: FakeConnector) {
    this.url = parseUrl(String(url));
    const offered = parseProtocols(protocols);
    const socket = this;
    const driver: FakeSocketDriver = {
      socket,
      get readyState() {
        return socket.state;
      },
      open(protocol) {
        if (socket.state !== ReadyState.CONNECTING) return;
        socket.state = ReadyState.OPEN;
        socket.negotiated = protocol;
        socket.dispatch('open', { type: 'open', target: socket });
      },
      message(data) {
        if (socket.state !== ReadyState.OPEN) return;
        socket.dispatch('message', { type: 'message', data: asReceived(data, socket.binary), target: socket });
      },
      error() {
        if (socket.state === ReadyState.CLOSED) return;
        socket.dispatch('error', { type: 'error', target: socket });
      },
      closing() {
        if (socket.state === ReadyState.OPEN) socket.state = ReadyState.CLOSING;
      },
      close(code, reason, wasClean) {
        if (socket.state === ReadyState.CLOSED) return;
        socket.state = ReadyState.CLOSED;
        socket.dispatch('close', { type: 'close', code, reason, wasClean, target: socket });
      },
    };
    this.link = connect(driver, this.url, offered);
  }

  /** CONNECTING (0), OPEN (1), CLOSING (2) or CLOSED (3). */
  get readyState(): number {
    return this.state;
  }

  /** The subprotocol the server chose; `''` until open or when none. */
  get protocol(): string {
    return this.negotiated;
  }

  /** `'blob'` (default) or `'arraybuffer'`; other values are ignored, as in a browser. */
  get binaryType(): 'blob' | 'arraybuffer' {
    return this.binary;
  }

  /** Sets `'blob'` or `'arraybuffer'`; anything else is ignored. */
  set binaryType(value: string) {
    if (value === 'blob' || value === 'arraybuffer') this.binary = value;
  }

  /**
   * Sends `data` to the fake server (recorded in `server.received` as a browser
   * sends it: binary data as it is, anything else as a string). Throws an
   * `InvalidStateError` while CONNECTING; ignored once CLOSING or CLOSED, as a
   * browser does.
   */
  send(data: unknown): void {
    if (this.state === ReadyState.CONNECTING) {
      throw domError('InvalidStateError', "Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.");
    }
    if (this.state === ReadyState.OPEN) this.link.send(isBinary(data) ? data : usvString(data));
  }

  /**
   * Closes like a browser: a code other than 1000 or 3000–4999 throws an
   * `InvalidAccessError`, a reason over 123 UTF-8 bytes a `SyntaxError`, and
   * the socket stays as it was; a reason without a code throws too, as in
   * Chromium (code 0). Closing while CONNECTING fails the connection (error, then close 1006).
   */
  close(code?: number, reason?: string): void {
    let checkedCode: number | undefined;
    // A reason without a code: Chromium converts the missing code to 0 and
    // throws; Firefox drops the reason (1005), undici sends 1000. The fake
    // throws, so an app finds out before its strictest browser does.
    if (code !== undefined || reason !== undefined) {
      checkedCode = clampUnsignedShort(code);
      if (checkedCode !== 1000 && (checkedCode < 3000 || checkedCode > 4999)) {
        throw domError('InvalidAccessError', `Failed to execute 'close' on 'WebSocket': The close code must be either 1000, or between 3000 and 4999. ${checkedCode} is neither.`);
      }
    }
    const text = reason === undefined ? '' : usvString(reason);
    if (utf8ByteLength(text) > MAX_REASON_BYTES) {
      throw domError('SyntaxError', `Failed to execute 'close' on 'WebSocket': The close reason must not be greater than ${MAX_REASON_BYTES} UTF-8 bytes.`);
    }
    if (this.state === ReadyState.CLOSING || this.state === ReadyState.CLOSED) return;
    const connecting = this.state === ReadyState.CONNECTING;
    this.state = ReadyState.CLOSING;
    this.link.close(checkedCode, text, connecting);
  }

  /**
   * Adds a listener; `once` is honoured. Listeners and `on…` handlers run in
   * the order they were added, a handler where it was first set, as in a browser.
   */
  addEventListener<K extends FakeEventType>(type: K, listener: FakeListener<FakeEventMap<FakeWebSocket>[K]> | null, options?: boolean | { readonly once?: boolean }): void {
    if (!isListener(listener, 'addEventListener')) return;
    const list = this.listeners.get(type) ?? [];
    if (list.some((entry) => entry.handler !== true && entry.listener === listener)) return;
    list.push({ listener: listener as AnyListener, once: typeof options === 'object' && options.once === true });
    this.listeners.set(type, list);
  }

  /** Removes a listener added with {@link FakeWebSocket.addEventListener}. */
  removeEventListener<K extends FakeEventType>(type: K, listener: FakeListener<FakeEventMap<FakeWebSocket>[K]> | null): void {
    const list = this.listeners.get(type);
    if (!isListener(listener, 'removeEventListener') || list === undefined) return;
    this.removeEntry(list, (candidate) => candidate.handler !== true && candidate.listener === listener);
  }

  private removeEntry(list: Entry[], matches: (entry: Entry) => boolean): void {
    const entry = list.find(matches);
    if (entry === undefined) return;
    entry.removed = true;
    list.splice(list.indexOf(entry), 1);
  }

  // HTML "event handlers": an on… handler is a listener added when first set;
  // replacing it keeps its place, setting anything but a function removes it.
  private handlerOf(type: FakeEventType): ((event: never) => void) | null {
    return (this.listeners.get(type)?.find((entry) => entry.handler === true)?.listener as (event: never) => void) ?? null;
  }

  private setHandler(type: FakeEventType, value: unknown): void {
    const list = this.listeners.get(type) ?? [];
    const entry = list.find((candidate) => candidate.handler === true);
    if (typeof value !== 'function') this.removeEntry(list, (candidate) => candidate === entry);
    else if (entry !== undefined) entry.listener = value as AnyListener;
    else list.push({ listener: value as AnyListener, once: false, handler: true });
    this.listeners.set(type, list);
  }

  // Every listener runs even if one throws; the first error is rethrown
  // afterwards so the test sees it (a browser would only report it).
  private dispatch<K extends FakeEventType>(type: K, event: FakeEventMap<FakeWebSocket>[K]): void {
    const errors: unknown[] = [];
    const call = (listener: AnyListener): void => {
      try {
        const callable = listener as FakeListener<typeof event>;
        if (typeof callable === 'function') callable.call(this, event);
        else callable.handleEvent(event);
      } catch (error) {
        errors.push(error);
      }
    };
    for (const entry of [...(this.listeners.get(type) ?? [])]) {
      // DOM "inner invoke": a listener an earlier one removed during this dispatch is skipped.
      if (entry.removed === true) continue;
      if (entry.once) this.removeEventListener(type, entry.listener as FakeListener<FakeEventMap<FakeWebSocket>[K]>);
      call(entry.listener);
    }
    if (errors.length > 0) throw errors[0];
  }
}

/** A constructor for fake sockets bound to one fake server; fits closekit's `WebSocket` option. */
export interface FakeWebSocketConstructor {
  new (url: string | URL, protocols?: string | string[]): FakeWebSocket;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSING: 2;
  readonly CLOSED: 3;
}

/** Makes a `WebSocket`-compatible class whose instances connect through `connect`. */
export function createWebSocketClass(connect: FakeConnector): FakeWebSocketConstructor {
  return class WebSocket extends FakeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, connect);
    }
  };
}
