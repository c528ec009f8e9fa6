// A WebSocket the test drives by hand, for what closekit/testing's fake server
// will not do on purpose: events in any order, any close event (or none), and
// quirks that call the socket's handlers back from inside send(), close() or a
// handler's setter, or throw from them.
import { createSocket, type ManagedSocket, type SocketOptions } from '../../src/socket';
import { createFakeClock, type FakeClock } from '../../src/testing';

/** How a HandSocket misbehaves; 'none': it only does what the test tells it. */
export type Quirk = 'none' | 'closeOnSend' | 'closeOnClose' | 'throwOnSend' | 'throwOnClose' | 'openOnSet' | 'messageOnSend';

export class HandSocket {
  /** Every HandSocket made, in order (reset it before each socket). */
  static made: HandSocket[] = [];
  /** The quirk of the next HandSocket made. */
  static quirk: Quirk = 'none';
  readyState = 0;
  protocol = '';
  binaryType = 'blob';
  readonly quirk: Quirk;
  private openHandler: ((event: unknown) => void) | null = null;
  onmessage: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  readonly sent: unknown[] = [];

  constructor(readonly url: string) {
    this.quirk = HandSocket.quirk;
    HandSocket.made.push(this);
  }

  get onopen(): ((event: unknown) => void) | null {
    return this.openHandler;
  }

  set onopen(handler: ((event: unknown) => void) | null) {
    this.openHandler = handler;
    if (this.quirk === 'openOnSet' && handler) {
      this.readyState = 1;
      handler({});
    }
  }

  send(data: unknown): void {
    if (this.quirk === 'throwOnSend') throw new Error('send refused');
    this.sent.push(data);
    if (this.quirk === 'closeOnSend') this.fire('close', 1006);
    if (this.quirk === 'messageOnSend') this.onmessage?.({ data: 'echo' });
  }

  close(): void {
    if (this.quirk === 'throwOnClose') throw new Error('close refused');
    this.readyState = 2;
    if (this.quirk === 'closeOnClose') this.fire('close', 1000);
  }

  /** Opens. */
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  /** Closes with `event` exactly as given (undefined: no event object at all). */
  shut(event: unknown): void {
    this.readyState = 3;
    this.onclose?.(event);
  }

  /** Fires one event; a close with `code` ('none': no event object). */
  fire(kind: string, code: unknown): void {
    if (kind === 'open') this.open();
    else if (kind === 'message') this.onmessage?.({ data: 'hello' });
    else if (kind === 'error') this.onerror?.({});
    else if (kind === 'close') this.shut(code === 'none' ? undefined : { code, reason: 'r', wasClean: code === 1000 });
  }
}

/** A socket on HandSocket (none made yet, no quirk) with a fake clock as its clock and timers, not pausing offline. */
export function handSocket(options: Record<string, unknown>): { clock: FakeClock; socket: ManagedSocket } {
  HandSocket.made = [];
  HandSocket.quirk = 'none';
  const clock = createFakeClock();
  const socket = createSocket('ws://app.test/live', { WebSocket: HandSocket, clock, timers: clock, pauseWhenOffline: false, ...options } as unknown as SocketOptions);
  return { clock, socket };
}
