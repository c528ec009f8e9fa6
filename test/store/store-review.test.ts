// Adversarial review of createSocketStore: each test holds one promise of
// docs/ui-state.md that an edge case once broke.
import { describe, expect, it } from 'vitest';
import { defineCloseCodes } from '../../src/codes';
import { createSocket, type OnlineSource, type VisibilitySource } from '../../src/socket';
import { createSocketStore, type SocketSnapshot } from '../../src/store';
import { createFakeClock, createFakeServer } from '../../src/testing';
import { toggle } from '../support/toggle';

const AppCodes = defineCloseCodes({ TokenExpired: 4001 });

/** Lets the store's microtask run. */
const settle = () => Promise.resolve().then(() => undefined);

function setup() {
  const clock = createFakeClock();
  const server = createFakeServer({ clock, codes: AppCodes });
  const net = toggle(true);
  const page = toggle(true);
  const online: OnlineSource = { isOnline: net.get, subscribe: net.subscribe };
  const visibility: VisibilitySource = { isVisible: page.get, subscribe: page.subscribe };
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
