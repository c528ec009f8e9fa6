// A fake server and a fake WebSocket class on a virtual clock, just enough of
// the browser's WebSocket for closekit, reconnecting-websocket and partysocket
// (on* handlers, addEventListener, readyState constants), cheap enough for
// 10,000 clients. Every `new WebSocket()` is one attempt the server sees.
import type { VirtualClock } from './virtual-clock';

type Listener = ((event: FakeEvent) => void) | { handleEvent(event: FakeEvent): void };

interface FakeEvent {
  readonly type: string;
  readonly target: unknown;
  readonly code?: number;
  readonly reason?: string;
  readonly wasClean?: boolean;
  readonly message?: string;
  readonly data?: unknown;
}

/** How the simulated server answers. */
export interface StormServerOptions {
  /** Is an attempt made at `nowMs` accepted? Refused attempts fail like a refused TCP connection. */
  readonly accepts: (nowMs: number) => boolean;
  /** Time from `new WebSocket()` to `open` or to the refusal. */
  readonly latencyMs: number;
  /** Keep every attempt's time in `attemptTimes`. @default true */
  readonly recordAttempts?: boolean;
}

/** The server side: counts attempts and holds the open connections. */
export interface StormServer {
  /** `new WebSocket()` times, in virtual ms. */
  readonly attemptTimes: number[];
  /** Connections currently open. */
  openCount(): number;
  /** The server closes every open connection with `code` (a clean close). */
  closeAll(code: number, reason: string): void;
  /** The WebSocket constructor the clients use. */
  readonly WebSocket: new (
    url: string,
    protocols?: string | string[],
  ) => FakeWebSocket;
}

/** The client-side object. */
export interface FakeWebSocket {
  readonly url: string;
  readonly protocol: string;
  readonly extensions: string;
  readonly bufferedAmount: number;
  readyState: number;
  binaryType: string;
  onopen: ((event: FakeEvent) => void) | null;
  onmessage: ((event: FakeEvent) => void) | null;
  onerror: ((event: FakeEvent) => void) | null;
  onclose: ((event: FakeEvent) => void) | null;
  addEventListener(type: string, listener: Listener): void;
  removeEventListener(type: string, listener: Listener): void;
  send(data: unknown): void;
  close(code?: number, reason?: string): void;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

export function createStormServer(clock: VirtualClock, options: StormServerOptions): StormServer {
  const attemptTimes: number[] = [];
  const open = new Set<Socket>();

  class Socket implements FakeWebSocket {
    static readonly CONNECTING = CONNECTING;
    static readonly OPEN = OPEN;
    static readonly CLOSING = CLOSING;
    static readonly CLOSED = CLOSED;
    readonly CONNECTING = CONNECTING;
    readonly OPEN = OPEN;
    readonly CLOSING = CLOSING;
    readonly CLOSED = CLOSED;
    readonly protocol = '';
    readonly extensions = '';
    readonly bufferedAmount = 0;
    readyState = CONNECTING;
    binaryType = 'blob';
    onopen: ((event: FakeEvent) => void) | null = null;
    onmessage: ((event: FakeEvent) => void) | null = null;
    onerror: ((event: FakeEvent) => void) | null = null;
    onclose: ((event: FakeEvent) => void) | null = null;
    private listeners: Record<string, Listener[]> = {};

    constructor(
      readonly url: string,
      _protocols?: string | string[],
    ) {
      const startedMs = clock.now();
      if (options.recordAttempts !== false) attemptTimes.push(startedMs);
      const accepted = options.accepts(startedMs);
      clock.setTimeout(() => {
        if (this.readyState !== CONNECTING) return;
        if (accepted) {
          this.readyState = OPEN;
          open.add(this);
          this.dispatch({ type: 'open', target: this });
        } else {
          // A refused connection: error, then close 1006 (FACTS.md).
          this.readyState = CLOSED;
          this.dispatch({ type: 'error', target: this, message: 'connection refused' });
          this.dispatch({ type: 'close', target: this, code: 1006, reason: '', wasClean: false });
        }
      }, options.latencyMs);
    }

    addEventListener(type: string, listener: Listener): void {
      (this.listeners[type] ??= []).push(listener);
    }

    removeEventListener(type: string, listener: Listener): void {
      const list = this.listeners[type];
      if (list !== undefined) this.listeners[type] = list.filter((candidate) => candidate !== listener);
    }

    send(_data: unknown): void {
      if (this.readyState !== OPEN) throw new Error('send on a socket that is not open');
    }

    close(code?: number, reason?: string): void {
      if (this.readyState === CLOSED || this.readyState === CLOSING) return;
      this.readyState = CLOSING;
      open.delete(this);
      clock.setTimeout(() => this.closed(code ?? 1005, reason ?? '', true), options.latencyMs);
    }

    /** The server side closes this connection. */
    closed(code: number, reason: string, wasClean: boolean): void {
      if (this.readyState === CLOSED) return;
      this.readyState = CLOSED;
      open.delete(this);
      this.dispatch({ type: 'close', target: this, code, reason, wasClean });
    }

    private dispatch(event: FakeEvent): void {
      const handler = this[`on${event.type}` as 'onopen' | 'onmessage' | 'onerror' | 'onclose'];
      if (handler !== null) handler.call(this, event);
      for (const listener of [...(this.listeners[event.type] ?? [])]) {
        if (typeof listener === 'function') listener.call(this, event);
        else listener.handleEvent(event);
      }
    }
  }

  return {
    attemptTimes,
    openCount: () => open.size,
    closeAll(code, reason) {
      for (const socket of [...open]) socket.closed(code, reason, true);
    },
    WebSocket: Socket,
  };
}
