import type { CloseCodeContract, CloseCodeMap } from '../codes';
import type { Clock, Timers } from '../environment';
import { CloseCodeError, show } from '../errors';
import { validateReason } from '../validate';
import { createFakeClock, type FakeClock } from './clock';
import { createWebSocketClass, type FakeLink, type FakeSocketDriver, type FakeWebSocket, type FakeWebSocketConstructor } from './fake-websocket';

/**
 * What the fake server does with a new connection:
 * - `'accept'`: completes the handshake; the client sees `open`.
 * - `{ reject: code, reason? }`: accept-then-close; the client sees `open`,
 *   then `close` with that code and reason (`wasClean: true`).
 * - `'refuse'`: the connection fails before the handshake (refused port,
 *   rejected upgrade); the client sees `error`, then `close` 1006 with
 *   `wasClean: false`, never `open`.
 * - `'hang'`: no answer; the client stays CONNECTING until the test acts on
 *   the connection (`accept()`, `refuse()`…) or the client gives up.
 */
export type FakeBehaviour<N extends string = never> = 'accept' | 'refuse' | 'hang' | { readonly reject: number | N; readonly reason?: string };

/** Automatic replies to heartbeat pings. `true` means `{ ping: 'ping', pong: 'pong' }`. */
export interface AutoPongOptions {
  /** The ping message, or a test for it. @default 'ping' */
  readonly ping?: unknown;
  /** The reply, or a function making it from the ping. @default 'pong' */
  readonly pong?: unknown;
}

/** Options for {@link createFakeServer}. */
export interface FakeServerOptions<M extends CloseCodeMap = Record<never, number>, C extends Clock & Timers = Clock & Timers> {
  /** Delivers every event; pass the same fake clock the code under test uses. @default createFakeClock() */
  readonly clock?: C;
  /** The app's contract, so close codes can be given by name (`rejectNext('TokenExpired')`). */
  readonly codes?: CloseCodeContract<M>;
  /** Virtual delay before each event reaches the client, in ms. @default 0 */
  readonly latencyMs?: number;
  /** What to do with a connection no `…Next()` call scripted. @default 'accept' */
  readonly default?: FakeBehaviour<keyof M & string>;
  /** Picks the subprotocol from the client's offer. @default the first offered, or '' */
  readonly selectProtocol?: (offered: readonly string[], connection: FakeConnection<keyof M & string>) => string;
  /** Answers heartbeat pings by itself. @default false */
  readonly autoPong?: boolean | AutoPongOptions;
}

/** The server's view of one `new WebSocket()`: where it went and what happened to it. */
export interface FakeConnection<N extends string = never> {
  /** 1 for the first `new WebSocket()` on this server, 2 for the next… */
  readonly id: number;
  /** The URL the client connected to, normalised as a browser would. */
  readonly url: string;
  /** The subprotocols the client offered. */
  readonly protocols: readonly string[];
  /** The subprotocol chosen at accept; '' before or when none. */
  readonly protocol: string;
  /** The client end. */
  readonly socket: FakeWebSocket;
  /** The server's side of the handshake and closing handshake. */
  readonly state: 'connecting' | 'open' | 'closing' | 'closed';
  /** Messages this client sent, in order. */
  readonly received: readonly unknown[];
  /** Virtual times of creation, accept and close (undefined until they happen). */
  readonly createdAtMs: number;
  readonly openedAtMs: number | undefined;
  readonly closedAtMs: number | undefined;
  /** Who ended it: the client's `close()`, the server, or the network (refuse, drop). */
  readonly closedBy: 'client' | 'server' | 'network' | undefined;
  /** The code in the close frame (undefined for none, or when the network ended it). */
  readonly closeCode: number | undefined;
  /** The reason in the close frame; '' for none. */
  readonly closeReason: string;
  /** Completes a pending handshake; the client sees `open`. */
  accept(): void;
  /** Accept-then-close with `code` (a number or a contract name). */
  reject(code: number | N, reason?: string): void;
  /** Fails a pending handshake: error, then close 1006, never open. */
  refuse(): void;
  /** Sends a message to this client. Throws unless the connection is open. */
  send(data: unknown): void;
  /**
   * Sends a close frame. With no code the client sees 1005; a code that may
   * not be on the wire (1005, 1006, 1015) makes the client fail with error
   * and 1006, as a browser does; any other 16-bit code passes through. On a
   * pending handshake this is accept-then-close.
   */
  close(code?: number | N, reason?: string): void;
  /** Cuts the connection without a close frame: close 1006, `wasClean: false` (plus `error` if it never opened). */
  drop(): void;
}

/** Options for {@link FakeServer.restart}. */
export interface RestartOptions<N extends string = never> {
  /** How long new connections are refused, in virtual ms. @default 0 */
  readonly downForMs?: number;
  /** The code sent to open connections. @default 1012 (Service Restart) */
  readonly code?: number | N;
  /** @default '' */
  readonly reason?: string;
}

/** A scripted WebSocket server living in memory, driven by a clock. Made by {@link createFakeServer}. */
export interface FakeServer<N extends string = never, C extends Clock & Timers = FakeClock> {
  /** A `WebSocket` constructor whose instances connect to this server; pass it as closekit's `WebSocket` option. */
  readonly WebSocket: FakeWebSocketConstructor;
  /** The clock that delivers events: the one passed in, or a {@link FakeClock} of its own. */
  readonly clock: C;
  /** Every connection ever attempted, in order. */
  readonly connections: readonly FakeConnection<N>[];
  /** The connections that are open now. */
  readonly openConnections: readonly FakeConnection<N>[];
  /** The latest connection, if any. */
  readonly lastConnection: FakeConnection<N> | undefined;
  /** How many times `new WebSocket()` was called. */
  readonly attempts: number;
  /** The URL of every attempt, in order (see a fresh token on each reconnect). */
  readonly urls: readonly string[];
  /** Every message any client sent, in order. */
  readonly received: readonly unknown[];
  /** True while a `restart` keeps the server down. */
  readonly isDown: boolean;
  /** The next connection is accepted. Calls queue up: `acceptNext().rejectNext(4001)` scripts two. */
  acceptNext(): FakeServer<N, C>;
  /** The next connection is accepted and closed straight away with `code` (a number or a contract name). */
  rejectNext(code: number | N, reason?: string): FakeServer<N, C>;
  /** The next connection fails before open (error, close 1006). */
  refuseNext(): FakeServer<N, C>;
  /** The next connection gets no answer and stays CONNECTING. */
  hangNext(): FakeServer<N, C>;
  /** Sets what happens to connections nothing else scripted. */
  setDefault(behaviour: FakeBehaviour<N>): FakeServer<N, C>;
  /**
   * Calls `handler` for each new connection after the scripted `…Next()`
   * behaviours are used up and before the default; it decides by calling
   * `accept()`, `reject()`, `refuse()` — or nothing, leaving it to the default.
   * Returns a function that removes the handler.
   */
  onConnection(handler: (connection: FakeConnection<N>) => void): () => void;
  /** Calls `handler` with every message a client sends. Returns a function that removes it. */
  onMessage(handler: (data: unknown, connection: FakeConnection<N>) => void): () => void;
  /** Turns automatic heartbeat replies on or off. */
  setAutoPong(options: boolean | AutoPongOptions): void;
  /** Sends `data` to every open connection; returns how many got it. */
  send(data: unknown): number;
  /** Sends a close frame to every open connection; returns how many. */
  closeAll(code?: number | N, reason?: string): number;
  /** Cuts every open or pending connection without a close frame (1006, `wasClean: false`); returns how many. */
  dropAll(): number;
  /**
   * Closes every open connection with 1012, refuses pending and new
   * connections for `downForMs`, then accepts again as scripted.
   */
  restart(options?: RestartOptions<N>): void;
}

function resolveCode(code: unknown, codes: CloseCodeContract | undefined): number {
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

// What Connection.close sends, checked before anything changes: the code on
// the wire (undefined for none) and the reason.
function checkCloseFrame(code: unknown, reason: string | undefined, codes: CloseCodeContract | undefined): number | undefined {
  const wireCode = code === undefined ? undefined : resolveCode(code, codes);
  validateReason(reason);
  if (wireCode === undefined && reason !== undefined && reason !== '') {
    throw new CloseCodeError('not-sendable', reason, 'A close frame can carry a reason only together with a code.');
  }
  return wireCode;
}

function checkBehaviour(behaviour: unknown, codes: CloseCodeContract | undefined): void {
  if (behaviour === 'accept' || behaviour === 'refuse' || behaviour === 'hang') return;
  if (behaviour !== null && typeof behaviour === 'object' && 'reject' in behaviour) {
    resolveCode((behaviour as { reject: unknown }).reject, codes);
    validateReason((behaviour as { reason?: unknown }).reason);
    return;
  }
  throw new TypeError(`A fake server behaviour is 'accept', 'refuse', 'hang' or { reject: code, reason? }, got ${show(behaviour)}.`);
}

function matchesPing(ping: unknown, data: unknown): boolean {
  return typeof ping === 'function' ? Boolean((ping as (data: unknown) => unknown)(data)) : Object.is(ping, data);
}

/**
 * Creates a scripted in-memory WebSocket server. Its `WebSocket` class
 * behaves like a browser's (event order, ready states, `close()` validation,
 * 1006 for every failure) and delivers every event through the clock, so
 * nothing happens until the test moves time (`clock.advance(0)` delivers what
 * is due now).
 *
 * @example
 * const clock = createFakeClock();
 * const server = createFakeServer({ clock, codes: AppCodes });
 * server.rejectNext('TokenExpired', 'token expired'); // first attempt: open, then close 4001
 * const socket = createSocket(url, { WebSocket: server.WebSocket, clock, timers: clock, codes: AppCodes, auth: { refresh } });
 * await clock.runAllAsync();
 * expect(server.attempts).toBe(2);
 */
export function createFakeServer<const M extends CloseCodeMap = Record<never, number>, C extends Clock & Timers = FakeClock>(options: FakeServerOptions<M, C> = {}): FakeServer<keyof M & string, C> {
  type N = keyof M & string;
  const clock = (options.clock ?? createFakeClock()) as C;
  const codes = options.codes as CloseCodeContract | undefined;
  const latencyMs = options.latencyMs ?? 0;
  if (typeof latencyMs !== 'number' || !(latencyMs >= 0)) {
    throw new TypeError(`createFakeServer: latencyMs must be a number ≥ 0, got ${show(latencyMs)}.`);
  }
  let fallback: FakeBehaviour<N> = options.default ?? 'accept';
  checkBehaviour(fallback, codes);
  let autoPong: Required<AutoPongOptions> | undefined;
  const setAutoPong = (value: boolean | AutoPongOptions): void => {
    autoPong = value === false ? undefined : { ping: 'ping', pong: 'pong', ...(value === true ? {} : value) };
  };
  setAutoPong(options.autoPong ?? false);

  const connections: Connection[] = [];
  const received: unknown[] = [];
  const script: FakeBehaviour<N>[] = [];
  const connectionHandlers = new Set<(connection: FakeConnection<N>) => void>();
  const messageHandlers = new Set<(data: unknown, connection: FakeConnection<N>) => void>();
  let downUntilMs = -Infinity;
  const isDown = (): boolean => clock.now() < downUntilMs;

  class Connection implements FakeConnection<N> {
    readonly id: number;
    readonly received: unknown[] = [];
    readonly createdAtMs = clock.now();
    state: FakeConnection<N>['state'] = 'connecting';
    protocol = '';
    openedAtMs: number | undefined = undefined;
    closedAtMs: number | undefined = undefined;
    closedBy: FakeConnection<N>['closedBy'] = undefined;
    closeCode: number | undefined = undefined;
    closeReason = '';

    constructor(
      private readonly driver: FakeSocketDriver,
      readonly url: string,
      readonly protocols: readonly string[],
    ) {
      this.id = connections.length + 1;
    }

    get socket(): FakeWebSocket {
      return this.driver.socket;
    }

    // Everything the client sees goes through the clock, in order.
    private deliver(effect: (driver: FakeSocketDriver) => void): void {
      clock.setTimeout(() => effect(this.driver), latencyMs);
    }

    private finish(by: NonNullable<FakeConnection<N>['closedBy']>, code: number | undefined, reason: string): void {
      this.state = 'closed';
      this.closedAtMs = clock.now();
      this.closedBy = by;
      this.closeCode = code;
      this.closeReason = reason;
    }

    private expectConnecting(action: string): void {
      if (this.state !== 'connecting') throw new Error(`Fake connection #${this.id} cannot ${action}: it is already ${this.state}.`);
    }

    handshake(): void {
      if (this.state !== 'connecting') return;
      if (isDown()) return this.refuse();
      const next = script.shift();
      if (next !== undefined) return this.apply(next);
      for (const handler of [...connectionHandlers]) {
        handler(this);
        if (this.state !== 'connecting') return;
      }
      this.apply(fallback);
    }

    apply(behaviour: FakeBehaviour<N>): void {
      if (behaviour === 'accept') this.accept();
      else if (behaviour === 'refuse') this.refuse();
      else if (behaviour !== 'hang') this.reject(behaviour.reject, behaviour.reason);
    }

    accept(): void {
      this.expectConnecting('accept');
      this.protocol = options.selectProtocol?.(this.protocols, this) ?? this.protocols[0] ?? '';
      this.state = 'open';
      this.openedAtMs = clock.now();
      const protocol = this.protocol;
      this.deliver((driver) => driver.open(protocol));
    }

    reject(code: number | N, reason?: string): void {
      this.expectConnecting('reject');
      const wireCode = resolveCode(code, codes);
      validateReason(reason);
      this.accept();
      this.close(wireCode, reason);
    }

    refuse(): void {
      this.expectConnecting('refuse');
      this.finish('network', undefined, '');
      this.deliver((driver) => {
        driver.error();
        driver.close(1006, '', false);
      });
    }

    send(data: unknown): void {
      if (this.state !== 'open') throw new Error(`Fake connection #${this.id} cannot send: it is ${this.state}.`);
      this.deliver((driver) => driver.message(data));
    }

    close(code?: number | N, reason?: string): void {
      const wireCode = checkCloseFrame(code, reason, codes);
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
        if (wireCode === 1005 || wireCode === 1006 || wireCode === 1015) {
          driver.error();
          driver.close(1006, '', false);
        } else driver.close(wireCode ?? 1005, text, true);
      });
    }

    drop(): void {
      if (this.state === 'closed') return;
      const opened = this.openedAtMs !== undefined;
      this.finish('network', undefined, '');
      this.deliver((driver) => {
        // A socket that never opened reports the failure with an error event; an
        // open one that loses its TCP connection does not.
        if (!opened || driver.readyState === 0) driver.error();
        driver.close(1006, '', false);
      });
    }

    // ---- what the client end does ----------------------------------------

    readonly link: FakeLink = {
      send: (data) => {
        this.received.push(data);
        received.push(data);
        for (const handler of [...messageHandlers]) handler(data, this);
        if (autoPong !== undefined && this.state === 'open' && matchesPing(autoPong.ping, data)) {
          const pong = autoPong.pong;
          this.send(typeof pong === 'function' ? (pong as (data: unknown) => unknown)(data) : pong);
        }
      },
      close: (code, reason, connecting) => {
        if (connecting) {
          // Closing before open fails the connection, as a browser does.
          if (this.state !== 'closed') this.finish('client', code, reason);
          this.deliver((driver) => {
            driver.error();
            driver.close(1006, '', false);
          });
          return;
        }
        // The server's own close is already on its way: that is what the client will see.
        if (this.state !== 'open') return;
        this.state = 'closing';
        this.deliver((driver) => {
          this.finish('client', code, reason);
          driver.close(code ?? 1005, reason, true);
        });
      },
    };
  }

  const WebSocket = createWebSocketClass((driver, url, protocols) => {
    const connection = new Connection(driver, url, protocols);
    connections.push(connection);
    clock.setTimeout(() => connection.handshake(), latencyMs);
    return connection.link;
  });

  const server: FakeServer<N, C> = {
    WebSocket,
    clock,
    get connections() {
      return connections;
    },
    get openConnections() {
      return connections.filter((connection) => connection.state === 'open');
    },
    get lastConnection() {
      return connections[connections.length - 1];
    },
    get attempts() {
      return connections.length;
    },
    get urls() {
      return connections.map((connection) => connection.url);
    },
    get received() {
      return received;
    },
    get isDown() {
      return isDown();
    },
    acceptNext() {
      script.push('accept');
      return server;
    },
    rejectNext(code, reason) {
      const behaviour: FakeBehaviour<N> = reason === undefined ? { reject: code } : { reject: code, reason };
      checkBehaviour(behaviour, codes);
      script.push(behaviour);
      return server;
    },
    refuseNext() {
      script.push('refuse');
      return server;
    },
    hangNext() {
      script.push('hang');
      return server;
    },
    setDefault(behaviour) {
      checkBehaviour(behaviour, codes);
      fallback = behaviour;
      return server;
    },
    onConnection(handler) {
      connectionHandlers.add(handler);
      return () => void connectionHandlers.delete(handler);
    },
    onMessage(handler) {
      messageHandlers.add(handler);
      return () => void messageHandlers.delete(handler);
    },
    setAutoPong,
    send(data) {
      const open = server.openConnections;
      for (const connection of open) connection.send(data);
      return open.length;
    },
    closeAll(code, reason) {
      checkCloseFrame(code, reason, codes);
      const open = server.openConnections;
      for (const connection of open) connection.close(code, reason);
      return open.length;
    },
    dropAll() {
      const live = connections.filter((connection) => connection.state !== 'closed');
      for (const connection of live) connection.drop();
      return live.length;
    },
    restart(restartOptions = {}) {
      const downForMs = restartOptions.downForMs ?? 0;
      if (typeof downForMs !== 'number' || !(downForMs >= 0)) {
        throw new TypeError(`restart: downForMs must be a number ≥ 0, got ${show(downForMs)}.`);
      }
      const code = restartOptions.code ?? 1012;
      checkCloseFrame(code, restartOptions.reason, codes);
      for (const connection of connections) {
        if (connection.state === 'open') connection.close(code, restartOptions.reason);
        else if (connection.state === 'connecting') connection.refuse();
      }
      downUntilMs = clock.now() + downForMs;
    },
  };
  return server;
}
