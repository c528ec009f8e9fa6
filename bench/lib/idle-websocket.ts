// The smallest fake WebSocket the heap section needs: it opens at once (on the
// next microtask, so the wrapper has attached its handlers), never receives
// anything, and closes on the next microtask when asked. It keeps no list of
// its instances, so the heap a socket retains is the fake's few fields plus
// whatever the wrapper around it holds.

type Listener = ((event: IdleEvent) => void) | { handleEvent(event: IdleEvent): void };

interface IdleEvent {
  readonly type: string;
  readonly target: IdleWebSocket;
  readonly code?: number;
  readonly reason?: string;
  readonly wasClean?: boolean;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

let openSockets = 0;

/** How many fake sockets are open right now, across every instance. */
export const idleOpenCount = (): number => openSockets;

export class IdleWebSocket {
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
  onopen: ((event: IdleEvent) => void) | null = null;
  onmessage: ((event: IdleEvent) => void) | null = null;
  onerror: ((event: IdleEvent) => void) | null = null;
  onclose: ((event: IdleEvent) => void) | null = null;
  // Made on the first addEventListener, so a wrapper that uses only the on* handlers is not charged for it.
  private listeners: Record<string, Listener[]> | undefined;

  constructor(
    readonly url: string,
    _protocols?: string | string[],
  ) {
    queueMicrotask(() => {
      if (this.readyState !== CONNECTING) return;
      this.readyState = OPEN;
      openSockets += 1;
      this.dispatch({ type: 'open', target: this });
    });
  }

  addEventListener(type: string, listener: Listener): void {
    ((this.listeners ??= {})[type] ??= []).push(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    const list = this.listeners?.[type];
    if (list === undefined) return;
    const index = list.indexOf(listener);
    if (index >= 0) list.splice(index, 1);
  }

  send(_data: unknown): void {
    if (this.readyState !== OPEN) throw new Error('send on a socket that is not open');
  }

  close(code?: number, reason?: string): void {
    if (this.readyState === CLOSING || this.readyState === CLOSED) return;
    const wasOpen = this.readyState === OPEN;
    this.readyState = CLOSING;
    queueMicrotask(() => {
      this.readyState = CLOSED;
      if (wasOpen) openSockets -= 1;
      // Closed before it opened, a browser fails the connection: 1006, not clean.
      this.dispatch(wasOpen ? { type: 'close', target: this, code: code ?? 1005, reason: reason ?? '', wasClean: true } : { type: 'close', target: this, code: 1006, reason: '', wasClean: false });
    });
  }

  private dispatch(event: IdleEvent): void {
    const handler = this[`on${event.type}` as 'onopen' | 'onmessage' | 'onerror' | 'onclose'];
    if (handler !== null) handler.call(this, event);
    for (const listener of [...(this.listeners?.[event.type] ?? [])]) {
      if (typeof listener === 'function') listener.call(this, event);
      else listener.handleEvent(event);
    }
  }
}
