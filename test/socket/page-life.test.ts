// The page's life with injected sources and the fake clock: the back/forward
// cache (pagehide/pageshow with persisted), Page Lifecycle freeze/resume, the
// wake-up detector (a timer that fires late), and the quick retries after the
// network or the page comes back. docs/lifecycle.md is the table these pin.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isSocketError } from '../../src/socket';
import type { WithPolicyOptions } from '../support/policy';
import { createSocket, type OnlineSource, type PageEvent, type PageSource, type SocketOptions } from '../../src/socket';
import { BFCACHE_REASON } from '../../src/socket/machine';
import { browserPageSource } from '../../src/socket/page';
import { createFakeServer } from '../../src/testing';
import { setup, type Harness } from './harness';
import { toggle } from '../support/toggle';

/** An injectable page: `fire` plays a browser event to every subscriber. */
function fakePage() {
  const listeners = new Set<(event: PageEvent) => void>();
  const source: PageSource = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    source,
    listeners,
    fire(event: PageEvent) {
      for (const l of [...listeners]) l(event);
    },
    hide: () => ({ type: 'pagehide', persisted: true }) as const,
    show: () => ({ type: 'pageshow', persisted: true }) as const,
  };
}

/** A socket whose clock can jump: `sleep(ms)` moves `now()` on without running timers, as a machine that slept. */
function wired(options: WithPolicyOptions<SocketOptions>) {
  let skewMs = 0;
  let ref: Harness | undefined;
  ref = setup({ ...options, clock: { now: () => (ref?.clock.now() ?? 0) + skewMs } } as never);
  return { h: ref, sleep: (ms: number) => (skewMs += ms) };
}

const fixed = { backoff: { initialMs: 10_000, jitter: 'none' as const } };

describe('back/forward cache', () => {
  it('pagehide (persisted) closes cleanly without ending the run, keeps the queue, and pageshow reconnects at once', () => {
    const page = fakePage();
    const h = setup({ lifecycle: { page: page.source } });
    h.clock.advance(0);
    h.socket.send('a');
    h.socket.send('b');
    const first = h.server.connections[0];
    expect(first?.received).toEqual(['a', 'b']);

    page.fire(page.hide());
    expect(h.socket.state).toBe('suspended');
    // A clean close from the client with 1000 and a reason saying why: the server can tell it apart from a drop.
    h.clock.advance(0);
    expect(first).toMatchObject({ state: 'closed', closedBy: 'client', closeCode: 1000, closeReason: BFCACHE_REASON });
    // Written but unconfirmed: back in the queue, in order.
    expect(h.socket.queued).toBe(2);
    h.socket.send('c');
    expect(h.socket.queued).toBe(3);
    // Nothing happens while the page is in the cache.
    h.clock.advance(60_000);
    expect(h.server.attempts).toBe(1);
    expect(h.of('stopped')).toEqual([]);
    expect(h.of('close')).toEqual([]);

    page.fire(page.show());
    expect(h.socket.state).toBe('connecting');
    h.clock.advance(0);
    expect(h.socket.state).toBe('open');
    expect(h.server.attempts).toBe(2);
    expect(h.server.connections[1]?.received).toEqual(['a', 'b', 'c']);
    h.socket.send('d');
    expect(h.server.connections[1]?.received).toEqual(['a', 'b', 'c', 'd']);
    expect(h.names().filter((n) => n.startsWith('state:'))).toEqual(['state:connecting', 'state:open', 'state:suspended', 'state:connecting', 'state:open']);
    expect(h.of('stopped')).toEqual([]);
  });

  it('a connection open confirmAfterMs or longer is confirmed at pagehide: what was written on it is not sent again', () => {
    const page = fakePage();
    const h = setup({ lifecycle: { page: page.source } });
    h.clock.advance(0);
    h.socket.send('m1');
    // Open 5 s with nothing from the server: confirmed by the default window (1 s), as docs/socket.md defines it.
    h.clock.advance(5_000);
    page.fire(page.hide());
    h.clock.advance(0);
    expect(h.socket.queued).toBe(0);
    page.fire(page.show());
    h.clock.advance(0);
    expect(h.server.connections[0]?.received).toEqual(['m1']);
    expect(h.server.connections[1]?.received).toEqual([]);
  });

  it('uses the configured close code, and resets the counters on pageshow', () => {
    const page = fakePage();
    const h = setup({ lifecycle: { page: page.source, closeCode: 4100 }, policy: fixed });
    h.clock.advance(0);
    h.server.refuseNext();
    h.server.dropAll();
    h.clock.advance(20_000);
    expect(h.socket.attempt).toBe(2);
    page.fire(page.hide());
    expect(h.socket.state).toBe('suspended');
    page.fire(page.show());
    h.clock.advance(0);
    expect(h.socket.state).toBe('open');
    expect(h.of('open').at(-1)).toEqual({ attempt: 0, protocol: '' });
    expect(h.socket.attempt).toBe(0);

    page.fire(page.hide());
    h.clock.advance(0);
    expect(h.server.lastConnection).toMatchObject({ closedBy: 'client', closeCode: 4100, closeReason: BFCACHE_REASON });
  });

  it('hands back what was in flight in ack mode', () => {
    const page = fakePage();
    const h = setup({ lifecycle: { page: page.source }, queue: { ack: { idOf: (d) => d, acked: (d) => (typeof d === 'string' ? d.replace('ack:', '') : undefined) } } });
    h.clock.advance(0);
    h.socket.send('1');
    h.socket.send('2');
    h.server.lastConnection?.send('ack:1');
    h.clock.advance(0);
    page.fire(page.hide());
    expect(h.socket.queued).toBe(1);
    page.fire(page.show());
    h.clock.advance(0);
    expect(h.server.connections[1]?.received).toEqual(['2']);
  });

  it('ignores a pagehide that is not persisted (the page is unloading), and pageshow when not suspended', () => {
    const page = fakePage();
    const h = setup({ lifecycle: { page: page.source } });
    h.clock.advance(0);
    page.fire({ type: 'pagehide', persisted: false });
    page.fire(page.show());
    expect(h.socket.state).toBe('open');
    expect(h.server.attempts).toBe(1);
  });

  it('a close() while suspended stops the run, once, with cause client; one during the closing handshake ends it', () => {
    const page = fakePage();
    const h = setup({ lifecycle: { page: page.source } });
    h.clock.advance(0);
    page.fire(page.hide());
    h.socket.close();
    expect(h.of('stopped')).toMatchObject([{ cause: 'client' }]);

    const g = setup({ lifecycle: { page: page.source } });
    g.clock.advance(0);
    g.socket.close();
    expect(g.socket.state).toBe('closing');
    page.fire(page.hide());
    expect(g.socket.state).toBe('stopped');
    expect(g.of('stopped')).toMatchObject([{ cause: 'client' }]);
  });

  it('backForwardCache: false (or lifecycle: false) leaves the connection open through pagehide', () => {
    for (const lifecycle of [{ backForwardCache: false }, false] as const) {
      const page = fakePage();
      const h = setup({ lifecycle: lifecycle === false ? false : { ...lifecycle, page: page.source } });
      h.clock.advance(0);
      page.fire(page.hide());
      expect(h.socket.state).toBe('open');
      expect(h.server.lastConnection?.state).toBe('open');
      expect(page.listeners.size).toBe(lifecycle === false ? 0 : 1);
    }
  });

  it('dispose() unsubscribes from the page', () => {
    const page = fakePage();
    const h = setup({ lifecycle: { page: page.source } });
    expect(page.listeners.size).toBe(1);
    h.socket.dispose();
    expect(page.listeners.size).toBe(0);
  });
});

describe('freeze and resume', () => {
  it('with a heartbeat, resume probes at once instead of waiting for the interval', () => {
    const page = fakePage();
    const h = setup({ lifecycle: { page: page.source }, heartbeat: { intervalMs: 60_000, timeoutMs: 1000 } });
    h.clock.advance(0);
    page.fire({ type: 'freeze' });
    h.clock.advance(10);
    page.fire({ type: 'resume' });
    expect(h.server.received).toEqual(['ping']);
    // No answer: dead within timeoutMs, handled as a 1006 on an opened connection.
    h.clock.advance(1000);
    expect(h.of('close')[0]?.result).toMatchObject({ code: 1006, reason: 'heartbeat timeout', opened: true });
    expect(h.socket.state).toBe('waiting');
  });

  it('with a heartbeat that is answered, the connection stays', () => {
    const page = fakePage();
    const h = setup({ lifecycle: { page: page.source }, heartbeat: { intervalMs: 60_000, timeoutMs: 1000 } });
    h.server.setAutoPong(true);
    h.clock.advance(0);
    page.fire({ type: 'freeze' });
    page.fire({ type: 'resume' });
    h.clock.advance(5000);
    expect(h.server.received).toEqual(['ping']);
    expect(h.socket.state).toBe('open');
    expect(h.server.attempts).toBe(1);
  });

  it('without a heartbeat, a short freeze is trusted and a long one replaces the connection (cleanly, queue kept)', () => {
    const page = fakePage();
    const h = setup({ lifecycle: { page: page.source } });
    h.clock.advance(0);
    page.fire({ type: 'freeze' });
    h.clock.advance(9_999);
    page.fire({ type: 'resume' });
    expect(h.server.attempts).toBe(1);

    page.fire({ type: 'freeze' });
    h.socket.send('x');
    h.clock.advance(10_000);
    page.fire({ type: 'resume' });
    h.clock.advance(0);
    expect(h.server.attempts).toBe(2);
    expect(h.server.connections[0]).toMatchObject({ closedBy: 'client', closeCode: 1000 });
    expect(h.socket.state).toBe('open');
    expect(h.of('stopped')).toEqual([]);
  });

  it('resume while waiting tries at once; checkOnResume: false does nothing', () => {
    for (const checkOnResume of [true, false]) {
      const page = fakePage();
      const h = setup({ lifecycle: { page: page.source, checkOnResume }, policy: fixed });
      h.clock.advance(0);
      h.server.dropAll();
      h.clock.advance(0);
      expect(h.socket.state).toBe('waiting');
      page.fire({ type: 'freeze' });
      page.fire({ type: 'resume' });
      h.clock.advance(0);
      expect(h.server.attempts).toBe(checkOnResume ? 2 : 1);
    }
  });
});

describe('wake-up detector', () => {
  it('a timer that fires late means the machine slept: the connection is replaced (no heartbeat)', () => {
    const { h, sleep } = wired({ lifecycle: { wakeDriftMs: 10_000 } });
    h.clock.advance(0);
    h.clock.advance(60_000);
    expect(h.server.attempts).toBe(1);
    sleep(3_600_000);
    h.clock.advance(5000);
    h.clock.advance(0);
    expect(h.server.attempts).toBe(2);
    expect(h.socket.state).toBe('open');
    expect(h.of('stopped')).toEqual([]);
  });

  it('with a heartbeat, a wake probes', () => {
    const { h, sleep } = wired({ lifecycle: { wakeDriftMs: 10_000 }, heartbeat: { intervalMs: 600_000, timeoutMs: 1000 } });
    h.clock.advance(0);
    sleep(60_000);
    h.clock.advance(5000);
    expect(h.server.received).toEqual(['ping']);
    h.clock.advance(1000);
    expect(h.of('close')[0]?.result).toMatchObject({ code: 1006, reason: 'heartbeat timeout' });
  });

  it('a wake while waiting tries at once; drift is not counted while hidden; wakeDriftMs: false turns it off', () => {
    const { h, sleep } = wired({ lifecycle: { wakeDriftMs: 10_000 }, policy: { backoff: { initialMs: 600_000, maxMs: 600_000, jitter: 'none' } } });
    h.clock.advance(0);
    h.server.dropAll();
    h.clock.advance(0);
    sleep(60_000);
    h.clock.advance(5000);
    expect(h.server.attempts).toBe(2);

    const page = toggle(false);
    const hidden = wired({ lifecycle: { wakeDriftMs: 10_000 }, visibility: { isVisible: page.get, subscribe: page.subscribe } });
    hidden.h.clock.advance(0);
    hidden.sleep(60_000);
    hidden.h.clock.advance(5000);
    expect(hidden.h.server.attempts).toBe(1);

    const off = wired({ lifecycle: { wakeDriftMs: false } });
    off.h.clock.advance(0);
    off.sleep(60_000);
    off.h.clock.advance(5000);
    expect(off.h.server.attempts).toBe(1);
  });

  it('is off by default outside a browser, and dispose() stops it', () => {
    const h = setup();
    h.clock.advance(0);
    expect(h.clock.next()).toBe(false);
    const { h: on } = wired({ lifecycle: { wakeDriftMs: 10_000 } });
    on.clock.advance(0);
    // Running: a check timer is always pending.
    expect(on.clock.advance(60_000)).toBeGreaterThan(5);
    on.socket.dispose();
    // What the fake server still has to deliver of the close, then nothing: the detector stopped.
    expect(on.clock.runAll(100)).toBeLessThan(100);
    expect(on.clock.next()).toBe(false);
  });
});

describe('network and visibility', () => {
  const onlineSource = (t: ReturnType<typeof toggle>): OnlineSource => ({ isOnline: t.get, subscribe: t.subscribe });

  it('an online that comes before the network works does not burn the attempt budget: a few quick, jittered retries, not counted', () => {
    const net = toggle(true);
    const h = setup({ pauseWhenOffline: true, online: onlineSource(net), policy: { ...fixed, maxAttempts: 2 } });
    h.clock.advance(0);
    net.set(false);
    h.server.dropAll();
    h.clock.advance(0);
    expect(h.socket.attempt).toBe(1);
    // The network is not back yet when `online` fires: the first three refusals are quick retries.
    h.server.refuseNext().refuseNext().refuseNext();
    net.set(true);
    h.clock.advance(0);
    const quick = h.of('reconnecting').slice(1);
    // Backoff reset, a jittered 250–1000 ms (random 0.5 here), the attempt number not moving.
    expect(quick).toEqual([{ attempt: 0, delayMs: 625, result: expect.objectContaining({ code: 1006, opened: false }) }]);
    h.clock.advance(625);
    h.clock.advance(625);
    expect(h.server.attempts).toBe(4);
    h.clock.advance(625);
    expect(h.server.attempts).toBe(5);
    expect(h.socket.state).toBe('open');
    expect(h.of('open').at(-1)).toEqual({ attempt: 0, protocol: '' });
    expect(h.of('stopped')).toEqual([]);
  });

  it('quick retries are bounded: after them the policy counts again (and quickRetries: 0 counts every attempt)', () => {
    for (const quickRetries of [3, 0]) {
      const net = toggle(false);
      const h = setup({ pauseWhenOffline: true, online: onlineSource(net), lifecycle: { quickRetries }, policy: { ...fixed, maxAttempts: 2 } });
      h.server.setDefault('refuse');
      h.clock.advance(0);
      net.set(true);
      h.clock.advance(120_000);
      expect(h.of('stopped')).toMatchObject([{ cause: 'max-attempts' }]);
      expect(h.server.attempts).toBe(2 + quickRetries);
    }
  });

  it('never spends an attempt while hidden with pauseWhenHidden, whatever wakes it', () => {
    const visible = toggle(true);
    const page = fakePage();
    const { h, sleep } = wired({
      pauseWhenHidden: true,
      visibility: { isVisible: visible.get, subscribe: visible.subscribe },
      lifecycle: { page: page.source, wakeDriftMs: 10_000 },
      policy: { ...fixed, maxAttempts: 3 },
    });
    h.clock.advance(0);
    visible.set(false);
    h.server.setDefault('refuse');
    h.server.dropAll();
    h.clock.advance(600_000);
    page.fire({ type: 'freeze' });
    page.fire({ type: 'resume' });
    sleep(60_000);
    h.clock.advance(600_000);
    expect(h.server.attempts).toBe(1);
    expect(h.socket.state).toBe('waiting');
    expect(h.of('stopped')).toEqual([]);
  });
});

describe('lifecycle options are checked', () => {
  const { WebSocket } = createFakeServer();
  it.each([
    ['lifecycle', { lifecycle: 'on' }],
    ['lifecycle.closeCode', { lifecycle: { closeCode: 1001 } }],
    ['lifecycle.closeCode', { lifecycle: { closeCode: 5000 } }],
    ['lifecycle.backForwardCache', { lifecycle: { backForwardCache: 'yes' } }],
    ['lifecycle.wakeDriftMs', { lifecycle: { wakeDriftMs: 0 } }],
    ['lifecycle.quickRetries', { lifecycle: { quickRetries: -1 } }],
    ['lifecycle.page', { lifecycle: { page: {} } }],
    ['lifecycle.frozen', { lifecycle: { frozen: true } }],
  ])('%s', (option, options) => {
    let error: unknown;
    try {
      createSocket('ws://x.test', { WebSocket, startClosed: true, ...(options as SocketOptions) });
    } catch (e) {
      error = e;
    }
    expect(isSocketError(error) && error.code === 'invalid-option' && error.option).toBe(option);
  });
});

describe('the browser page source', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('maps pagehide/pageshow (with persisted) on the window and freeze/resume on the document, and unsubscribes', () => {
    const win = new EventTarget();
    const doc = new EventTarget();
    vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
    vi.stubGlobal('removeEventListener', win.removeEventListener.bind(win));
    vi.stubGlobal('document', doc);
    const source = browserPageSource();
    expect(source).toBeDefined();
    const seen: PageEvent[] = [];
    const off = source?.subscribe((event) => seen.push(event));
    const transition = (type: string, persisted: boolean): Event => Object.assign(new Event(type), { persisted });
    win.dispatchEvent(transition('pagehide', true));
    win.dispatchEvent(transition('pageshow', false));
    doc.dispatchEvent(new Event('freeze'));
    doc.dispatchEvent(new Event('resume'));
    expect(seen).toEqual([{ type: 'pagehide', persisted: true }, { type: 'pageshow', persisted: false }, { type: 'freeze' }, { type: 'resume' }]);
    off?.();
    win.dispatchEvent(transition('pagehide', true));
    doc.dispatchEvent(new Event('freeze'));
    expect(seen).toHaveLength(4);
  });

  it('is undefined without a page (Node)', () => {
    expect(browserPageSource()).toBeUndefined();
  });
});
