// Adversarial review of createSocketStore: each test holds one promise of
// docs/ui-state.md that an edge case once broke.
import { describe, expect, it } from 'vitest';
import { defineCloseCodes } from '../../src/codes';
import { createSocket } from '../../src/socket';
import { createSocketStore, type SocketSnapshot } from '../../src/store';
import { createFakeClock, createFakeServer } from '../../src/testing';
import { storeWorld } from './world';

const AppCodes = defineCloseCodes({ TokenExpired: 4001 });

/** Lets the store's microtask run. */
const settle = () => Promise.resolve().then(() => undefined);

function setup() {
  const { clock, server, net, page, online, visibility } = storeWorld(AppCodes);
  const socket = createSocket('ws://app.test/live', { codes: AppCodes, WebSocket: server.WebSocket, clock, timers: clock, random: () => 0.5, online });
  const store = createSocketStore(socket, { clock, online, visibility });
  return { clock, server, socket, store, net, page };
}

describe('subscribe', () => {
  // ui-state.md: subscribe calls the listener at once and "returns the function that unsubscribes". When that first
  // call throws, subscribe throws and the app never gets the function: nothing may stay subscribed.
  it('a listener that throws when subscribe calls it is not left subscribed', async () => {
    const { clock, store, net, page } = setup();
    const heard: string[] = [];
    expect(() =>
      store.subscribe((s) => {
        heard.push(s.state);
        throw new Error('first render failed');
      }),
    ).toThrow('first render failed');
    expect(net.listeners.size + page.listeners.size).toBe(1); // the socket's own network listener only
    clock.advance(0);
    await settle();
    expect(heard).toEqual(['idle']);
  });
});

describe('deliveries under bursts and re-entrant calls (held)', () => {
  it('a listener that unsubscribes another during a delivery: that one hears nothing more, at once', async () => {
    const { clock, store } = setup();
    const heard: string[] = [];
    let offOther: () => void = () => undefined;
    store.subscribe((s) => {
      if (s.state !== 'idle') offOther();
    });
    offOther = store.subscribe((s) => heard.push(s.state));
    clock.advance(0);
    await settle();
    expect(heard).toEqual(['idle']);
  });

  it('a listener that unsubscribes itself and subscribes a new one: the new one hears the current snapshot once, at once', async () => {
    const { clock, store } = setup();
    const fresh: string[] = [];
    const off = store.subscribe((s) => {
      if (s.state === 'idle') return;
      off();
      store.subscribe((next) => fresh.push(next.state));
    });
    clock.advance(0);
    await settle();
    await settle();
    expect(fresh).toEqual(['open']);
  });

  it('100 sends while offline and a network flap in one step are one notification', async () => {
    const { store, socket, net } = setup();
    const seen: SocketSnapshot[] = [];
    store.subscribe((s) => seen.push(s));
    net.set(false);
    for (let i = 0; i < 100; i++) socket.send(`m${i}`);
    net.set(true);
    net.set(false);
    await settle();
    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatchObject({ queued: 100, online: false });
    expect(store.getSnapshot()).toBe(seen[1]);
  });
});

// ui-state.md: "The store follows the socket's events from its creation (those listeners go when the socket is disposed)".
describe('a store made after its socket was disposed', () => {
  it('leaves no listener on the socket, and shows it stopped', () => {
    const clock = createFakeClock();
    const server = createFakeServer({ clock });
    const socket = createSocket('ws://app.test/live', { WebSocket: server.WebSocket, clock, timers: clock });
    clock.advance(0);
    socket.dispose();
    clock.runAll();
    const store = createSocketStore(socket, { clock, online: false, visibility: false });
    expect(store.getSnapshot().state).toBe('stopped');
    expect(socket.eventNames()).toEqual([]);
    // on/once/subscribe after dispose() add nothing; the unsubscribe function still works.
    socket.on('open', () => {});
    socket.once('close', () => {});
    socket.subscribe('state', () => {})();
    expect(socket.eventNames()).toEqual([]);
  });
});
