// The scenarios of issue #4, against the fake server and fake clock.
import { describe, expect, it, vi } from 'vitest';
import { isCloseCodeError } from '../../src/errors';
import { isSocketError } from '../../src/socket';
import { setup } from './harness';

describe('issue #4 scenarios (unit)', () => {
  it('1. 4001 with a reauth rule: rejected TokenExpired, reauth, refresh once, url called again, open again', async () => {
    let token = 'old';
    const url = vi.fn(() => `ws://app.test/live?token=${token}`);
    const refresh = vi.fn(async () => {
      token = 'new';
    });
    const h = setup({ url, policy: { rules: { TokenExpired: 'reauth' } }, auth: { refresh } });
    h.server.rejectNext('TokenExpired', 'token expired');
    await h.clock.runAllAsync();
    const [rejected] = h.of('rejected');
    expect(rejected).toMatchObject({ kind: 'application', name: 'TokenExpired', code: 4001, reason: 'token expired', opened: true });
    expect(h.of('reauth')).toEqual([{ attempt: 1, result: rejected }]);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(refresh).toHaveBeenCalledWith({ attempt: 1, result: rejected });
    expect(url).toHaveBeenCalledTimes(2);
    expect(h.server.urls).toEqual(['ws://app.test/live?token=old', 'ws://app.test/live?token=new']);
    expect(h.socket.state).toBe('open');
    expect(h.names()).toEqual([
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
  });

  it('1b. the server keeps answering 4001: stopped reauth-exhausted after maxReauth refreshes', async () => {
    const refresh = vi.fn(async () => {});
    const h = setup({ policy: { rules: { TokenExpired: 'reauth' }, maxReauth: 2 }, auth: { refresh } });
    h.server.setDefault({ reject: 'TokenExpired' });
    await h.clock.runAllAsync();
    expect(refresh).toHaveBeenCalledTimes(2);
    expect(h.server.attempts).toBe(3);
    expect(h.of('stopped')).toMatchObject([{ cause: 'reauth-exhausted', result: { name: 'TokenExpired' }, pending: [] }]);
  });

  it('1c. a rejecting refresh stops with reauth-failed and reports the error', async () => {
    const h = setup({ policy: { rules: { TokenExpired: 'reauth' } }, auth: { refresh: () => Promise.reject(new Error('login expired')) } });
    h.server.rejectNext('TokenExpired');
    await h.clock.runAllAsync();
    expect(h.of('stopped')).toMatchObject([{ cause: 'reauth-failed', result: { code: 4001 } }]);
    const [error] = h.of('error');
    expect(isSocketError(error) && error.code).toBe('refresh-failed');
    expect((error as { cause?: Error }).cause?.message).toBe('login expired');
    expect(h.server.attempts).toBe(1);
  });

  it('1d. a refresh that throws synchronously is handled the same way', async () => {
    const h = setup({
      policy: { rules: { TokenExpired: 'reauth' } },
      auth: {
        refresh: () => {
          throw new Error('boom');
        },
      },
    });
    h.server.rejectNext('TokenExpired');
    await h.clock.runAllAsync();
    expect(h.of('stopped')).toMatchObject([{ cause: 'reauth-failed' }]);
  });

  it('1e. reauth with no auth.refresh configured: stop reauth-failed with a clear error, never a loop', async () => {
    const h = setup({ policy: { rules: { TokenExpired: 'reauth' } } });
    h.server.setDefault({ reject: 'TokenExpired' });
    await h.clock.runAllAsync();
    expect(h.server.attempts).toBe(1);
    expect(h.of('close')[0]?.decision).toMatchObject({ action: 'stop', cause: 'reauth-failed' });
    expect(h.of('stopped')).toMatchObject([{ cause: 'reauth-failed' }]);
    const [error] = h.of('error');
    expect(isSocketError(error) && error.code).toBe('refresh-missing');
    expect(error?.message).toMatch(/no auth\.refresh is configured/);
  });

  it('2. 4003 with a stop rule: rejected, stopped cause policy, no further attempt', async () => {
    const h = setup({ policy: { rules: { AccessDenied: 'stop' } } });
    h.server.rejectNext('AccessDenied', 'not yours');
    await h.clock.runAllAsync();
    expect(h.of('rejected')).toMatchObject([{ name: 'AccessDenied', code: 4003 }]);
    expect(h.of('stopped')).toMatchObject([{ cause: 'policy', result: { code: 4003 }, pending: [] }]);
    h.clock.advance(60_000);
    expect(h.server.attempts).toBe(1);
    expect(h.clock.pending()).toBe(0);
    expect(() => h.socket.send('late')).toThrow(/stopped/);
  });

  it('3. server restart: reconnecting with growing jittered delays, then open', () => {
    const h = setup({ policy: { backoff: { initialMs: 100, maxMs: 10_000 } }, random: () => 0.7 });
    h.clock.advance(0);
    h.server.restart({ downForMs: 2000 });
    h.clock.runAll();
    const delays = h.of('reconnecting').map((r) => r.delayMs);
    expect(h.of('close')[0]?.result).toMatchObject({ code: 1012, name: 'ServiceRestart' });
    expect(delays.length).toBeGreaterThanOrEqual(4);
    // Full jitter with random 0.7: 70% of 100·2^(n-1).
    delays.forEach((d, i) => expect(d).toBe(Math.round(0.7 * 100 * 2 ** i)));
    expect(h.socket.state).toBe('open');
    expect(h.of('open')).toHaveLength(2);
  });

  it('4. a rejected upgrade (1006 opened: false) with maxAttempts 3 stops with max-attempts after exactly 3 attempts', () => {
    const h = setup({ policy: { maxAttempts: 3, backoff: { initialMs: 10 } } });
    h.server.setDefault('refuse');
    h.clock.runAll();
    const results = h.of('close').map((c) => c.result);
    expect(results.every((r) => r.code === 1006 && !r.opened && !r.wasClean)).toBe(true);
    expect(h.of('reconnecting').map((r) => r.attempt)).toEqual([1, 2]);
    // the first try plus two retries, counted on the client
    expect(h.server.attempts).toBe(3);
    expect(results).toHaveLength(3);
    expect(h.of('stopped')).toMatchObject([{ cause: 'max-attempts' }]);
  });

  it('5. accept then drop: 1006 opened: true, reconnect', () => {
    const h = setup();
    h.clock.advance(0);
    h.server.dropAll();
    h.clock.runAll();
    expect(h.of('close')[0]?.result).toMatchObject({ code: 1006, opened: true });
    expect(h.socket.state).toBe('open');
    expect(h.server.attempts).toBe(2);
  });

  it('6. a handshake that never completes: connect timeout, counted attempt, retry', () => {
    const h = setup({ connectTimeoutMs: 3000, policy: { backoff: { initialMs: 100, jitter: 'none' } } });
    h.server.hangNext();
    h.clock.advance(0);
    expect(h.socket.state).toBe('connecting');
    h.clock.advance(2999);
    expect(h.of('close')).toHaveLength(0);
    h.clock.advance(1);
    expect(h.of('close')[0]?.result).toMatchObject({ code: 1006, reason: 'connect timeout', opened: false });
    expect(h.server.connections[0]?.state).toBe('closed');
    expect(h.socket.attempt).toBe(1);
    h.clock.runAll();
    expect(h.socket.state).toBe('open');
    expect(h.server.attempts).toBe(2);
  });

  it('7. half-open: no pong within the timeout → dead → reconnect, detected within interval + timeout', () => {
    const h = setup({ heartbeat: { intervalMs: 1000, timeoutMs: 500 }, policy: { backoff: { initialMs: 100, jitter: 'none' } } });
    h.server.setAutoPong(true);
    h.clock.advance(0);
    h.clock.advance(10_000);
    expect(h.of('close')).toHaveLength(0);
    expect(h.of('message')).toEqual([]); // pongs are not messages
    h.server.setAutoPong(false);
    const silentSince = h.clock.now();
    h.clock.advance(1500);
    const [close] = h.events.filter((e) => e.event === 'close');
    expect(close?.at).toBeLessThanOrEqual(silentSince + 1500);
    expect((close?.payload as { result: unknown }).result).toMatchObject({ code: 1006, reason: 'heartbeat timeout', opened: true });
    h.server.setAutoPong(true);
    h.clock.advance(100);
    expect(h.socket.state).toBe('open');
  });

  it('8. messages sent while disconnected arrive once, in order, across two restarts; overflow reports exactly the dropped', () => {
    const h = setup({ queue: { max: 1000 }, policy: { backoff: { initialMs: 50, maxMs: 50, jitter: 'none' } } });
    // The server greets each connection, which confirms it (queue.confirmAfterMs): a restart then re-sends nothing.
    h.server.onConnection((connection) => {
      connection.accept();
      connection.send('welcome');
    });
    h.clock.advance(0);
    const whileDown: number[] = [];
    for (let i = 1; i <= 500; i++) {
      if (i === 150 || i === 350) h.server.restart({ downForMs: 200 });
      if (h.socket.state !== 'open') whileDown.push(i);
      h.socket.send(String(i));
      h.clock.advance(5);
    }
    h.clock.runAll();
    const received = h.server.received.map(Number);
    expect(whileDown.length).toBeGreaterThan(50);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    expect(new Set(received).size).toBe(received.length);
    for (const n of whileDown) expect(received).toContain(n);
    expect(h.of('dropped')).toEqual([]);

    const small = setup({ queue: { max: 3, overflow: 'drop-oldest' }, startClosed: true });
    for (const m of ['a', 'b', 'c', 'd', 'e']) small.socket.send(m);
    expect(small.of('dropped')).toEqual([{ messages: ['a'] }, { messages: ['b'] }]);
    small.socket.reconnect();
    small.clock.advance(0);
    expect(small.server.received).toEqual(['c', 'd', 'e']);
  });

  it('8b. drop-newest refuses the new message; error throws; stopped carries what is left', () => {
    const newest = setup({ queue: { max: 2, overflow: 'drop-newest' }, startClosed: true });
    for (const m of ['a', 'b', 'c']) newest.socket.send(m);
    expect(newest.of('dropped')).toEqual([{ messages: ['c'] }]);
    newest.socket.close();
    expect(newest.of('stopped')).toEqual([{ cause: 'client', result: undefined, pending: ['a', 'b'] }]);

    const strict = setup({ queue: { max: 1, overflow: 'error' }, startClosed: true });
    strict.socket.send('a');
    expect(() => strict.socket.send('b')).toThrow(expect.objectContaining({ name: 'SocketError', code: 'queue-full' }));
  });

  it('9. invalid close() throws CloseCodeError and the socket stays open; close(4000, "bye") stops with cause client', () => {
    const h = setup();
    h.clock.advance(0);
    for (const [code, reason] of [
      [1001, undefined],
      [4000, '€'.repeat(41) + 'x'],
    ] as const) {
      let thrown: unknown;
      try {
        h.socket.close(code, reason);
      } catch (error) {
        thrown = error;
      }
      expect(isCloseCodeError(thrown)).toBe(true);
      expect(h.socket.state).toBe('open');
      expect(h.socket.readyState).toBe(1);
    }
    h.socket.close(4000, 'bye');
    expect(h.socket.state).toBe('closing');
    h.clock.runAll();
    expect(h.server.connections[0]).toMatchObject({ closeCode: 4000, closeReason: 'bye', closedBy: 'client' });
    expect(h.of('close').at(-1)?.decision).toMatchObject({ action: 'stop', cause: 'client', rule: { source: 'client' } });
    expect(h.of('stopped')).toMatchObject([{ cause: 'client', result: { code: 4000 } }]);
    expect(h.of('rejected')).toEqual([]);
    expect(h.server.attempts).toBe(1);
    expect(h.clock.pending()).toBe(0);
  });

  it('10. a close listener that throws does not stop the reconnect; the failure is reported through error', () => {
    const h = setup();
    h.socket.on('close', () => {
      throw new Error('listener bug');
    });
    h.clock.advance(0);
    h.server.dropAll();
    h.clock.runAll();
    expect(h.socket.state).toBe('open');
    expect(h.server.attempts).toBe(2);
    const errors = h.of('error');
    expect(errors).toHaveLength(1);
    expect(isSocketError(errors[0]) && errors[0].code).toBe('listener-failed');
    expect(errors[0]?.message).toMatch(/listener bug/);
  });

  it('11. dispose() during a backoff wait: no pending timers, no further attempts', () => {
    const h = setup({ policy: { backoff: { initialMs: 1000, jitter: 'none' } } });
    h.clock.advance(0);
    h.server.dropAll();
    h.clock.advance(0);
    expect(h.socket.state).toBe('waiting');
    expect(h.clock.pending()).toBe(1);
    h.socket.dispose();
    expect(h.clock.pending()).toBe(0);
    h.clock.advance(60_000);
    expect(h.server.attempts).toBe(1);
    expect(h.socket.listenerCount('close')).toBe(0);
    expect(h.socket.state).toBe('stopped');
    expect(() => h.socket.send('x')).toThrow(expect.objectContaining({ code: 'disposed' }));
    h.socket.dispose();
  });
});
