// The socket's end-to-end scenarios (issue #4's list and what grew from it),
// written once and run over every transport: the fake server with the fake
// clock, and a real `ws` server on 127.0.0.1 with undici's and `ws`'s clients
// (scenarios.*.test.ts). A scenario says what happens and what must be seen;
// how time passes and what a real network does differently is the
// transport's business (transports/).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isCloseCodeError } from '../../src/errors';
import { isSocketError } from '../../src/socket';
import type { Client, Session, Transport } from './transports/transport';

interface Scenario {
  readonly name: string;
  run(t: Session): Promise<void>;
}

const numbers = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

/** The run has stopped for good: nothing pending, and no attempt after a while. */
async function expectQuiet(t: Session, client: Client, attempts: number): Promise<void> {
  await t.pass(200);
  expect(client.attempts()).toBe(attempts);
  expect(t.pendingTimers()).toBe(0);
}

export const scenarios: readonly Scenario[] = [
  {
    name: '1. 4001 with a reauth rule: rejected TokenExpired, reauth, refresh once, url called again, open again',
    async run(t) {
      let token = 'old';
      const url = vi.fn(() => `${t.origin}/live?token=${token}`);
      const refresh = vi.fn(async () => {
        token = 'new';
      });
      t.server.next({ close: 'TokenExpired', reason: 'token expired' });
      const c = t.connect({ url, policy: { rules: { TokenExpired: 'reauth' } }, auth: { refresh } });
      await t.until(() => c.of('open').length === 2, 'the second open');
      await t.pass(100);
      const [rejected] = c.of('rejected');
      expect(rejected).toMatchObject({ kind: 'application', name: 'TokenExpired', code: 4001, reason: 'token expired', opened: true });
      if (rejected?.kind === 'application') {
        // typed from the app's codes
        const name: 'TokenExpired' | 'AccessDenied' | undefined = rejected.name;
        expect(name).toBe('TokenExpired');
      }
      expect(c.of('reauth')).toEqual([{ attempt: 1, result: rejected }]);
      expect(refresh).toHaveBeenCalledTimes(1);
      expect(refresh).toHaveBeenCalledWith({ attempt: 1, result: rejected });
      expect(url).toHaveBeenCalledTimes(2);
      expect(t.server.connections.map((connection) => connection.url)).toEqual(['/live?token=old', '/live?token=new']);
      expect(c.socket.state).toBe('open');
      expect(c.names()).toEqual([
        'state:connecting',
        'state:open',
        'open',
        'close',
        'rejected',
        'state:reauthenticating',
        'reauth',
        'state:waiting', // the reauth decision's backoff delay
        'state:connecting',
        'state:open',
        'open',
      ]);
    },
  },
  {
    name: '1b. the server keeps answering 4001: stopped reauth-exhausted after maxReauth refreshes',
    async run(t) {
      const refresh = vi.fn(async () => {});
      t.server.setDefault({ close: 'TokenExpired' });
      const c = t.connect({ policy: { rules: { TokenExpired: 'reauth' }, maxReauth: 2 }, auth: { refresh } });
      await t.until(() => c.of('stopped').length === 1, 'stopped');
      expect(refresh).toHaveBeenCalledTimes(2);
      expect(c.of('stopped')).toMatchObject([{ cause: 'reauth-exhausted', result: { name: 'TokenExpired' }, pending: [] }]);
      await expectQuiet(t, c, 3);
      expect(t.server.connections).toHaveLength(3);
    },
  },
  {
    name: '1c. a rejecting refresh stops with reauth-failed and reports the error',
    async run(t) {
      t.server.next({ close: 'TokenExpired' });
      const c = t.connect({ policy: { rules: { TokenExpired: 'reauth' } }, auth: { refresh: () => Promise.reject(new Error('login expired')) } });
      await t.until(() => c.of('stopped').length === 1, 'stopped');
      expect(c.of('stopped')).toMatchObject([{ cause: 'reauth-failed', result: { code: 4001 } }]);
      const [error] = c.of('error');
      expect(isSocketError(error) && error.code).toBe('refresh-failed');
      expect((error as { cause?: Error }).cause?.message).toBe('login expired');
      await expectQuiet(t, c, 1);
    },
  },
  {
    name: '1d. a refresh that throws synchronously is handled the same way',
    async run(t) {
      t.server.next({ close: 'TokenExpired' });
      const c = t.connect({
        policy: { rules: { TokenExpired: 'reauth' } },
        auth: {
          refresh: () => {
            throw new Error('boom');
          },
        },
      });
      await t.until(() => c.of('stopped').length === 1, 'stopped');
      expect(c.of('stopped')).toMatchObject([{ cause: 'reauth-failed' }]);
      await expectQuiet(t, c, 1);
    },
  },
  {
    name: '1e. reauth with no auth.refresh configured: stop reauth-failed with a clear error, never a loop',
    async run(t) {
      t.server.setDefault({ close: 'TokenExpired' });
      const c = t.connect({ policy: { rules: { TokenExpired: 'reauth' } } });
      await t.until(() => c.of('stopped').length === 1, 'stopped');
      expect(c.of('close')[0]?.decision).toMatchObject({ action: 'stop', cause: 'reauth-failed' });
      expect(c.of('stopped')).toMatchObject([{ cause: 'reauth-failed' }]);
      const [error] = c.of('error');
      expect(isSocketError(error) && error.code).toBe('refresh-missing');
      expect(error?.message).toMatch(/no auth\.refresh is configured/);
      await expectQuiet(t, c, 1);
    },
  },
  {
    name: '2. 4003 with a stop rule: rejected, stopped cause policy, no further attempt',
    async run(t) {
      t.server.next({ close: 'AccessDenied', reason: 'not yours' });
      const c = t.connect({ policy: { rules: { AccessDenied: 'stop' } } });
      await t.until(() => c.of('stopped').length === 1, 'stopped');
      expect(c.of('rejected')).toMatchObject([{ name: 'AccessDenied', code: 4003 }]);
      expect(c.of('stopped')).toMatchObject([{ cause: 'policy', result: { code: 4003, reason: 'not yours' }, pending: [] }]);
      await t.pass(2000);
      expect(c.attempts()).toBe(1);
      expect(t.server.connections).toHaveLength(1);
      expect(t.pendingTimers()).toBe(0);
      expect(() => c.socket.send('late')).toThrow(/stopped/);
    },
  },
  {
    name: '3. server restart (1012, down a while, back): reconnecting with growing jittered delays, then open',
    async run(t) {
      const c = t.connect({ policy: { backoff: { initialMs: 20, maxMs: 200 } }, random: () => 0.75 });
      await t.until(() => c.socket.state === 'open', 'open');
      const restarted = t.server.restart({ downForMs: 400 });
      await t.until(() => c.of('open').length === 2, 'the open after the restart');
      await restarted;
      expect(c.of('close')[0]?.result).toMatchObject({ code: 1012, name: 'ServiceRestart', opened: true });
      const delays = c.of('reconnecting').map((r) => r.delayMs);
      expect(delays.length).toBeGreaterThanOrEqual(4);
      // full jitter: 0.75 of min(200, 20 · 2^(n − 1))
      for (const [i, d] of delays.entries()) expect(d).toBe(Math.round(0.75 * Math.min(200, 20 * 2 ** i)));
      expect(c.of('close')).toHaveLength(delays.length);
      expect(
        c
          .of('close')
          .slice(1)
          .every((close) => close.result.code === 1006 && !close.result.opened),
      ).toBe(true);
      expect(c.socket.state).toBe('open');
      expect(c.of('open')).toHaveLength(2);
    },
  },
  {
    name: '4. a rejected upgrade (1006 opened: false) with maxAttempts 3 stops with max-attempts after exactly 3 attempts',
    async run(t) {
      t.server.setDefault('refuse');
      const c = t.connect({ policy: { maxAttempts: 3, backoff: { initialMs: 10, maxMs: 20 } } });
      await t.until(() => c.of('stopped').length === 1, 'stopped');
      const results = c.of('close').map((close) => close.result);
      expect(results).toHaveLength(3);
      for (const result of results) expect(result).toMatchObject({ code: 1006, opened: false, wasClean: false });
      expect(c.of('reconnecting').map((r) => r.attempt)).toEqual([1, 2]);
      expect(c.of('open')).toEqual([]);
      expect(c.of('stopped')).toMatchObject([{ cause: 'max-attempts' }]);
      // the first try and two retries, counted on the client (undici sends a refused upgrade twice)
      await expectQuiet(t, c, 3);
    },
  },
  {
    name: '5. accept then drop the TCP connection (at once, and later): 1006 opened: true, reconnect each time',
    async run(t) {
      t.server.next('drop');
      const c = t.connect();
      await t.until(() => c.of('open').length === 2, 'the reconnect after the drop at accept');
      t.server.dropAll();
      await t.until(() => c.of('open').length === 3, 'the reconnect after the drop of an open connection');
      const results = c.of('close').map((close) => close.result);
      expect(results).toHaveLength(2);
      for (const result of results) expect(result).toMatchObject({ code: 1006, opened: true, wasClean: false });
      expect(c.socket.state).toBe('open');
      expect(c.attempts()).toBe(3);
    },
  },
  {
    name: '6. a handshake that never completes: connect timeout, counted attempt, retry',
    async run(t) {
      t.server.next('hang');
      const c = t.connect({ connectTimeoutMs: 300, policy: { backoff: { initialMs: 20, jitter: 'none' } } });
      await t.until(() => c.attempts() === 1, 'the first attempt');
      expect(c.socket.state).toBe('connecting');
      await t.until(() => c.of('close').length === 1, 'the connect timeout');
      const closedAt = c.events.find((e) => e.event === 'close')?.at ?? Number.NaN;
      t.expectDelay(closedAt - (c.attemptTimes[0] ?? Number.NaN), 300);
      expect(c.of('close')[0]?.result).toMatchObject({ code: 1006, reason: 'connect timeout', opened: false });
      expect(c.socket.attempt).toBe(1);
      await t.until(() => t.server.connections[0]?.state === 'closed', 'the server to see the abandoned handshake end');
      await t.until(() => c.of('open').length === 1, 'the open after the timeout');
      expect(c.of('open')[0]?.attempt).toBe(1);
      expect(c.socket.state).toBe('open');
      expect(c.attempts()).toBe(2);
    },
  },
  {
    name: '7. half-open (the server stops answering pings): dead within interval + timeout, then reconnect',
    async run(t) {
      const c = t.connect({ heartbeat: { intervalMs: 100, timeoutMs: 300 }, policy: { backoff: { initialMs: 20, jitter: 'none' } } });
      await t.until(() => c.of('open').length === 1, 'open');
      await t.until(() => t.server.pings >= 10, 'ten answered pings');
      expect(c.of('close')).toHaveLength(0);
      expect(c.of('message')).toEqual([]); // pongs are not messages
      t.server.setPong(false);
      const silentSince = t.now();
      await t.until(() => c.of('close').length === 1, 'the dead connection');
      const closedAt = c.events.find((e) => e.event === 'close')?.at ?? Number.NaN;
      t.expectAtMost(closedAt - silentSince, 100 + 300); // interval + timeout
      expect(c.of('close')[0]?.result).toMatchObject({ code: 1006, reason: 'heartbeat timeout', opened: true });
      t.server.setPong(true);
      await t.until(() => c.of('open').length === 2, 'the reconnect');
      expect(c.socket.state).toBe('open');
      expect(c.of('message')).toEqual([]);
    },
  },
  {
    name: '8. 500 numbered messages across two restarts: every message sent while disconnected arrives once, in order',
    async run(t) {
      // The server greets each connection, which confirms it (queue.confirmAfterMs): a restart then re-sends nothing.
      t.server.setDefault({ send: 'welcome' });
      const c = t.connect({ queue: { max: 1000 }, policy: { backoff: { initialMs: 20, maxMs: 50, jitter: 'none' } } });
      await t.until(() => c.socket.state === 'open', 'open');
      const whileDown: string[] = [];
      const restarts: Promise<void>[] = [];
      for (let i = 1; i <= 500; i++) {
        if (i === 150 || i === 350) restarts.push(t.server.restart({ downForMs: 100 }));
        if (c.socket.state !== 'open') whileDown.push(String(i));
        c.socket.send(String(i));
        await t.pass(1);
      }
      await Promise.all(restarts);
      await t.until(() => c.socket.state === 'open' && t.server.received.includes('500'), 'message 500');
      expect(c.of('close').filter((close) => close.result.code === 1012)).toHaveLength(2);
      expect(c.of('open')).toHaveLength(3);
      expect(c.of('message')).toEqual(['welcome', 'welcome', 'welcome']);
      expect(whileDown.length).toBeGreaterThan(50);
      const received = t.server.received.map(Number);
      expect(received).toEqual([...received].sort((a, b) => a - b));
      expect(new Set(received).size).toBe(received.length);
      for (const m of whileDown) expect(t.server.received).toContain(m);
      expect(c.of('dropped')).toEqual([]);
    },
  },
  {
    name: '8b. a full drop-oldest queue (before connecting) reports exactly the dropped; the rest go out on connect',
    async run(t) {
      const c = t.connect({ queue: { max: 3, overflow: 'drop-oldest' }, startClosed: true });
      for (const m of ['a', 'b', 'c', 'd', 'e']) c.socket.send(m);
      expect(c.of('dropped')).toEqual([{ messages: ['a'] }, { messages: ['b'] }]);
      c.socket.reconnect();
      await t.until(() => t.server.received.length >= 3, 'three messages');
      await t.pass(50);
      expect(t.server.received).toEqual(['c', 'd', 'e']);
    },
  },
  {
    name: '8c. drop-newest refuses the new message; error throws; stopped carries what is left',
    async run(t) {
      const newest = t.connect({ queue: { max: 2, overflow: 'drop-newest' }, startClosed: true });
      for (const m of ['a', 'b', 'c']) newest.socket.send(m);
      expect(newest.of('dropped')).toEqual([{ messages: ['c'] }]);
      newest.socket.close();
      expect(newest.of('stopped')).toEqual([{ cause: 'client', result: undefined, pending: ['a', 'b'] }]);

      const strict = t.connect({ queue: { max: 1, overflow: 'error' }, startClosed: true });
      strict.socket.send('a');
      expect(() => strict.socket.send('b')).toThrow(expect.objectContaining({ name: 'SocketError', code: 'queue-full' }));
      expect(newest.attempts() + strict.attempts()).toBe(0);
    },
  },
  {
    name: '8d. a queue overflowing during a restart reports exactly the dropped messages; the rest arrive in order',
    async run(t) {
      const c = t.connect({ queue: { max: 50, overflow: 'drop-oldest' } });
      await t.until(() => c.socket.state === 'open', 'open');
      const restarted = t.server.restart({ downForMs: 100 });
      await t.until(() => c.socket.state !== 'open', 'the restart close');
      for (let i = 1; i <= 100; i++) c.socket.send(String(i));
      await restarted;
      await t.until(() => t.server.received.includes('100'), 'message 100');
      await t.pass(50);
      expect(c.of('dropped').flatMap((d) => d.messages)).toEqual(numbers(1, 50));
      expect(t.server.received).toEqual(numbers(51, 100));
    },
  },
  {
    name: '8e. accept-then-close (4001, reauth) right after the queue was flushed: the next connection gets all 5, once, in order',
    async run(t) {
      t.server.next({ close: 'TokenExpired', reason: 'token expired' });
      const c = t.connect({ policy: { rules: { TokenExpired: 'reauth' } }, auth: { refresh: async () => {} } });
      for (let i = 1; i <= 5; i++) c.socket.send(String(i));
      await t.until(() => (t.server.connections[1]?.received.length ?? 0) >= 5, 'five messages on the second connection');
      await t.pass(100);
      expect(t.server.connections[1]?.received).toEqual(numbers(1, 5));
      expect(t.server.connections).toHaveLength(2);
      expect(c.of('reauth')).toMatchObject([{ attempt: 1 }]);
      expect(c.of('open')).toHaveLength(2);
      expect(c.of('dropped')).toEqual([]);
    },
  },
  {
    name: '9. invalid close() throws CloseCodeError and the socket stays open; close(4000, "bye") stops with cause client',
    async run(t) {
      const c = t.connect();
      await t.until(() => c.socket.state === 'open', 'open');
      for (const [code, reason] of [
        [1001, undefined],
        [4000, `${'€'.repeat(41)}x`], // 124 UTF-8 bytes
        [4000, 'x'.repeat(124)],
      ] as const) {
        let thrown: unknown;
        try {
          c.socket.close(code, reason);
        } catch (error) {
          thrown = error;
        }
        expect(isCloseCodeError(thrown)).toBe(true);
        expect(c.socket.state).toBe('open');
        expect(c.socket.readyState).toBe(1);
      }
      await t.pass(50);
      expect(c.socket.state).toBe('open');
      expect(c.socket.readyState).toBe(1);
      c.socket.send('still here');
      await t.until(() => t.server.received.includes('still here'), 'a message after the refused closes');
      c.socket.close(4000, 'bye');
      expect(c.socket.state).toBe('closing');
      await t.until(() => c.of('stopped').length === 1, 'stopped');
      await t.until(() => t.server.connections[0]?.state === 'closed', 'the server side of the close');
      expect(t.server.connections[0]).toMatchObject({ closeCode: 4000, closeReason: 'bye', closedBy: 'client' });
      expect(c.of('close').at(-1)?.decision).toMatchObject({ action: 'stop', cause: 'client', rule: { source: 'client' } });
      expect(c.of('stopped')).toMatchObject([{ cause: 'client', result: { code: 4000, reason: 'bye' } }]);
      expect(c.of('rejected')).toEqual([]);
      await expectQuiet(t, c, 1);
      expect(t.server.connections).toHaveLength(1);
    },
  },
  {
    name: '10. a close listener that throws does not stop the reconnect; the failure is reported through error',
    async run(t) {
      const c = t.connect();
      c.socket.on('close', () => {
        throw new Error('listener bug');
      });
      await t.until(() => c.socket.state === 'open', 'open');
      t.server.dropAll();
      await t.until(() => c.of('open').length === 2, 'the reconnect');
      expect(c.socket.state).toBe('open');
      expect(c.attempts()).toBe(2);
      const errors = c.of('error');
      expect(errors).toHaveLength(1);
      expect(isSocketError(errors[0]) && errors[0].code).toBe('listener-failed');
      expect(errors[0]?.message).toMatch(/listener bug/);
    },
  },
  {
    name: '11. dispose() during a backoff wait: no pending timers, no further attempts',
    async run(t) {
      const c = t.connect({ policy: { backoff: { initialMs: 300, jitter: 'none' } } });
      await t.until(() => c.socket.state === 'open', 'open');
      t.server.dropAll();
      await t.until(() => c.socket.state === 'waiting', 'the backoff wait');
      expect(t.pendingTimers()).toBe(1);
      c.socket.dispose();
      expect(t.pendingTimers()).toBe(0);
      await t.pass(500);
      expect(c.attempts()).toBe(1);
      expect(c.socket.listenerCount('close')).toBe(0);
      expect(c.socket.state).toBe('stopped');
      expect(() => c.socket.send('x')).toThrow(expect.objectContaining({ code: 'disposed' }));
      c.socket.dispose();
    },
  },
];

/** Runs every scenario over `transport`, each with a server of its own. */
export function runScenarios(transport: Transport): void {
  describe(`socket scenarios over ${transport.name}`, () => {
    afterEach(() => transport.cleanup());
    for (const scenario of scenarios) it(scenario.name, async () => scenario.run(await transport.start()));
  });
}
