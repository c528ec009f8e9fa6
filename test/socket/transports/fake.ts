// The scenario transport on closekit/testing: the fake server and the fake
// clock. Time moves only when a scenario waits, one timer at a time, so every
// delay is exact and `until` stops at the very step the condition turns true.
import { expect } from 'vitest';
import { createSocket, type ManagedSocket } from '../../../src/socket';
import { compilePolicy } from '../../support/policy';
import { createFakeClock, createFakeServer, type FakeConnection } from '../../../src/testing';
import { AppCodes, baseOptions, record, type AppNames, type Behaviour, type Client, type ClientOptions, type ServerConnection, type Session, type Transport } from './transport';

const ORIGIN = 'ws://app.test';
// The fake never needs long: a condition not reached in this much virtual time never will be.
const VIRTUAL_BOUND_MS = 600_000;

// Lets promise callbacks (an async url or refresh) run between timers.
async function settle(): Promise<void> {
  for (let turn = 0; turn < 100; turn++) await Promise.resolve();
}

const isPing = (data: unknown): boolean => data === 'ping';

function serverView(connection: FakeConnection<AppNames>): ServerConnection {
  return {
    get url() {
      return connection.url.slice(ORIGIN.length);
    },
    get state() {
      return connection.state;
    },
    get closedBy() {
      return connection.closedBy;
    },
    get closeCode() {
      return connection.closedBy === 'client' ? connection.closeCode : undefined;
    },
    get closeReason() {
      return connection.closeReason;
    },
    get received() {
      return connection.received.filter((data) => !isPing(data)).map(String);
    },
  };
}

export function fakeTransport(): Transport {
  const sockets: ManagedSocket<AppNames>[] = [];
  return {
    name: 'fake server, fake clock',
    async start(): Promise<Session> {
      const clock = createFakeClock();
      // Every connection the fake server does not refuse (it does while down)
      // comes here; one left alone hangs.
      const fake = createFakeServer({ clock, codes: AppCodes, autoPong: true, default: 'hang' });
      const script: Behaviour[] = [];
      let fallback: Behaviour = 'accept';
      fake.onConnection((connection) => {
        const behaviour = script.shift() ?? fallback;
        if (behaviour === 'hang') return;
        if (behaviour === 'accept') connection.accept();
        else if (behaviour === 'refuse') connection.refuse();
        else if (behaviour === 'drop') {
          connection.accept();
          connection.drop();
        } else if ('send' in behaviour) {
          connection.accept();
          connection.send(behaviour.send);
        } else connection.reject(behaviour.close, behaviour.reason);
      });
      const views = new Map<FakeConnection<AppNames>, ServerConnection>();
      return {
        origin: ORIGIN,
        server: {
          next: (...behaviours) => void script.push(...behaviours),
          setDefault: (behaviour) => void (fallback = behaviour),
          setPong: (on) => fake.setAutoPong(on),
          dropAll: () => void fake.dropAll(),
          async restart({ downForMs }) {
            fake.restart({ downForMs });
          },
          get connections() {
            return fake.connections.map((connection) => {
              const view = views.get(connection) ?? serverView(connection);
              views.set(connection, view);
              return view;
            });
          },
          get received() {
            return fake.received.filter((data) => !isPing(data)).map(String);
          },
          get pings() {
            return fake.received.filter(isPing).length;
          },
        },
        connect(options: ClientOptions = {}): Client {
          const attemptTimes: number[] = [];
          const Counting = class extends fake.WebSocket {
            constructor(url: string | URL, protocols?: string | string[]) {
              attemptTimes.push(clock.now());
              super(url, protocols);
            }
          };
          const socket = createSocket(
            options.url ?? `${ORIGIN}/live`,
            compilePolicy({
              ...baseOptions(options),
              codes: AppCodes,
              WebSocket: Counting,
              clock,
              timers: clock,
            }) as never,
          );
          sockets.push(socket);
          return { socket, ...record(socket, clock.now), attempts: () => attemptTimes.length, attemptTimes };
        },
        now: clock.now,
        async until(predicate, what) {
          const deadline = clock.now() + VIRTUAL_BOUND_MS;
          await settle();
          while (!predicate()) {
            if (clock.now() > deadline || !clock.next()) throw new Error(`The fake clock ran out of timers before ${what} (at ${clock.now()} ms).`);
            await settle();
          }
        },
        async pass(ms) {
          await clock.advanceAsync(ms);
        },
        pendingTimers: clock.pending,
        expectDelay: (actualMs, ms) => expect(actualMs).toBe(ms),
        expectAtMost: (actualMs, ms) => expect(actualMs).toBeLessThanOrEqual(ms),
      };
    },
    async cleanup() {
      for (const socket of sockets.splice(0)) socket.dispose();
    },
  };
}
