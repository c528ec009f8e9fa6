import { type Check, isFunction, isRecord, validator } from '../check';
import type { CloseCodeContract, CloseCodeMap } from '../codes';
import type { Clock, Timers } from '../environment';
import { show } from '../errors';
import { createFakeClock, type FakeClock } from './clock';
import { createWebSocketClass, type FakeWebSocket, type FakeWebSocketConstructor } from './fake-websocket';
import { createHandshakeScript, type HandshakeScript } from './handshake-script';
import { createInbox } from './inbox';
import { type ConnectionContext, checkCloseFrame, ServerConnection } from './server-connection';

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
  /** Picks the subprotocol from the client's offer ('' for none); one the client did not offer fails the connection, as in a browser. @default the first offered, or '' */
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

// Bad arguments throw at once, naming the function (not later, when a client connects).
const checks = (name: string) => validator((_option, _value, message) => new TypeError(`${name}: ${message}`));
const isTimerClock: Check = [
  (value) => isRecord(value) && typeof value['now'] === 'function' && typeof value['setTimeout'] === 'function' && typeof value['clearTimeout'] === 'function',
  'a clock with now(), setTimeout() and clearTimeout(), such as createFakeClock()',
];
const isAutoPong: Check = [(value) => typeof value === 'boolean' || isRecord(value), 'true, false or { ping, pong }'];
const handlerOf = <H>(method: string, handler: H): H => checks(method).check(handler, isFunction, 'handler');

// Every `new server.WebSocket()` becomes a ServerConnection; its handshake
// reaches the script after the latency, as a real one would cross the network.
function createServerWebSocket<N extends string>(connections: ServerConnection<N>[], context: ConnectionContext<N>, script: HandshakeScript<N>): FakeWebSocketConstructor {
  return createWebSocketClass((driver, url, protocols) => {
    const connection = new ServerConnection<N>(connections.length + 1, driver, url, protocols, context);
    connections.push(connection);
    context.clock.setTimeout(() => script.answer(connection), context.latencyMs);
    return connection.link;
  });
}

// The bulk actions pick their connections first, then act on them: the count they return is of those.
const openOf = <N extends string>(connections: readonly ServerConnection<N>[]): ServerConnection<N>[] => connections.filter((connection) => connection.state === 'open');

function sendEach<N extends string>(connections: readonly ServerConnection<N>[], data: unknown): number {
  for (const connection of connections) connection.send(data);
  return connections.length;
}

// The frame is checked first, so a bad one throws even when no connection is open.
function closeEach<N extends string>(connections: readonly ServerConnection<N>[], code: number | N | undefined, reason: string | undefined, codes: CloseCodeContract | undefined): number {
  checkCloseFrame(code, reason, codes);
  for (const connection of connections) connection.close(code, reason);
  return connections.length;
}

function dropEach<N extends string>(connections: readonly ServerConnection<N>[]): number {
  const live = connections.filter((connection) => connection.state !== 'closed');
  for (const connection of live) connection.drop();
  return live.length;
}

// Closes the open connections, refuses the pending ones; the script refuses new ones while down.
function restartServer<N extends string>(connections: readonly ServerConnection<N>[], script: HandshakeScript<N>, context: ConnectionContext<N>, options: RestartOptions<N>): void {
  const restartChecks = checks('restart');
  const given: unknown = options;
  if (!isRecord(given)) return restartChecks.fail('options', given, 'an object such as { downForMs: 1000 }');
  restartChecks.fields(given, { downForMs: 0, code: 0, reason: 0 }, '');
  const downForMs = options.downForMs ?? 0;
  if (typeof downForMs !== 'number' || !(downForMs >= 0)) {
    throw new TypeError(`restart: downForMs must be a number ≥ 0, got ${show(downForMs)}.`);
  }
  const code = options.code ?? 1012;
  checkCloseFrame(code, options.reason, context.codes);
  for (const connection of connections) {
    if (connection.state === 'open') connection.close(code, options.reason);
    else if (connection.state === 'connecting') connection.refuse();
  }
  script.downUntil(context.clock.now() + downForMs);
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
 * // 4001 means "refresh the token, then reconnect": the app's rule for it, and the refresh hook.
 * const policy = createPolicy({ codes: AppCodes, rules: { TokenExpired: 'reauth' } });
 * const socket = createSocket(url, { WebSocket: server.WebSocket, clock, timers: clock, codes: AppCodes, policy, auth: { refresh } });
 * await clock.runAllAsync();
 * expect(server.attempts).toBe(2); // the rejected attempt, then the one after the refresh
 */
export function createFakeServer<const M extends CloseCodeMap = Record<never, number>, C extends Clock & Timers = FakeClock>(options: FakeServerOptions<M, C> = {}): FakeServer<keyof M & string, C> {
  type N = keyof M & string;
  const optionChecks = checks('createFakeServer');
  const given: unknown = options;
  if (!isRecord(given)) return optionChecks.fail('options', given, 'an object such as { clock, latencyMs }');
  optionChecks.fields(given, { clock: isTimerClock, codes: 0, latencyMs: 0, default: 0, selectProtocol: isFunction, autoPong: isAutoPong }, '');
  const clock = (options.clock ?? createFakeClock()) as C;
  const codes = options.codes as CloseCodeContract | undefined;
  const latencyMs = options.latencyMs ?? 0;
  if (typeof latencyMs !== 'number' || !(latencyMs >= 0)) throw new TypeError(`createFakeServer: latencyMs must be a number ≥ 0, got ${show(latencyMs)}.`);
  const script = createHandshakeScript<N>(clock, codes, options.default ?? 'accept');
  const inbox = createInbox<N>(options.autoPong ?? false);
  const context: ConnectionContext<N> = { clock, latencyMs, codes, options, receive: inbox.receive };
  const connections: ServerConnection<N>[] = [];
  const WebSocket = createServerWebSocket(connections, context, script);
  // Scripting methods return the server, so calls chain: acceptNext().rejectNext(4001).
  const chained =
    <A extends unknown[]>(action: (...args: A) => void) =>
    (...args: A): FakeServer<N, C> => {
      action(...args);
      return server;
    };
  const server: FakeServer<N, C> = {
    WebSocket,
    clock,
    get connections() {
      return connections;
    },
    get openConnections() {
      return openOf(connections);
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
      return inbox.received;
    },
    get isDown() {
      return script.isDown();
    },
    acceptNext: chained(() => script.push('accept')),
    rejectNext: chained((code: number | N, reason?: string) => script.push(reason === undefined ? { reject: code } : { reject: code, reason })),
    refuseNext: chained(() => script.push('refuse')),
    hangNext: chained(() => script.push('hang')),
    setDefault: chained(script.setDefault),
    onConnection: (handler) => script.onConnection(handlerOf('onConnection', handler)),
    onMessage: (handler) => inbox.onMessage(handlerOf('onMessage', handler)),
    setAutoPong: (autoPong) => inbox.setAutoPong(checks('setAutoPong').check(autoPong, isAutoPong, 'options')),
    send: (data) => sendEach(openOf(connections), data),
    closeAll: (code, reason) => closeEach(openOf(connections), code, reason, codes),
    dropAll: () => dropEach(connections),
    restart: (restartOptions = {}) => restartServer(connections, script, context, restartOptions),
  };
  return server;
}
