// One connection as the fake server sees it: its side of the handshake and of
// the closing handshake, what it has recorded, and every event it sends the
// client end — each one through the clock, in order.
import type { CloseCodeContract } from '../codes';
import type { Clock, Timers } from '../environment';
import { CloseCodeError, show } from '../errors';
import { validateReason } from '../validate';
import type { FakeConnection } from './fake-server';
import type { FakeLink, FakeSocketDriver, FakeWebSocket } from './fake-websocket';

/** Turns a close code given by number or contract name into the number on the wire. */
export function resolveCode(code: unknown, codes: CloseCodeContract | undefined): number {
  if (typeof code === 'string') {
    if (codes === undefined) {
      throw new CloseCodeError('unknown-name', code, `Close code ${show(code)} is a name, but the fake server has no \`codes\` contract to look it up in.`);
    }
    return codes.codeOf(code);
  }
  if (typeof code !== 'number' || !Number.isInteger(code)) {
    throw new CloseCodeError('not-integer', code, `A close frame carries an integer code, got ${show(code)}.`);
  }
  if (code < 0 || code > 65535) {
    throw new CloseCodeError('not-sendable', code, `A close frame carries a 16-bit code (0–65535), got ${code}.`);
  }
  return code;
}

/** Checks a close frame the server is asked to send; returns its code on the wire (undefined for none). */
export function checkCloseFrame(code: unknown, reason: string | undefined, codes: CloseCodeContract | undefined): number | undefined {
  const wireCode = code === undefined ? undefined : resolveCode(code, codes);
  validateReason(reason);
  if (wireCode === undefined && reason !== undefined && reason !== '') {
    throw new CloseCodeError('not-sendable', reason, 'A close frame can carry a reason only together with a code.');
  }
  return wireCode;
}

// How a browser reports a connection that failed: error, then close 1006, not
// clean. The close comes even when an error listener throws (a browser only
// reports that exception; the fake rethrows it to the test).
function failConnection(driver: FakeSocketDriver): void {
  try {
    driver.error();
  } finally {
    driver.close(1006, '', false);
  }
}

/** What a connection needs from its server. */
export interface ConnectionContext<N extends string> {
  readonly clock: Clock & Timers;
  /** Virtual delay before each event reaches the client, in ms. */
  readonly latencyMs: number;
  readonly codes: CloseCodeContract | undefined;
  /** The server's options, read at accept time for `selectProtocol`. */
  readonly options: { readonly selectProtocol?: (offered: readonly string[], connection: FakeConnection<N>) => string };
  /** Called with each message the client sends, after the connection has recorded it. */
  receive(data: unknown, connection: ServerConnection<N>): void;
}

/** The server's side of one `new WebSocket()`; the object tests see as a {@link FakeConnection}. */
export class ServerConnection<N extends string> implements FakeConnection<N> {
  readonly received: unknown[] = [];
  readonly createdAtMs: number;
  state: FakeConnection<N>['state'] = 'connecting';
  protocol = '';
  openedAtMs: number | undefined = undefined;
  closedAtMs: number | undefined = undefined;
  closedBy: FakeConnection<N>['closedBy'] = undefined;
  closeCode: number | undefined = undefined;
  closeReason = '';
  /** What the client end calls: its messages and its `close()`. */
  readonly link: FakeLink = {
    send: (data) => this.clientSent(data),
    close: (code, reason, connecting) => this.clientClosed(code, reason, connecting),
  };

  constructor(
    readonly id: number,
    private readonly driver: FakeSocketDriver,
    readonly url: string,
    readonly protocols: readonly string[],
    private readonly server: ConnectionContext<N>,
  ) {
    this.createdAtMs = server.clock.now();
  }

  get socket(): FakeWebSocket {
    return this.driver.socket;
  }

  accept(): void {
    this.expectConnecting('accept');
    const protocol = this.server.options.selectProtocol?.(this.protocols, this) ?? this.protocols[0] ?? '';
    if (typeof protocol !== 'string') throw new TypeError(`createFakeServer: selectProtocol must return a string, got ${show(protocol)}.`);
    // RFC 6455 §4.1: a client fails the connection when the server picks a subprotocol it did not offer.
    if (protocol !== '' && !this.protocols.includes(protocol)) return this.refuse();
    this.protocol = protocol;
    this.state = 'open';
    this.openedAtMs = this.server.clock.now();
    this.deliver((driver) => driver.open(protocol));
  }

  reject(code: number | N, reason?: string): void {
    this.expectConnecting('reject');
    const wireCode = resolveCode(code, this.server.codes);
    validateReason(reason);
    this.accept();
    this.close(wireCode, reason);
  }

  refuse(): void {
    this.expectConnecting('refuse');
    this.finish('network', undefined, '');
    this.deliver(failConnection);
  }

  send(data: unknown): void {
    if (this.state !== 'open') throw new Error(`Fake connection #${this.id} cannot send: it is ${this.state}.`);
    this.deliver((driver) => driver.message(data));
  }

  close(code?: number | N, reason?: string): void {
    const wireCode = checkCloseFrame(code, reason, this.server.codes);
    if (this.state === 'connecting') this.accept();
    if (this.state !== 'open') return;
    const text = reason ?? '';
    this.state = 'closing';
    this.closedBy = 'server';
    this.closeCode = wireCode;
    this.closeReason = text;
    this.deliver((driver) => driver.closing());
    this.deliver((driver) => {
      // A client that closed while CONNECTING failed the connection before this
      // frame arrived: it sees error and 1006, not the server's code.
      if (this.closedBy === 'client') return;
      this.finish('server', wireCode, text);
      // RFC 6455 §7.4.1: 1005, 1006 and 1015 never appear in a frame; a browser
      // that receives one fails the connection.
      if (wireCode === 1005 || wireCode === 1006 || wireCode === 1015) failConnection(driver);
      else driver.close(wireCode ?? 1005, text, true);
    });
  }

  drop(): void {
    if (this.state === 'closed') return;
    const opened = this.openedAtMs !== undefined;
    this.finish('network', undefined, '');
    this.deliver((driver) => {
      // A socket that never opened reports the failure with an error event; an
      // open one that loses its TCP connection does not.
      if (!opened || driver.readyState === 0) failConnection(driver);
      else driver.close(1006, '', false);
    });
  }

  private clientSent(data: unknown): void {
    this.received.push(data);
    this.server.receive(data, this);
  }

  private clientClosed(code: number | undefined, reason: string, connecting: boolean): void {
    if (connecting) {
      // Closing before open fails the connection, as a browser does.
      if (this.state !== 'closed') this.finish('client', code, reason);
      this.deliver(failConnection);
      return;
    }
    // The server's own close is already on its way: that is what the client will see.
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.deliver((driver) => {
      // Dropped before the server answered: the client sees that drop (1006), not a clean close.
      if (this.state === 'closed') return;
      this.finish('client', code, reason);
      driver.close(code ?? 1005, reason, true);
    });
  }

  // Everything the client sees goes through the clock, in order.
  private deliver(effect: (driver: FakeSocketDriver) => void): void {
    this.server.clock.setTimeout(() => effect(this.driver), this.server.latencyMs);
  }

  private finish(by: NonNullable<FakeConnection<N>['closedBy']>, code: number | undefined, reason: string): void {
    this.state = 'closed';
    this.closedAtMs = this.server.clock.now();
    this.closedBy = by;
    this.closeCode = code;
    this.closeReason = reason;
  }

  private expectConnecting(action: string): void {
    if (this.state !== 'connecting') throw new Error(`Fake connection #${this.id} cannot ${action}: it is already ${this.state}.`);
  }
}
