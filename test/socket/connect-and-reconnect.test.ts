import { describe, expect, it } from 'vitest';
import { setup } from './harness';

describe('connect, close, reconnect', () => {
  it('connects on the next tick and emits state then open', () => {
    const h = setup();
    expect(h.socket.state).toBe('idle');
    h.clock.advance(0);
    expect(h.socket.state).toBe('open');
    expect(h.names()).toEqual(['state:connecting', 'state:open', 'open']);
    expect(h.of('open')).toEqual([{ attempt: 0, protocol: '' }]);
    expect(h.socket.url).toBe('ws://app.test/live');
    expect(h.server.attempts).toBe(1);
  });

  it('reconnects after a dropped connection (1006 opened: true) with the policy delay', () => {
    const h = setup({ policy: { backoff: { initialMs: 100, jitter: 'none' } } });
    h.clock.advance(0);
    h.server.dropAll();
    h.clock.advance(0);
    const [close] = h.of('close');
    expect(close?.result).toMatchObject({ code: 1006, opened: true, wasClean: false });
    expect(close?.decision).toMatchObject({ action: 'reconnect', delayMs: 100 });
    expect(h.of('reconnecting')).toEqual([{ attempt: 1, delayMs: 100, result: close?.result }]);
    expect(h.socket.state).toBe('waiting');
    h.clock.advance(99);
    expect(h.server.attempts).toBe(1);
    h.clock.advance(1);
    expect(h.socket.state).toBe('open');
    expect(h.server.attempts).toBe(2);
    expect(h.of('open').at(-1)).toEqual({ attempt: 1, protocol: '' });
  });

  it('a refused connection is a 1006 that never opened', () => {
    const h = setup();
    h.server.refuseNext();
    h.clock.advance(0);
    expect(h.of('close')[0]?.result).toMatchObject({ code: 1006, opened: false });
    expect(h.socket.lastClose).toMatchObject({ code: 1006, opened: false });
  });

  it('emits events in a fixed order for a rejected close', () => {
    const h = setup({ policy: { rules: { RateLimited: 'reconnect' } } });
    h.server.rejectNext('RateLimited');
    h.clock.advance(0);
    expect(h.names()).toEqual(['state:connecting', 'state:open', 'open', 'close', 'rejected', 'state:waiting', 'reconnecting']);
  });

  it('delivers messages and passes the subprotocol through', () => {
    const h = setup({ protocols: ['v2', 'v1'] });
    h.clock.advance(0);
    expect(h.socket.protocol).toBe('v2');
    h.server.send('hello');
    h.clock.advance(0);
    expect(h.of('message')).toEqual(['hello']);
    expect(h.of('open')[0]?.protocol).toBe('v2');
  });

  it('startClosed waits for reconnect()', () => {
    const h = setup({ startClosed: true });
    h.clock.advance(1000);
    expect(h.server.attempts).toBe(0);
    expect(h.socket.state).toBe('idle');
    h.socket.reconnect();
    h.clock.advance(0);
    expect(h.socket.state).toBe('open');
  });

  it('resets the attempt counter after a stable open', () => {
    const h = setup({ policy: { backoff: { initialMs: 100, jitter: 'none' }, resetAfterMs: 1000 } });
    h.server.refuseNext().refuseNext();
    h.clock.advance(0);
    h.clock.advance(100);
    h.clock.advance(200);
    expect(h.socket.attempt).toBe(2);
    expect(h.socket.state).toBe('open');
    h.clock.advance(5000);
    h.server.dropAll();
    h.clock.advance(0);
    expect(h.of('reconnecting').map((r) => [r.attempt, r.delayMs])).toEqual([
      [1, 100],
      [2, 200],
      [1, 100],
    ]);
  });
});
