// One chaos client: a ManagedSocket over undici's WebSocket, with an
// instrumented WebSocket class that records what closekit does with each
// underlying connection (when it was made, opened, heard from, closed, and
// every message number written on it), and the app around it: numbered
// sends, listeners that throw, refresh hooks that fail or dawdle, and
// listeners that call dispose(), close() or reconnect() back into the socket.
//
// Everything the test later asserts is recorded here as it happens;
// a violation that can only be seen at one moment (a socket made while the
// run is stopped, a message written after it was handed back) is noted then.
import { WebSocket as UndiciWebSocket } from 'undici';
import { createPolicy } from '../../src/policy';
import { defineCloseCodes } from '../../src/codes';
import { createSocket, isSocketError, type ManagedSocket, type SocketEventName, type SocketOptions } from '../../src/socket';
import type { QueueOverflow, SendData, WebSocketClass } from '../../src/socket';

/** The app's contract, shared with the fault plan: 4001 asks for a new token, 4003 is final. */
export const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4029 });
type Names = keyof typeof AppCodes.codes & string;

/** Codes the policy must treat as final: closekit's defaults (1000, 1008, 3003) and the app's rule for 4003. */
export const PERMANENT_CODES: readonly number[] = [1000, 1008, 3003, 4003];

/** Every backoff has this floor, so the attempt rate while the server is down has a hard bound. */
export const BACKOFF_FLOOR_MS = 10;

export type RefreshKind = 'none' | 'ok' | 'slow' | 'reject' | 'throw';
export type ReentrantAction = 'reconnect' | 'close' | 'dispose';

/** How one client is set up and how its app behaves, drawn from the seed. */
export interface Profile {
  /** Exact-delivery mode (`queue.ack`); otherwise the default confirmation rule. */
  readonly ack: boolean;
  readonly confirmAfterMs: number;
  readonly heartbeat: { readonly intervalMs: number; readonly timeoutMs: number } | false;
  readonly queueMax: number;
  readonly overflow: QueueOverflow;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number; readonly minMs: number; readonly jitter: 'full' | 'equal' | 'decorrelated' };
  readonly maxAttempts: number | undefined;
  readonly connectTimeoutMs: number;
  readonly refresh: RefreshKind;
  readonly asyncUrl: boolean;
  /** Events with a listener that always throws. */
  readonly throwingOn: readonly SocketEventName[];
  /** An app that disposes its socket from inside a listener when the run ends for good (a final close, or the state turning 'stopped'). */
  readonly quitOnFinal: 'close' | 'rejected' | 'state' | undefined;
  /** A listener that sometimes calls back into the socket. */
  readonly reentrant: { readonly on: SocketEventName; readonly action: ReentrantAction; readonly chance: number } | undefined;
  /** Chance of a send on each tick of the app's loop. */
  readonly sendChance: number;
}

const EVENTS: readonly SocketEventName[] = ['state', 'open', 'message', 'close', 'rejected', 'reconnecting', 'reauth', 'stopped', 'dropped', 'error'];

const count = (table: Record<string, number>, key: string): void => {
  table[key] = (table[key] ?? 0) + 1;
};
const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const between = (random: () => number, low: number, high: number): number => Math.round(low + random() * (high - low));

/** Draws a client's profile. */
export function drawProfile(random: () => number): Profile {
  // Timeouts leave room for a loaded machine (2 shared cores): a late pong or handshake only costs a reconnect,
  // but one that is always late would keep the clients from ever coming to rest.
  const heartbeat = random() < 0.75 ? { intervalMs: between(random, 100, 200), timeoutMs: between(random, 200, 400) } : false;
  const initialMs = between(random, BACKOFF_FLOOR_MS, 30);
  const throwingOn = random() < 0.35 ? EVENTS.filter(() => random() < 0.3) : [];
  const reentrant =
    random() < 0.4
      ? {
          on: pick(random, ['close', 'rejected', 'state', 'error', 'open', 'message', 'reconnecting', 'reauth', 'dropped'] as const),
          action: pick(random, ['reconnect', 'reconnect', 'reconnect', 'close', 'close', 'dispose'] as const),
          chance: 0.05 + random() * 0.15,
        }
      : undefined;
  const quitOnFinal = random() < 0.2 ? pick(random, ['close', 'rejected', 'state'] as const) : undefined;
  return {
    quitOnFinal,
    ack: random() < 0.5,
    confirmAfterMs: between(random, 150, 1000),
    heartbeat,
    queueMax: between(random, 4, 40),
    overflow: pick(random, ['drop-oldest', 'drop-oldest', 'drop-newest', 'error'] as const),
    backoff: { initialMs, maxMs: between(random, Math.max(initialMs, 40), 120), minMs: BACKOFF_FLOOR_MS, jitter: pick(random, ['full', 'equal', 'decorrelated'] as const) },
    maxAttempts: random() < 0.25 ? between(random, 4, 10) : undefined,
    connectTimeoutMs: between(random, 800, 1500),
    refresh: pick(random, ['none', 'ok', 'ok', 'slow', 'slow', 'reject', 'throw'] as const),
    asyncUrl: random() < 0.2,
    throwingOn,
    reentrant,
    sendChance: 0.15 + random() * 0.5,
  };
}

/** One underlying WebSocket, as the instrumented class saw closekit use it. */
export interface Connection {
  /** The attempt number `k` carried in its URL. */
  readonly attempt: number;
  readonly createdAt: number;
  openedAt: number | undefined;
  /** The first message from the server, before closekit let go of the connection. */
  firstMessageAt: number | undefined;
  /** When closekit let go: it called close(), or the close event arrived first. */
  endedAt: number | undefined;
  /** The reason closekit gave when it closed the connection itself (e.g. 'heartbeat timeout'). */
  clientCloseReason: string | undefined;
  /** Message numbers written, in order. */
  readonly writes: number[];
}

/** A message number out of a payload, or undefined for anything else (pings). */
export function numberOf(data: unknown): number | undefined {
  if (typeof data !== 'string' || !data.startsWith('{"n":')) return undefined;
  const n = (JSON.parse(data) as { n?: unknown }).n;
  return typeof n === 'number' ? n : undefined;
}

/** The acked numbers in a server message. */
export function ackedIn(data: unknown): number | number[] | undefined {
  if (typeof data !== 'string' || !data.startsWith('{')) return undefined;
  try {
    const ack = (JSON.parse(data) as { ack?: unknown }).ack;
    return typeof ack === 'number' || Array.isArray(ack) ? (ack as number | number[]) : undefined;
  } catch {
    return undefined;
  }
}

/** What the instrumented WebSocket reports. */
interface Recorder {
  /** A WebSocket was made for this attempt. */
  made(record: Connection): void;
  /** App message `n` was written on this connection. */
  wrote(record: Connection, n: number): void;
}

/** undici's WebSocket, recording what closekit does with each one: made, opened, heard from, closed (and why), written. */
function instrumentedWebSocket(recorder: Recorder): WebSocketClass {
  return class extends UndiciWebSocket {
    private readonly record: Connection;
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      const record: Connection = {
        attempt: Number(new URL(String(url)).searchParams.get('k')),
        createdAt: performance.now(),
        openedAt: undefined,
        firstMessageAt: undefined,
        endedAt: undefined,
        clientCloseReason: undefined,
        writes: [],
      };
      this.record = record;
      recorder.made(record);
      this.addEventListener('open', () => (record.openedAt = performance.now()));
      // Only what arrives before closekit lets go can confirm the connection.
      this.addEventListener('message', () => {
        if (record.endedAt === undefined) record.firstMessageAt ??= performance.now();
      });
      this.addEventListener('close', () => (record.endedAt ??= performance.now()));
    }

    override send(data: Parameters<InstanceType<typeof UndiciWebSocket>['send']>[0]): void {
      const n = numberOf(data);
      if (n !== undefined) {
        this.record.writes.push(n);
        recorder.wrote(this.record, n);
      }
      super.send(data);
    }

    override close(code?: number, reason?: string): void {
      this.record.endedAt ??= performance.now();
      this.record.clientCloseReason ??= reason ?? '';
      super.close(code, reason);
    }
  } as unknown as WebSocketClass;
}

/** The socket options for a profile, with its refresh hook. */
function socketOptions(profile: Profile, random: () => number, WebSocket: WebSocketClass): Record<string, unknown> {
  const refresh = (): unknown => {
    switch (profile.refresh) {
      case 'ok':
        return Promise.resolve();
      case 'slow':
        return new Promise((resolve) => setTimeout(resolve, between(random, 20, 120)));
      case 'reject':
        return Promise.reject(new Error('token service down'));
      case 'throw':
        throw new Error('refresh blew up');
      default:
        return undefined;
    }
  };

  const options = {
    WebSocket,
    codes: AppCodes,
    pauseWhenOffline: false,
    connectTimeoutMs: profile.connectTimeoutMs,
    heartbeat: profile.heartbeat,
    random,
    policy: createPolicy({
      codes: AppCodes,
      random,
      rules: {
        TokenExpired: 'reauth',
        AccessDenied: 'stop',
        RateLimited: 'reconnect',
        // closekit keeps 1013 Try Again Later at ≥ 5 s by default; this run is in tens of ms.
        1013: { action: 'reconnect', backoff: { minMs: 30 } },
      },
      backoff: profile.backoff,
      ...(profile.maxAttempts !== undefined && { maxAttempts: profile.maxAttempts }),
    }),
    ...(profile.refresh !== 'none' && { auth: { refresh } }),
    queue: {
      max: profile.queueMax,
      overflow: profile.overflow,
      ...(profile.ack ? { ack: { idOf: numberOf, acked: ackedIn } } : { confirmAfterMs: profile.confirmAfterMs }),
    },
  };
  return options;
}

export interface ChaosClient {
  readonly id: number;
  readonly profile: Profile;
  readonly socket: ManagedSocket<Names>;
  /** Numbers `send()` accepted, with when. */
  readonly accepted: Map<number, number>;
  /** send() calls refused with a typed error, by its code. */
  readonly refused: Record<string, number>;
  /** Numbers handed back, and how. */
  readonly handedBack: Map<number, 'dropped' | 'pending'>;
  /** Underlying connections by attempt number. */
  readonly connections: Map<number, Connection>;
  /** Which connection each number was last written on. */
  readonly lastWrite: Map<number, number>;
  /** The run markers: S for a `stopped` event, L for leaving the stopped state. */
  readonly markers: string[];
  /** State changes into `stopped`. */
  stateStops: number;
  readonly stopCauses: Record<string, number>;
  readonly closeCodes: Record<string, number>;
  /** `close` events with a permanent code. */
  permanentCloses: number;
  readonly errors: Record<string, number>;
  reentrantCalls: Record<string, number>;
  /** Each underlying WebSocket made, by performance.now(). */
  readonly constructedAt: number[];
  /** When the app called reconnect() (each may start an attempt at once, whatever the backoff). */
  readonly appReconnects: number[];
  disposed: boolean;
  /** Problems seen as they happened. */
  readonly violations: string[];
  /** What happened, in order, for a failure message: events, app calls, sends (by performance.now()). */
  readonly trail: { readonly at: number; readonly what: string }[];
  /** The app sends its next numbered message (if the socket takes it). */
  sendNext(): void;
  /** The app restarts a stopped run. */
  restart(): void;
  /** The test's own dispose at the end. */
  dispose(): void;
}

export interface ClientHooks {
  /** Called on `stopped` (not after dispose), so the app can decide to restart. */
  onStopped(client: ChaosClient): void;
}

/** Creates a client of the fault server at `baseUrl`. */
export function createChaosClient(id: number, profile: Profile, baseUrl: string, random: () => number, hooks: ClientHooks): ChaosClient {
  let nextNumber = 0;
  let nextAttempt = 0;
  let stoppedNow = false;
  const connections = new Map<number, Connection>();
  const lastWrite = new Map<number, number>();
  const handedBack = new Map<number, 'dropped' | 'pending'>();
  const violations: string[] = [];
  const trail: { at: number; what: string }[] = [];
  const log = (what: string): void => void trail.push({ at: performance.now(), what });
  const note = (problem: string): void => {
    if (violations.length < 20) violations.push(`client ${id}: ${problem}`);
  };

  const Instrumented = instrumentedWebSocket({
    made(record) {
      connections.set(record.attempt, record);
      client.constructedAt.push(record.createdAt);
      if (stoppedNow) note(`a WebSocket was made while the run was stopped (attempt ${record.attempt}${client.disposed ? ', after dispose()' : ''})`);
    },
    wrote(record, n) {
      lastWrite.set(n, record.attempt);
      if (handedBack.has(n)) note(`message ${n} was written again after it was handed back in '${handedBack.get(n)}'`);
    },
  });

  const url = (): string => `${baseUrl}?c=${id}&k=${++nextAttempt}`;
  const options = socketOptions(profile, random, Instrumented);
  const socket = createSocket(profile.asyncUrl ? () => Promise.resolve(url()) : url, options as unknown as SocketOptions<typeof AppCodes.codes>);

  const client: ChaosClient = {
    id,
    profile,
    socket,
    accepted: new Map(),
    refused: {},
    handedBack,
    connections,
    lastWrite,
    markers: [],
    stateStops: 0,
    stopCauses: {},
    closeCodes: {},
    permanentCloses: 0,
    errors: {},
    reentrantCalls: {},
    constructedAt: [],
    appReconnects: [],
    disposed: false,
    violations,
    trail,
    sendNext() {
      if (client.disposed) return;
      const n = ++nextNumber;
      // Marked before the call: under drop-newest, the `dropped` event for it fires inside send().
      client.accepted.set(n, performance.now());
      try {
        socket.send(JSON.stringify({ n }));
        log(`send ${n} accepted while ${socket.state}`);
      } catch (error) {
        client.accepted.delete(n);
        if (isSocketError(error)) count(client.refused, error.code);
        else note(`send() threw something other than a SocketError: ${String(error)}`);
      }
    },
    restart() {
      if (client.disposed) return;
      client.appReconnects.push(performance.now());
      log('app reconnect()');
      socket.reconnect();
    },
    dispose() {
      client.disposed = true;
      log(`dispose() while ${socket.state}`);
      socket.dispose();
    },
  };

  const handBack = (messages: readonly SendData[], how: 'dropped' | 'pending'): void => {
    for (const data of messages) {
      const n = numberOf(data);
      if (n === undefined) {
        note(`'${how}' handed back something that is not an app message: ${String(data).slice(0, 40)}`);
        continue;
      }
      if (handedBack.has(n)) note(`message ${n} was handed back twice ('${handedBack.get(n)}', then '${how}')`);
      if (!client.accepted.has(n)) note(`message ${n} was handed back in '${how}' but send() never accepted it`);
      handedBack.set(n, how);
    }
  };

  // The app's bookkeeping listeners come first.
  for (const event of EVENTS) {
    if (event === 'message' || event === 'error') continue;
    socket.on(event, (payload: unknown) => {
      const p = payload as { state?: string; cause?: string; pending?: readonly SendData[]; messages?: readonly SendData[]; result?: { code: number }; decision?: { action: string } };
      const detail =
        event === 'state'
          ? ` ${p.state}`
          : event === 'stopped'
            ? ` ${p.cause} pending [${(p.pending ?? []).map(numberOf).join(',')}]`
            : event === 'dropped'
              ? ` [${(p.messages ?? []).map(numberOf).join(',')}]`
              : event === 'close'
                ? ` ${p.result?.code} → ${p.decision?.action}`
                : '';
      log(`${event}${detail}`);
    });
  }
  socket.on('state', ({ state, previous }) => {
    if (state === 'stopped') client.stateStops++;
    if (previous === 'stopped') {
      client.markers.push('L');
      stoppedNow = false;
    }
  });
  socket.on('close', ({ result, decision }) => {
    count(client.closeCodes, String(result.code));
    if (PERMANENT_CODES.includes(result.code)) {
      client.permanentCloses++;
      if (decision.action !== 'stop') note(`a ${result.code} close was answered with '${decision.action}', not 'stop'`);
    }
  });
  socket.on('dropped', ({ messages }) => handBack(messages, 'dropped'));
  socket.on('stopped', ({ cause, pending }) => {
    client.markers.push('S');
    stoppedNow = true;
    count(client.stopCauses, cause);
    handBack(pending, 'pending');
    if (!client.disposed) hooks.onStopped(client);
  });
  socket.on('error', (error) => count(client.errors, isSocketError(error) ? error.code : `untyped ${error.name}`));

  misbehave(client, random, log);
  return client;
}

/** The app's misbehaving listeners: some always throw, some dispose on a final close, some call back into the socket at random. */
function misbehave(client: ChaosClient, random: () => number, log: (what: string) => void): void {
  for (const event of client.profile.throwingOn) {
    client.socket.on(event, () => {
      throw new Error(`listener for '${event}' throws`);
    });
  }
  // Disposing from inside a listener must not swallow the step's `stopped` or its `pending`.
  if (client.profile.quitOnFinal === 'close') {
    client.socket.on('close', ({ decision }) => {
      if (decision.action === 'stop' && !client.disposed) client.dispose();
    });
  } else if (client.profile.quitOnFinal === 'rejected') {
    client.socket.on('rejected', (result) => {
      if ((result.name === 'AccessDenied' || result.code === 3003) && !client.disposed) client.dispose();
    });
  } else if (client.profile.quitOnFinal === 'state') {
    client.socket.on('state', ({ state }) => {
      if (state === 'stopped' && !client.disposed) client.dispose();
    });
  }
  const reentrant = client.profile.reentrant;
  if (reentrant !== undefined) {
    client.socket.on(reentrant.on, () => {
      if (client.disposed || random() >= reentrant.chance) return;
      count(client.reentrantCalls, reentrant.action);
      if (reentrant.action === 'dispose') client.dispose();
      else if (reentrant.action === 'close') {
        log(`close() in a '${reentrant.on}' listener`);
        client.socket.close(4000, 'the app is done');
      } else {
        client.appReconnects.push(performance.now());
        log(`reconnect() in a '${reentrant.on}' listener`);
        client.socket.reconnect();
      }
    });
  }
}
