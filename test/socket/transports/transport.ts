// What a socket scenario needs from the world around the socket: a scripted
// server, a way to connect closekit to it, and a way to let time pass. The
// scenarios (../scenarios.ts) are written once against this interface; each
// transport (fake.ts, ws.ts) implements it, and the differences between a fake
// clock and real time live here, not in the scenarios.
import { defineCloseCodes } from '../../../src/codes';
import type { ManagedSocket, SocketEvents, SocketOptions, UrlSource } from '../../../src/socket';
import type { WithPolicyOptions } from '../../support/policy';

/** The app's codes in every scenario. */
export const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003 });
export type AppNames = keyof typeof AppCodes.codes & string;

/**
 * What the server does with one connection attempt.
 * - `'accept'`: completes the handshake.
 * - `{ close, reason? }`: accepts, then closes at once with that code (accept-then-close).
 * - `{ send }`: accepts, then sends this text (which confirms the connection).
 * - `'refuse'`: refuses the handshake; the client never opens (fake: `refuse`; real: HTTP 401).
 * - `'hang'`: never answers the handshake.
 * - `'drop'`: accepts, then cuts the TCP connection without a close frame.
 */
export type Behaviour = 'accept' | { readonly close: number | AppNames; readonly reason?: string } | { readonly send: string } | 'refuse' | 'hang' | 'drop';

/** The server's view of one connection, in the order they arrived. */
export interface ServerConnection {
  /** Path and query of the request, e.g. `/live?token=old`. */
  readonly url: string;
  /** `'closed'` once the connection is gone from the server's side too (also for a hung handshake the client gave up on). */
  readonly state: 'connecting' | 'open' | 'closing' | 'closed';
  /** Who started the close of an accepted connection: the client (a close frame), the server, or nobody (the network). */
  readonly closedBy: 'client' | 'server' | 'network' | undefined;
  /** The code of the client's close frame, when the client closed. */
  readonly closeCode: number | undefined;
  readonly closeReason: string;
  /** Text messages this connection received, heartbeat pings left out. */
  readonly received: readonly string[];
}

export interface ScriptedServer {
  /** Queues behaviours for the next connections, in order. */
  next(...behaviours: Behaviour[]): void;
  /** What connections nothing queued get. @default 'accept' */
  setDefault(behaviour: Behaviour): void;
  /** Answer the text `ping` with `pong` (on at start); off simulates a half-open connection. */
  setPong(on: boolean): void;
  /** Cuts every open connection without a close frame. */
  dropAll(): void;
  /** Closes every open connection with 1012, refuses connections for `downForMs`, then accepts again; resolves when it is back. */
  restart(options: { readonly downForMs: number }): Promise<void>;
  /** Connections the server saw, in order (the fake sees every attempt; a real server does not see those refused while it is down). */
  readonly connections: readonly ServerConnection[];
  /** Every text message any connection received, heartbeat pings left out, in order. */
  readonly received: readonly string[];
  /** Heartbeat pings received. */
  readonly pings: number;
}

export interface Recorded {
  readonly event: keyof SocketEvents;
  readonly payload: unknown;
  /** By {@link Session.now}. */
  readonly at: number;
}

/** Socket options for a scenario; the transport supplies `codes`, `WebSocket`, `timers` and `clock`. */
export type ClientOptions = WithPolicyOptions<Omit<SocketOptions<typeof AppCodes.codes>, 'codes' | 'WebSocket' | 'timers' | 'clock'>> & {
  /** @default `${origin}/live` */
  readonly url?: UrlSource;
};

/** One socket on the session's server, with everything it emitted. */
export interface Client {
  readonly socket: ManagedSocket<AppNames>;
  readonly events: readonly Recorded[];
  of<E extends keyof SocketEvents>(event: E): Parameters<SocketEvents<AppNames>[E]>[0][];
  /** The recorded event names, `state` shown as `state:<new state>`. */
  names(): string[];
  /** `new WebSocket()` calls, counted on the client (undici sends one refused upgrade twice). */
  attempts(): number;
  /** When each `new WebSocket()` happened, by {@link Session.now}. */
  readonly attemptTimes: readonly number[];
}

/** A server and the time around it, for one scenario. */
export interface Session {
  readonly server: ScriptedServer;
  /** `ws://host:port`, without a path. */
  readonly origin: string;
  /** Creates a socket on this server (defaults: connectTimeoutMs 2000, backoff 20–200 ms, random 0.5, pauseWhenOffline off). */
  connect(options?: ClientOptions): Client;
  /** Milliseconds on the session's clock (virtual for the fake). */
  now(): number;
  /** Lets time pass until `predicate` holds (the fake steps its clock one timer at a time; a real one waits, at most `boundMs`). */
  until(predicate: () => boolean, what: string, boundMs?: number): Promise<void>;
  /** Lets `ms` pass: for checks that something does not happen. */
  pass(ms: number): Promise<void>;
  /** closekit's timers still pending (the fake counts the fake server's deliveries too). */
  pendingTimers(): number;
  /** A measured delay that is exactly `ms` by a fake clock; real time may run late, and early by at most a timer tick. */
  expectDelay(actualMs: number, ms: number): void;
  /** A measured duration that is at most `ms` by a fake clock; real time may run late. */
  expectAtMost(actualMs: number, ms: number): void;
}

export interface Transport {
  readonly name: string;
  /** Starts a server (and, for the fake, a clock). */
  start(): Promise<Session>;
  /** Disposes every socket and stops every server this transport started. */
  cleanup(): Promise<void>;
}

/** The recording every transport does: each event with the time it arrived; `after` runs after each one. */
export function record(socket: ManagedSocket<AppNames>, now: () => number, after?: () => void): Pick<Client, 'events' | 'of' | 'names'> {
  const names: readonly (keyof SocketEvents)[] = ['state', 'open', 'message', 'close', 'rejected', 'reconnecting', 'reauth', 'stopped', 'dropped', 'error'];
  const events: Recorded[] = [];
  for (const event of names) {
    socket.on(event, (payload: unknown) => {
      events.push({ event, payload, at: now() });
      after?.();
    });
  }
  return {
    events,
    of: <E extends keyof SocketEvents>(event: E) => events.filter((e) => e.event === event).map((e) => e.payload) as Parameters<SocketEvents<AppNames>[E]>[0][],
    names: () => events.map((e) => (e.event === 'state' ? `state:${(e.payload as { state: string }).state}` : e.event)),
  };
}

/**
 * The options every transport starts from; a scenario's `policy` replaces the
 * default backoff only if it names one. The transport adds `codes` and passes
 * the result through `compilePolicy` (test/support/policy.ts).
 */
export function baseOptions(options: ClientOptions): Omit<ClientOptions, 'url'> {
  const { url: _url, policy, ...rest } = options;
  const backoff = { backoff: { initialMs: 20, maxMs: 200 } };
  return {
    connectTimeoutMs: 2000,
    random: () => 0.5,
    pauseWhenOffline: false,
    ...rest,
    policy: policy === undefined ? backoff : 'decide' in policy ? policy : { ...backoff, ...policy },
  } as Omit<ClientOptions, 'url'>;
}
