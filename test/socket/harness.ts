// Unit-test harness: a socket wired to closekit/testing's fake clock and
// scripted fake server, with every event recorded in order.
import { defineCloseCodes } from '../../src/codes';
import { createSocket, type ManagedSocket, type SocketEvents, type SocketOptions, type UrlSource } from '../../src/socket';
import { createFakeClock, createFakeServer, type FakeClock, type FakeServer } from '../../src/testing';
import { compilePolicy, type WithPolicyOptions } from '../support/policy';

export const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4029 });
type AppNames = keyof typeof AppCodes.codes & string;

export interface Recorded {
  readonly event: keyof SocketEvents;
  readonly payload: unknown;
  readonly at: number;
}

/** What the client end of one connection saw, by the fake clock (index i is `server.connections[i]`). */
export interface ClientRecord {
  openedAt: number | undefined;
  closedAt: number | undefined;
  /** A message reached the client before its close. */
  heard: boolean;
}

export interface Harness {
  readonly clock: FakeClock;
  readonly server: FakeServer<AppNames>;
  readonly socket: ManagedSocket<AppNames>;
  readonly events: Recorded[];
  readonly clients: ClientRecord[];
  /** The names of the recorded events, with `state` shown as `state:<new state>`. */
  names(): string[];
  of<E extends keyof SocketEvents>(event: E): Parameters<SocketEvents<AppNames>[E]>[0][];
}

const EVENTS: readonly (keyof SocketEvents)[] = ['state', 'open', 'message', 'close', 'rejected', 'reconnecting', 'reauth', 'stopped', 'dropped', 'error'];

/** Fixed random 0.5 so delays are predictable; a zero-latency fake server. */
export function setup(options: WithPolicyOptions<Omit<SocketOptions<typeof AppCodes.codes>, 'codes'>> & { readonly url?: UrlSource; readonly random?: () => number } = {}): Harness {
  const clock = createFakeClock();
  const server = createFakeServer({ clock, codes: AppCodes });
  const { url = 'ws://app.test/live', ...rest } = options;
  const clients: ClientRecord[] = [];
  // The fake server's class, recording each connection as its client end sees it.
  const Recording = class extends server.WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      const record: ClientRecord = { openedAt: undefined, closedAt: undefined, heard: false };
      clients.push(record);
      this.addEventListener('open', () => (record.openedAt = clock.now()));
      this.addEventListener('message', () => (record.heard = true));
      this.addEventListener('close', () => (record.closedAt = clock.now()));
    }
  };
  const socket = createSocket(
    url,
    compilePolicy({
      codes: AppCodes,
      WebSocket: Recording,
      clock,
      timers: clock,
      random: () => 0.5,
      pauseWhenOffline: false,
      ...rest,
    }) as SocketOptions<typeof AppCodes.codes>,
  );
  const events: Recorded[] = [];
  for (const event of EVENTS) socket.on(event, (payload: unknown) => events.push({ event, payload, at: clock.now() }));
  return {
    clock,
    server,
    socket,
    events,
    clients,
    names: () => events.map((e) => (e.event === 'state' ? `state:${(e.payload as { state: string }).state}` : e.event)),
    of: <E extends keyof SocketEvents>(event: E) => events.filter((e) => e.event === event).map((e) => e.payload) as Parameters<SocketEvents<AppNames>[E]>[0][],
  };
}

/** What a random program of steps can make the fake server do. */
export type ServerStep = { kind: 'drop' } | { kind: 'restart'; downForMs: number } | { kind: 'serverClose'; code: number } | { kind: 'script'; behaviour: 'refuse' | 'hang' | 'accept' | number };

/** Makes `server` do `step`: drop every connection, restart, close the open ones with a code, or script the next handshake. */
export function runServerStep(server: FakeServer<AppNames>, step: ServerStep): void {
  switch (step.kind) {
    case 'drop':
      server.dropAll();
      return;
    case 'restart':
      server.restart({ downForMs: step.downForMs });
      return;
    case 'serverClose':
      server.closeAll(step.code);
      return;
    case 'script':
      if (step.behaviour === 'refuse') server.refuseNext();
      else if (step.behaviour === 'hang') server.hangNext();
      else if (step.behaviour === 'accept') server.acceptNext();
      else server.rejectNext(step.behaviour);
  }
}
