// The app's hooks that call back into the socket (second review): whatever
// `queue.ack`'s idOf/acked, the heartbeat's hooks, the url function or the
// policy do to the socket while it is in the middle of something, every
// message the app handed over is still written, thrown back or handed back,
// and never twice.
import { describe, expect, it } from 'vitest';
import { setup } from './harness';

const ackOf = (data: unknown): string | undefined => (typeof data === 'string' && data.startsWith('ack:') ? data.slice(4) : undefined);

/** A socket in ack mode whose acked() first runs `hook.during` (a no-op until the test sets it). */
function ackSocket(options: Parameters<typeof setup>[0] = {}) {
  const hook = { during: (): void => {} };
  const h = setup({
    queue: {
      max: 10,
      ack: {
        idOf: (d: unknown) => d,
        acked: (d: unknown) => {
          hook.during();
          return ackOf(d);
        },
      },
    },
    ...options,
  });
  return { h, hook };
}

describe('queue.ack hooks that call back into the socket wait until the outbox is done with the message', () => {
  it('acked() calling reconnect(): the ack is taken first, and what was not acknowledged is written again once (it was kept in flight twice)', async () => {
    const { h, hook } = ackSocket({ policy: { backoff: { initialMs: 10, jitter: 'none' } } });
    await h.clock.advanceAsync(0);
    h.socket.send('a');
    h.socket.send('b');
    hook.during = () => {
      hook.during = () => {};
      h.socket.reconnect();
    };
    h.server.send('ack:a');
    await h.clock.advanceAsync(100);
    expect(h.socket.state).toBe('open');
    expect(h.server.connections[1]?.received).toEqual(['b']);
    h.socket.dispose();
    // Before: pending [b, a, b], and a and b written again after the reconnect.
    expect(h.of('stopped')).toMatchObject([{ cause: 'client', pending: ['b'] }]);
    expect(h.of('dropped')).toEqual([]);
  });

  it('acked() calling dispose(): a message it acknowledges is not handed back in pending as well', async () => {
    const { h, hook } = ackSocket();
    await h.clock.advanceAsync(0);
    h.socket.send('a');
    h.socket.send('b');
    hook.during = () => h.socket.dispose();
    h.server.send('ack:a');
    await h.clock.advanceAsync(0);
    expect(h.socket.state).toBe('stopped');
    expect(h.of('stopped')).toMatchObject([{ cause: 'client', pending: ['b'] }]);
  });

  it.each([
    ['dispose', ['a', 'bad'], 1],
    ['reconnect', [], 2],
  ] as const)('idOf() that throws, whose error listener calls %s(): the message is written, tracked and handed back or sent again (it was lost)', async (call, pendingBefore, connections) => {
    const h = setup({
      queue: {
        max: 10,
        ack: {
          idOf: (d: unknown) => {
            if (d === 'bad') throw new Error('no id');
            return d;
          },
          acked: ackOf,
        },
      },
      policy: { backoff: { initialMs: 10, jitter: 'none' } },
    });
    await h.clock.advanceAsync(0);
    h.socket.send('a');
    h.socket.once('error', () => h.socket[call]());
    h.socket.send('bad');
    expect(h.of('error')).toMatchObject([{ code: 'hook-failed' }]);
    expect(h.of('stopped').flatMap((s) => s.pending)).toEqual(pendingBefore);
    await h.clock.advanceAsync(100);
    expect(h.server.connections).toHaveLength(connections);
    expect(h.server.connections.map((c) => c.received)).toEqual(
      connections === 1
        ? [['a', 'bad']]
        : [
            ['a', 'bad'],
            ['a', 'bad'],
          ],
    );
    h.socket.dispose();
    expect(h.of('stopped').flatMap((s) => s.pending)).toEqual(['a', 'bad']);
  });
});
