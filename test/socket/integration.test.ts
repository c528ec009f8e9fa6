// Issue #4's scenarios against a real `ws` server on 127.0.0.1, once with
// undici's WebSocket (Node's) and once with the `ws` client.
import { WebSocket as UndiciWebSocket } from 'undici';
import WsWebSocket from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineCloseCodes } from '../../src/codes';
import type { TimerHandle, Timers } from '../../src/environment';
import { isCloseCodeError } from '../../src/errors';
import { createSocket, type ManagedSocket, type SocketEvents, type SocketOptions, type UrlSource, type WebSocketClass } from '../../src/socket';
import { sleep, startTestServer, until, type Behaviour, type TestServer, type TestServerOptions } from '../support/ws-server';

const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003 });
type Names = keyof typeof AppCodes.codes & string;
type Options = SocketOptions<typeof AppCodes.codes>;

/** Real timers that know which are still pending. */
function trackedTimers(): Timers & { pending(): number } {
  const live = new Set<TimerHandle>();
  return {
    setTimeout(callback, delayMs) {
      const handle = setTimeout(() => {
        live.delete(handle);
        callback();
      }, delayMs);
      live.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      live.delete(handle);
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
    pending: () => live.size,
  };
}

const clients: [string, WebSocketClass][] = [
  ['undici', UndiciWebSocket],
  ['ws', WsWebSocket],
];

describe.each(clients)('against a real ws server, with the %s client', (_name, Client) => {
  let server: TestServer | undefined;
  const sockets: ManagedSocket<Names>[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.dispose();
    await server?.close();
    server = undefined;
  });

  /** Counts `new WebSocket()` on the client side (undici sends a refused upgrade twice). */
  function counted(): { Ctor: WebSocketClass; count: () => number } {
    let n = 0;
    const Base = Client as unknown as new (url: string, protocols?: string | string[]) => object;
    const Ctor = class extends Base {
      constructor(url: string, protocols?: string | string[]) {
        n++;
        super(url, protocols);
      }
    } as unknown as WebSocketClass;
    return { Ctor, count: () => n };
  }

  type StartOptions = Partial<Options> & { readonly url?: UrlSource; readonly server?: TestServerOptions; readonly script?: Behaviour[] };

  /** Starts a scripted server and a socket on it, recording the socket's events. */
  async function start(options: StartOptions = {}) {
    const { url, server: serverOptions, script = [], ...rest } = options;
    const s = await startTestServer(serverOptions);
    server = s;
    s.next(...script);
    const socket = createSocket(url ?? `${s.url}/live`, {
      codes: AppCodes,
      WebSocket: Client,
      connectTimeoutMs: 2000,
      policy: { backoff: { initialMs: 20, maxMs: 200 } },
      ...rest,
    } as Options);
    sockets.push(socket);
    const events: { event: keyof SocketEvents; payload: unknown; at: number }[] = [];
    const names: (keyof SocketEvents)[] = ['open', 'message', 'close', 'rejected', 'reconnecting', 'reauth', 'stopped', 'dropped', 'error'];
    for (const event of names) socket.on(event, (payload: unknown) => events.push({ event, payload, at: Date.now() }));
    const of = <E extends keyof SocketEvents>(event: E) =>
      events.filter((e) => e.event === event).map((e) => e.payload) as Parameters<SocketEvents<Names>[E]>[0][];
    return { server: s, socket, events, of };
  }

  it('1. 4001 (rule reauth): rejected TokenExpired, reauth, refresh once, url function again, open again', async () => {
    let token = 'old';
    const url = vi.fn(() => `${server?.url}/live?token=${token}`);
    const refresh = vi.fn(async () => {
      token = 'new';
    });
    const { server: s, socket, of } = await start({
      url,
      script: [{ close: 4001, reason: 'token expired' }],
      policy: { rules: { TokenExpired: 'reauth' }, backoff: { initialMs: 20 } },
      auth: { refresh },
    });
    await until(() => of('open').length === 2, 5000, 'the second open');
    const [rejected] = of('rejected');
    expect(rejected).toMatchObject({ kind: 'application', name: 'TokenExpired', code: 4001, reason: 'token expired', opened: true });
    if (rejected?.kind === 'application') {
      // typed from the app's codes
      const name: 'TokenExpired' | 'AccessDenied' | undefined = rejected.name;
      expect(name).toBe('TokenExpired');
    }
    expect(of('reauth')).toMatchObject([{ attempt: 1 }]);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(url).toHaveBeenCalledTimes(2);
    expect(s.requestUrls).toEqual(['/live?token=old', '/live?token=new']);
    expect(socket.state).toBe('open');
  });

  it('2. 4003 (rule stop): rejected, stopped with cause policy, no further attempt within 2 s', async () => {
    const { server: s, of } = await start({ script: [{ close: 4003, reason: 'not yours' }], policy: { rules: { AccessDenied: 'stop' } } });
    await until(() => of('stopped').length === 1, 5000, 'stopped');
    expect(of('rejected')).toMatchObject([{ name: 'AccessDenied' }]);
    expect(of('stopped')).toMatchObject([{ cause: 'policy', result: { code: 4003, reason: 'not yours' } }]);
    await sleep(2000);
    expect(s.upgrades).toBe(1);
  });

  it('3. server restart (1012, down a while, back): reconnecting with growing jittered delays, then open', async () => {
    const { server: s, socket, of } = await start({ policy: { backoff: { initialMs: 20, maxMs: 200 } }, random: () => 0.75 });
    await until(() => socket.state === 'open');
    await s.restart({ downForMs: 400 });
    await until(() => of('open').length === 2, 5000, 'the open after the restart');
    expect(of('close')[0]?.result).toMatchObject({ code: 1012, name: 'ServiceRestart', opened: true });
    const delays = of('reconnecting').map((r) => r.delayMs);
    expect(delays.length).toBeGreaterThanOrEqual(3);
    // full jitter: 0.75 of min(200, 20 · 2^(n − 1))
    delays.forEach((d, i) => expect(d).toBe(Math.round(0.75 * Math.min(200, 20 * 2 ** i))));
    expect(of('close').slice(1).every((c) => c.result.code === 1006 && !c.result.opened)).toBe(true);
  });

  it('4. HTTP 401 on the upgrade: 1006 opened: false; maxAttempts 3 ends in stopped max-attempts after exactly 3 attempts', async () => {
    const { Ctor, count } = counted();
    const { of } = await start({ server: { default: { http: 401 } }, WebSocket: Ctor, policy: { maxAttempts: 3, backoff: { initialMs: 10, maxMs: 20 } } });
    await until(() => of('stopped').length === 1, 5000, 'stopped');
    const results = of('close').map((c) => c.result);
    expect(results).toHaveLength(3);
    for (const result of results) expect(result).toMatchObject({ code: 1006, opened: false, wasClean: false });
    expect(of('reconnecting').map((r) => r.attempt)).toEqual([1, 2]);
    expect(count()).toBe(3); // the first try and 2 retries, counted on the client (undici may send each upgrade twice)
    expect(of('stopped')).toMatchObject([{ cause: 'max-attempts' }]);
  });

  it('5. accept then destroy the TCP socket: 1006 opened: true, reconnect', async () => {
    const { of } = await start({ script: ['destroy'] });
    await until(() => of('open').length === 2, 5000, 'the reconnect');
    expect(of('close')[0]?.result).toMatchObject({ code: 1006, opened: true, wasClean: false });
  });

  it('6. TCP accepted, upgrade never answered: connect timeout, counted attempt, retry', async () => {
    const { socket, of } = await start({ script: ['hang'], connectTimeoutMs: 300 });
    await until(() => of('open').length === 1, 5000, 'open after the timeout');
    expect(of('close')[0]?.result).toMatchObject({ code: 1006, reason: 'connect timeout', opened: false });
    expect(of('open')[0]?.attempt).toBe(1);
    expect(socket.state).toBe('open');
  });

  it('7. half-open (server stops answering pings): detected within interval + timeout, then reconnect', async () => {
    const { server: s, events, of } = await start({ heartbeat: { intervalMs: 150, timeoutMs: 150 } });
    await until(() => of('open').length === 1);
    await until(() => s.pings >= 2, 2000, 'two answered pings');
    expect(of('close')).toHaveLength(0);
    s.setPong(false);
    const silentAt = Date.now();
    await until(() => of('close').length === 1, 2000, 'the dead connection');
    const detectedAt = events.find((e) => e.event === 'close')?.at ?? Infinity;
    expect(detectedAt - silentAt).toBeLessThanOrEqual(150 + 150 + 150); // interval + timeout, plus slack for a loaded machine
    expect(of('close')[0]?.result).toMatchObject({ code: 1006, reason: 'heartbeat timeout', opened: true });
    s.setPong(true);
    await until(() => of('open').length === 2, 2000, 'the reconnect');
    expect(of('message')).toEqual([]); // pongs are not messages
  });

  it('8. 500 numbered messages across two restarts: every message sent while disconnected arrives once, in order', async () => {
    // The server greets each connection, which confirms it (queue.confirmAfterMs): a restart then re-sends nothing.
    const { server: s, socket, of } = await start({
      queue: { max: 1000 },
      policy: { backoff: { initialMs: 20, maxMs: 50 } },
      server: { default: (ws) => ws.send('welcome') },
    });
    await until(() => socket.state === 'open');
    const whileDown: string[] = [];
    const restarts: Promise<void>[] = [];
    for (let i = 1; i <= 500; i++) {
      if (i === 150 || i === 350) restarts.push(s.restart({ downForMs: 150 }));
      if (socket.state !== 'open') whileDown.push(String(i));
      socket.send(String(i));
      await sleep(1);
    }
    await Promise.all(restarts);
    await until(() => socket.state === 'open' && s.received.includes('500'), 5000, 'message 500');
    expect(whileDown.length).toBeGreaterThan(20);
    const received = s.received.map(Number);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    expect(new Set(received).size).toBe(received.length);
    for (const m of whileDown) expect(s.received).toContain(m);
    expect(of('dropped')).toEqual([]);
  });

  it('8b. an overflowing queue reports exactly the dropped messages', async () => {
    const { server: s, socket, of } = await start({ queue: { max: 50, overflow: 'drop-oldest' } });
    await until(() => socket.state === 'open');
    const restart = s.restart({ downForMs: 300 });
    await until(() => socket.state !== 'open', 2000, 'the restart close');
    for (let i = 1; i <= 100; i++) socket.send(String(i));
    await restart;
    await until(() => s.received.includes('100'), 5000, 'message 100');
    const dropped = of('dropped').flatMap((d) => d.messages);
    expect(dropped).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
    expect(s.received).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 51)));
  });

  it('8c. accept-then-close (4001, reauth) right after the queue was flushed: the next connection gets all 5, once, in order', async () => {
    const second: string[] = [];
    const { socket, of } = await start({
      script: [{ close: 4001, reason: 'token expired' }, (ws) => ws.on('message', (data) => second.push(String(data)))],
      policy: { rules: { TokenExpired: 'reauth' }, backoff: { initialMs: 20 } },
      auth: { refresh: async () => {} },
    });
    for (let i = 1; i <= 5; i++) socket.send(String(i));
    await until(() => second.length >= 5, 5000, 'five messages on the second connection');
    await sleep(100);
    expect(second).toEqual(['1', '2', '3', '4', '5']);
    expect(of('reauth')).toMatchObject([{ attempt: 1 }]);
    expect(of('open')).toHaveLength(2);
    expect(of('dropped')).toEqual([]);
  });

  it('9. close(1001) and close(4000, 124-byte reason) throw CloseCodeError and stay open; close(4000, "bye") stops with cause client', async () => {
    const { server: s, socket, of } = await start();
    await until(() => socket.state === 'open');
    const serverSide = s.accepted[0];
    const serverClose = new Promise<[number, string]>((resolve) => serverSide?.on('close', (code, reason) => resolve([code, reason.toString()])));
    for (const [code, reason] of [
      [1001, undefined],
      [4000, 'x'.repeat(124)],
    ] as const) {
      let thrown: unknown;
      try {
        socket.close(code, reason);
      } catch (error) {
        thrown = error;
      }
      expect(isCloseCodeError(thrown)).toBe(true);
    }
    await sleep(50);
    expect(socket.state).toBe('open');
    expect(socket.readyState).toBe(1);
    socket.send('still here');
    await until(() => s.received.includes('still here'));
    socket.close(4000, 'bye');
    await until(() => of('stopped').length === 1, 5000, 'stopped');
    expect(await serverClose).toEqual([4000, 'bye']);
    expect(of('stopped')).toMatchObject([{ cause: 'client', result: { code: 4000, reason: 'bye' } }]);
    await sleep(200);
    expect(s.upgrades).toBe(1);
  });

  it('10. a close listener that throws does not stop the reconnect', async () => {
    const { server: s, socket, of } = await start();
    socket.on('close', () => {
      throw new Error('listener bug');
    });
    await until(() => socket.state === 'open');
    s.destroyAll();
    await until(() => of('open').length === 2, 5000, 'the reconnect');
    expect(of('error').map((e) => e.message)).toEqual([expect.stringMatching(/listener bug/)]);
  });

  it('11. dispose() during a backoff wait: no pending timers, no further attempts', async () => {
    const timers = trackedTimers();
    const { server: s, socket } = await start({ timers, policy: { backoff: { initialMs: 300, jitter: 'none' } } });
    await until(() => socket.state === 'open');
    s.destroyAll();
    await until(() => socket.state === 'waiting', 2000, 'the backoff wait');
    socket.dispose();
    expect(timers.pending()).toBe(0);
    await sleep(500);
    expect(s.upgrades).toBe(1);
    expect(socket.state).toBe('stopped');
  });
});
