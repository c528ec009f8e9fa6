// Second adversarial review of createSocketStore: random programs of socket
// events, network and page flips, and listeners that subscribe and unsubscribe
// while a change is being delivered. Each property is a promise of docs/ui-state.md.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineCloseCodes } from '../../src/codes';
import { createSocket, isSocketError } from '../../src/socket';
import { createSocketStore, type SocketSnapshot } from '../../src/store';
import { storeWorld } from './world';

const AppCodes = defineCloseCodes({ TokenExpired: 4001 });
const settle = () => Promise.resolve().then(() => undefined);

type Step =
  | { readonly op: 'advance'; readonly ms: number }
  | { readonly op: 'close'; readonly code: number }
  | { readonly op: 'drop' | 'refuseNext' | 'send' | 'stop' | 'reconnect' | 'subscribe' | 'net' | 'page' }
  | { readonly op: 'rejectNext'; readonly code: number }
  | { readonly op: 'unsubscribe' | 'churn'; readonly index: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('advance' as const), ms: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40_000 })) }),
  fc.record({ op: fc.constant('close' as const), code: fc.constantFrom(1000, 1001, 1008, 1011, 1012, 1013, 3000, 4001, 4100) }),
  fc.record({ op: fc.constant('rejectNext' as const), code: fc.constantFrom(1008, 4001, 4100) }),
  fc.record({ op: fc.constantFrom('drop', 'refuseNext', 'send', 'stop', 'reconnect', 'subscribe', 'net', 'page' as const) }),
  fc.record({ op: fc.constantFrom('unsubscribe', 'churn' as const), index: fc.nat(20) }),
);

describe('createSocketStore under random programs', () => {
  it('every listener ends each step holding the current snapshot, hears each change once, and the snapshot is what the socket says', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        const { clock, server, net, page, online, visibility } = storeWorld(AppCodes);
        const socket = createSocket('ws://app.test/live', { codes: AppCodes, WebSocket: server.WebSocket, clock, timers: clock, random: () => 0.5, online, pauseWhenOffline: true });
        const store = createSocketStore(socket, { clock, online, visibility });
        type Entry = { heard: SocketSnapshot[]; off: () => void; live: boolean };
        const entries: Entry[] = [];
        const subscribe = (during?: (entry: Entry) => void): Entry => {
          const entry: Entry = { heard: [], off: () => undefined, live: true };
          entries.push(entry);
          entry.off = store.subscribe((s) => {
            entry.heard.push(s);
            // Listeners that churn: during a delivery (not the first call) unsubscribe themselves and subscribe a new one.
            if (entry.heard.length > 1) during?.(entry);
          });
          return entry;
        };
        const unsubscribe = (entry: Entry | undefined) => {
          if (!entry?.live) return;
          entry.live = false;
          entry.off();
        };
        subscribe();
        for (const s of steps) {
          if (s.op === 'advance') clock.advance(s.ms);
          else if (s.op === 'close') server.closeAll(s.code, 'r');
          else if (s.op === 'drop') server.dropAll();
          else if (s.op === 'rejectNext') server.rejectNext(s.code, 'no');
          else if (s.op === 'refuseNext') server.refuseNext();
          else if (s.op === 'send') {
            if (socket.state !== 'stopped') socket.send('m');
          } else if (s.op === 'stop') socket.close();
          else if (s.op === 'reconnect') socket.reconnect();
          else if (s.op === 'subscribe') subscribe();
          else if (s.op === 'net') net.set(!net.get());
          else if (s.op === 'page') page.set(!page.get());
          else if (s.op === 'unsubscribe') unsubscribe(entries[s.index % entries.length]);
          else if (s.op === 'churn') {
            const other = s.index;
            subscribe((entry) => {
              unsubscribe(entry);
              subscribe();
              unsubscribe(entries[other % entries.length]);
            });
          }
          await settle();
          await settle();
          const current = store.getSnapshot();
          expect(store.getSnapshot()).toBe(current);
          expect(current).toMatchObject({ state: socket.state, attempt: socket.attempt, lastClose: socket.lastClose, queued: socket.queued, online: net.get(), visible: page.get() });
          if (current.retryAt !== undefined) expect(current.state).toBe('waiting');
          if (current.stopCause !== undefined) expect(current.state).toBe('stopped');
          for (const entry of entries) {
            if (entry.live) expect(entry.heard.at(-1)).toBe(current);
            for (let i = 1; i < entry.heard.length; i++) expect(entry.heard[i]).not.toBe(entry.heard[i - 1]);
          }
        }
        socket.dispose();
        clock.runAll();
        store.dispose();
      }),
      { seed: 20261128, numRuns: 300 },
    );
  });
});

describe('createSocketStore checks its arguments as createSocket does', () => {
  // The project's rule: bad input gets a typed error naming what was wrong (SocketError, code invalid-option, with the
  // option). A source of the wrong shape threw "isOnline is not a function" only once something subscribed, and a
  // misspelt option was ignored.
  const { clock, server } = storeWorld(AppCodes);
  const socket = createSocket('ws://app.test/live', { codes: AppCodes, WebSocket: server.WebSocket, clock, timers: clock, startClosed: true });

  it.each([
    ['socket', () => createSocketStore(null as never)],
    ['socket', () => createSocketStore({} as never)],
    ['options', () => createSocketStore(socket, 'online' as never)],
    ['online', () => createSocketStore(socket, { online: 5 } as never)],
    ['visibility', () => createSocketStore(socket, { visibility: { isVisible: () => true } } as never)],
    ['clock', () => createSocketStore(socket, { clock: 5 } as never)],
    ['onlnie', () => createSocketStore(socket, { onlnie: false } as never)],
  ])('%s', (option, call) => {
    let error: unknown;
    try {
      call();
    } catch (caught) {
      error = caught;
    }
    expect(isSocketError(error) && error.code === 'invalid-option' && error.option).toBe(option);
  });

  it('takes what the types take: Date as the clock, false for the sources', () => {
    expect(createSocketStore(socket, { clock: Date, online: false, visibility: false }).getSnapshot()).toMatchObject({ online: true, visible: true });
  });
});
