// queue.confirmAfterMs: what the socket writes into a connection that the
// server accepts and then closes at once (the accept-then-close pattern) is
// not lost: it goes back to the queue until the connection is confirmed.
import { describe, expect, it } from 'vitest';
import { setup } from './harness';

const reauth = { policy: { rules: { TokenExpired: 'reauth', AccessDenied: 'stop' } }, auth: { refresh: async () => {} } } as const;
/** A 500 ms confirmation window, and a 10 ms retry without jitter so the next connection comes at a known time. */
const confirmWindow = { queue: { confirmAfterMs: 500 }, policy: { backoff: { initialMs: 10, jitter: 'none' } } } as const;

/** A socket whose first connection waits for the test to accept it. */
function held(options: Parameters<typeof setup>[0] = {}) {
  const h = setup({ startClosed: true, ...options });
  h.server.hangNext();
  return h;
}

/** Connects a held socket and has the server accept: what was queued goes into a connection not yet confirmed. */
function openHeld(h: ReturnType<typeof held>): void {
  h.socket.reconnect();
  h.clock.advance(0);
  h.server.lastConnection?.accept();
}

describe('queue.confirmAfterMs', () => {
  it('(a) queued messages flushed into a connection rejected with 4001 are delivered once, in order, on the next open', async () => {
    const h = setup({ ...reauth, startClosed: true });
    for (const m of ['1', '2', '3']) h.socket.send(m);
    h.server.rejectNext('TokenExpired', 'token expired');
    h.socket.reconnect();
    await h.clock.runAllAsync();
    expect(h.server.attempts).toBe(2);
    expect(h.server.connections[0]?.received).toEqual(['1', '2', '3']); // discarded by the server
    expect(h.server.connections[1]?.received).toEqual(['1', '2', '3']);
    expect(h.socket.state).toBe('open');
    expect(h.of('dropped')).toEqual([]);
    expect(h.names()).toContain('reauth');
  });

  it('(a) they go ahead of anything queued since, and sends while open are kept too', async () => {
    let release = (): void => {};
    const h = held({ ...reauth, auth: { refresh: () => new Promise<void>((resolve) => (release = resolve)) } });
    h.socket.send('queued');
    h.socket.once('open', () => h.socket.send('from-open'));
    openHeld(h);
    h.clock.advance(0);
    h.socket.send('while-open');
    h.server.lastConnection?.close('TokenExpired');
    await h.clock.advanceAsync(0);
    expect(h.socket.state).toBe('reauthenticating');
    h.socket.send('during-reauth');
    release();
    await h.clock.runAllAsync();
    expect(h.server.connections[1]?.received).toEqual(['queued', 'from-open', 'while-open', 'during-reauth']);
  });

  it('(b) rejected with 4003 (stop): the messages come back in stopped.pending', async () => {
    const h = setup({ ...reauth, startClosed: true });
    for (const m of ['1', '2', '3']) h.socket.send(m);
    h.server.rejectNext('AccessDenied');
    h.socket.reconnect();
    await h.clock.runAllAsync();
    expect(h.server.connections[0]?.received).toEqual(['1', '2', '3']);
    expect(h.of('stopped')).toMatchObject([{ cause: 'policy', pending: ['1', '2', '3'] }]);
  });

  it('(b) so do messages on an unconfirmed connection the app closes, replaces or disposes', () => {
    for (const end of ['close', 'dispose'] as const) {
      const h = held();
      h.socket.send('a');
      openHeld(h);
      h.clock.advance(0);
      h.socket[end]();
      h.clock.runAll();
      expect(h.of('stopped'), end).toMatchObject([{ cause: 'client', pending: ['a'] }]);
    }
    const h = held();
    h.socket.send('a');
    openHeld(h);
    h.clock.advance(0);
    h.socket.reconnect();
    h.clock.advance(0);
    expect(h.server.connections.map((c) => c.received)).toEqual([['a'], ['a']]);
  });

  it('(c) a message from the server confirms: a later close re-queues nothing, and later sends are not tracked', () => {
    const h = held();
    h.socket.send('a');
    openHeld(h);
    h.clock.advance(0);
    h.socket.send('b');
    h.server.send('hello');
    h.clock.advance(0);
    h.socket.send('c');
    h.server.closeAll(4000);
    h.clock.runAll();
    expect(h.server.connections.map((c) => c.received)).toEqual([['a', 'b', 'c'], []]);
    expect(h.of('message')).toEqual(['hello']);
  });

  it('(c) a heartbeat pong confirms too', () => {
    const h = held({ heartbeat: { intervalMs: 100, timeoutMs: 50 } });
    h.server.setAutoPong(true);
    h.socket.send('a');
    openHeld(h);
    h.clock.advance(100); // ping, pong
    h.server.closeAll(4000);
    h.clock.advance(0);
    h.clock.advance(1000);
    expect(h.server.connections[1]?.received.filter((m) => m !== 'ping')).toEqual([]);
  });

  it('(d) staying open confirmAfterMs confirms; a close one ms earlier re-queues', () => {
    for (const [openMs, again] of [
      [499, ['a', 'b']],
      [500, []],
    ] as const) {
      const h = held(confirmWindow);
      h.socket.send('a');
      openHeld(h);
      h.clock.advance(0);
      h.socket.send('b');
      h.clock.advance(openMs);
      h.server.dropAll();
      h.clock.advance(0);
      h.clock.advance(10);
      expect(h.server.connections[1]?.received, `open ${openMs} ms`).toEqual(again);
    }
  });

  it('(d) a send after the window ends the tracking', () => {
    const h = held(confirmWindow);
    h.socket.send('a');
    openHeld(h);
    h.clock.advance(600);
    h.socket.send('b');
    h.server.dropAll();
    h.clock.advance(0);
    h.clock.advance(10);
    expect(h.server.connections[1]?.received).toEqual([]);
  });

  it('(e) confirmAfterMs: 0 keeps fire-and-forget: what went into the rejected connection is gone', async () => {
    const h = setup({ ...reauth, startClosed: true, queue: { confirmAfterMs: 0 } });
    for (const m of ['1', '2', '3']) h.socket.send(m);
    h.server.rejectNext('TokenExpired');
    h.socket.reconnect();
    await h.clock.runAllAsync();
    expect(h.server.connections.map((c) => c.received)).toEqual([['1', '2', '3'], []]);
    expect(h.of('dropped')).toEqual([]);
  });

  it('(e) queue: false tracks nothing', async () => {
    const h = setup({ ...reauth, queue: false });
    h.socket.on('open', () => h.socket.send('hi'));
    h.server.rejectNext('AccessDenied');
    await h.clock.runAllAsync();
    expect(h.of('stopped')).toMatchObject([{ pending: [] }]);
  });

  it.each([
    ['drop-oldest', ['a', 'b'], ['c', 'd', 'e']],
    ['drop-newest', ['d', 'e'], ['a', 'b', 'c']],
    ['error', ['d', 'e'], ['a', 'b', 'c']],
  ] as const)('(f) %s: putting them back over queue.max reports exactly the dropped', async (overflow, dropped, delivered) => {
    const h = held({ ...reauth, queue: { max: 3, overflow } });
    for (const m of ['a', 'b', 'c']) h.socket.send(m);
    openHeld(h);
    h.clock.advance(0);
    h.socket.send('d');
    h.socket.send('e');
    h.server.lastConnection?.close('TokenExpired');
    await h.clock.runAllAsync();
    expect(h.of('dropped')).toEqual([{ messages: dropped }]);
    expect(h.server.connections[1]?.received).toEqual(delivered);
    expect(h.names().indexOf('dropped')).toBeGreaterThan(h.names().indexOf('close'));
  });
});
