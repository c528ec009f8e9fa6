// createSocketStore over a socket driven by closekit/testing's fake clock and
// fake server: snapshot stability, one notification per change, unsubscribe,
// and nothing left behind after dispose.
import { describe, expect, it } from 'vitest';
import { defineCloseCodes } from '../../src/codes';
import { createSocket, type SocketOptions } from '../../src/socket';
import { compilePolicy, type WithPolicyOptions } from '../support/policy';
import { createSocketStore, type SocketSnapshot, type SocketStoreOptions } from '../../src/store';
import { createFakeClock, createFakeServer } from '../../src/testing';
import { storeWorld } from './world';

const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003 });
type Names = keyof typeof AppCodes.codes & string;

/** Lets the store's microtask run. */
const settle = () => Promise.resolve().then(() => undefined);

function setup(options: WithPolicyOptions<Omit<SocketOptions<typeof AppCodes.codes>, 'codes'>> = {}, storeOptions: SocketStoreOptions = {}) {
  const { clock, server, net, page, online, visibility } = storeWorld(AppCodes);
  const socket = createSocket(
    'ws://app.test/live',
    compilePolicy({
      codes: AppCodes,
      WebSocket: server.WebSocket,
      clock,
      timers: clock,
      random: () => 0.5,
      pauseWhenOffline: true,
      online,
      policy: { backoff: { initialMs: 1000, jitter: 'none' }, rules: { TokenExpired: 'stop' } },
      ...options,
    }) as SocketOptions<typeof AppCodes.codes>,
  );
  const store = createSocketStore(socket, { clock, online, visibility, ...storeOptions });
  const seen: SocketSnapshot<Names>[] = [];
  const off = store.subscribe((snapshot) => seen.push(snapshot));
  return { clock, server, socket, store, seen, off, net, page };
}

describe('createSocketStore', () => {
  it('calls a new listener at once with the current snapshot (the Svelte store contract)', () => {
    const { seen, store } = setup();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(store.getSnapshot());
    expect(seen[0]).toMatchObject({ state: 'idle', attempt: 0, queued: 0, online: true, visible: true, lastClose: undefined });
  });

  it('returns the same frozen object until something changes', async () => {
    const { clock, store } = setup();
    const first = store.getSnapshot();
    expect(store.getSnapshot()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    clock.advance(0);
    await settle();
    const open = store.getSnapshot();
    expect(open).not.toBe(first);
    expect(open.state).toBe('open');
    expect(store.getSnapshot()).toBe(open);
  });

  it('works with its functions detached from the store (useSyncExternalStore passes them alone)', () => {
    const { store } = setup();
    const { getSnapshot, subscribe } = store;
    const calls: unknown[] = [];
    const off = subscribe((s) => calls.push(s));
    expect(calls).toEqual([getSnapshot()]);
    off();
  });

  it('a rejection is one notification with the typed name, its describe() text, the retry time and the attempt', async () => {
    const { clock, server, seen, store } = setup({ policy: { backoff: { initialMs: 1000, jitter: 'none' } } });
    clock.advance(0);
    await settle();
    expect(seen.map((s) => s.state)).toEqual(['idle', 'open']);
    clock.advance(500);
    server.closeAll(4003, 'banned');
    clock.advance(0);
    await settle();
    expect(seen).toHaveLength(3);
    const s = seen[2]!;
    expect(s).toBe(store.getSnapshot());
    expect(s).toMatchObject({ state: 'waiting', attempt: 1, retryAt: 1500, retryDelayMs: 1000, stopCause: undefined });
    expect(s.lastClose?.name).toBe('AccessDenied');
    expect(s.lastCloseText).toBe('The server closed the connection with application code 4003 AccessDenied: "banned".');
    clock.advance(1000);
    await settle();
    expect(seen.at(-1)).toMatchObject({ state: 'open', retryAt: undefined, retryDelayMs: undefined, attempt: 1 });
  });

  it('a stop carries its cause while stopped, and loses it on reconnect()', async () => {
    const { clock, server, seen, socket } = setup();
    server.rejectNext('TokenExpired');
    clock.advance(0);
    await settle();
    expect(seen.at(-1)).toMatchObject({ state: 'stopped', stopCause: 'policy', retryAt: undefined });
    expect(seen.at(-1)?.lastClose?.name).toBe('TokenExpired');
    socket.reconnect();
    await settle();
    expect(seen.at(-1)).toMatchObject({ state: 'connecting', stopCause: undefined });
  });

  it('never shows a stale retry time: a wait after a token refresh has none', async () => {
    const { clock, server, seen } = setup({
      auth: { refresh: () => undefined },
      policy: { backoff: { initialMs: 1000, jitter: 'none' }, rules: { TokenExpired: { action: 'reauth', delayMs: 300 } } },
    });
    server.acceptNext().rejectNext('TokenExpired');
    clock.advance(0);
    server.closeAll(1012);
    clock.advance(0);
    await settle();
    expect(seen.at(-1)).toMatchObject({ state: 'waiting', retryAt: 1000, retryDelayMs: 1000 });
    await clock.advanceAsync(1000);
    await settle();
    expect(seen.map((s) => s.state)).toContain('reauthenticating');
    expect(seen.at(-1)).toMatchObject({ state: 'waiting', retryAt: undefined, retryDelayMs: undefined });
    await clock.advanceAsync(300);
    await settle();
    expect(seen.at(-1)?.state).toBe('open');
  });

  it('counts queued messages: one notification for a burst of sends, none for sends while open', async () => {
    const { clock, socket, seen, store } = setup({ startClosed: true });
    for (let i = 0; i < 5; i++) socket.send(`m${i}`);
    expect(store.getSnapshot().queued).toBe(5);
    await settle();
    expect(seen.map((s) => s.queued)).toEqual([0, 5]);
    socket.reconnect();
    clock.advance(0);
    await settle();
    expect(seen.at(-1)).toMatchObject({ state: 'open', queued: 0 });
    const before = seen.length;
    for (let i = 0; i < 100; i++) socket.send('live');
    await settle();
    expect(seen).toHaveLength(before);
  });

  it('no update storm: a busy message stream and repeated equal source values notify nothing', async () => {
    const { clock, server, seen, net, page } = setup();
    clock.advance(0);
    await settle();
    const before = seen.length;
    for (let i = 0; i < 200; i++) server.send(`tick ${i}`);
    clock.advance(0);
    net.set(true);
    page.set(true);
    await settle();
    expect(seen).toHaveLength(before);
  });

  it('follows the network and visibility sources, including while the socket is open', async () => {
    const { clock, seen, net, page } = setup();
    clock.advance(0);
    await settle();
    net.set(false);
    await settle();
    expect(seen.at(-1)).toMatchObject({ state: 'open', online: false });
    page.set(false);
    await settle();
    expect(seen.at(-1)).toMatchObject({ online: false, visible: false });
    net.set(true);
    page.set(true);
    await settle();
    expect(seen.at(-1)).toMatchObject({ online: true, visible: true });
    expect(seen.map((s) => `${s.online}/${s.visible}`)).toEqual(['true/true', 'true/true', 'false/true', 'false/false', 'true/true']);
  });

  it('listens to the sources only while it has subscribers', () => {
    const { net, page, off, store } = setup();
    expect(net.listeners.size).toBe(2); // the socket's and the store's
    expect(page.listeners.size).toBe(1);
    const second = store.subscribe(() => {});
    expect(net.listeners.size).toBe(2);
    off();
    expect(page.listeners.size).toBe(1);
    second();
    expect(net.listeners.size).toBe(1);
    expect(page.listeners.size).toBe(0);
  });

  it('an unsubscribed listener hears nothing more; others still do, once each', async () => {
    const { clock, store, seen, off } = setup();
    const other: SocketSnapshot[] = [];
    store.subscribe((s) => other.push(s));
    off();
    clock.advance(0);
    await settle();
    expect(seen).toHaveLength(1);
    expect(other.map((s) => s.state)).toEqual(['idle', 'open']);
  });

  it('a listener that throws does not starve the others', async () => {
    const { clock, store } = setup();
    const heard: string[] = [];
    store.subscribe((s) => {
      if (s.state === 'open') throw new Error('render failed');
    });
    store.subscribe((s) => heard.push(s.state));
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on('uncaughtException', onError);
    try {
      clock.advance(0);
      await settle();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(heard).toEqual(['idle', 'open']);
    expect(errors).toEqual([new Error('render failed')]);
  });

  it('rejects a listener that is not a function', () => {
    const { store } = setup();
    expect(() => store.subscribe(42 as never)).toThrow(/listener must be a function, got number/);
  });

  it('after store.dispose(): no listeners on the socket or sources, no notification, a fixed snapshot', async () => {
    const { clock, socket, store, seen, net, page } = setup();
    store.dispose();
    store.dispose();
    expect(socket.eventNames()).toEqual([]);
    expect(net.listeners.size).toBe(1); // the socket's own
    expect(page.listeners.size).toBe(0);
    const last = store.getSnapshot();
    clock.advance(0);
    await settle();
    expect(seen).toHaveLength(1);
    expect(store.getSnapshot()).toBe(last);
    socket.dispose();
    // What is left is the fake server delivering the close the dispose started.
    clock.runAll();
    expect(clock.pending()).toBe(0);
    expect(seen).toHaveLength(1);
  });

  it('after socket.dispose(): the store reports the stop once, and holds nothing of the socket', async () => {
    const { clock, server, socket, store, seen, off, net, page } = setup();
    clock.advance(0);
    await settle();
    socket.dispose();
    await settle();
    expect(seen.at(-1)).toMatchObject({ state: 'stopped', stopCause: 'client' });
    expect(seen.filter((s) => s.state === 'stopped')).toHaveLength(1);
    expect(socket.eventNames()).toEqual([]);
    off();
    expect(net.listeners.size + page.listeners.size).toBe(0);
    clock.runAll();
    expect(server.openConnections).toHaveLength(0);
    expect(clock.pending()).toBe(0);
    expect(store.getSnapshot()).toBe(seen.at(-1));
  });

  it('defaults to always online and visible where there is no browser', () => {
    const clock = createFakeClock();
    const server = createFakeServer({ clock });
    const socket = createSocket('ws://app.test/live', { WebSocket: server.WebSocket, clock, timers: clock, startClosed: true });
    const store = createSocketStore(socket);
    expect(store.getSnapshot()).toMatchObject({ online: true, visible: true, state: 'idle' });
    socket.dispose();
  });
});

describe("ManagedSocket's queued getter and event (what the store reads)", () => {
  it('report each message send() queues, and the getter follows flush, overflow and stop', () => {
    const { clock, socket } = setup({ startClosed: true, queue: { max: 2, overflow: 'drop-oldest' } });
    const counts: number[] = [];
    socket.on('queued', ({ count }) => counts.push(count));
    socket.send('a');
    socket.send('b');
    socket.send('c');
    expect(counts).toEqual([1, 2, 2]);
    expect(socket.queued).toBe(2);
    socket.reconnect();
    clock.advance(0);
    expect(socket.queued).toBe(0);
    socket.close();
    clock.runAll();
    expect(socket.queued).toBe(0);
    expect(counts).toEqual([1, 2, 2]);
  });
});
