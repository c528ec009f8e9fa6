// The app's hooks that call back into the socket (second review): whatever
// `queue.ack`'s idOf/acked, the heartbeat's hooks, the url function or the
// policy do to the socket while it is in the middle of something, every
// message the app handed over is still written, thrown back or handed back,
// and never twice.
import { describe, expect, it } from 'vitest';
import { setup } from './harness';

const ackOf = (data: unknown): string | undefined => (typeof data === 'string' && data.startsWith('ack:') ? data.slice(4) : undefined);

describe('queue.ack hooks that call back into the socket', () => {
  it('acked() calling reconnect(): the messages it gave back to the queue are not kept in flight as well (no duplicates)', async () => {
    let during = (): void => {};
    const h = setup({
      queue: {
        max: 10,
        ack: {
          idOf: (d: unknown) => d,
          acked: (d: unknown) => {
            during();
            return ackOf(d);
          },
        },
      },
      policy: { backoff: { initialMs: 10, jitter: 'none' } },
    });
    await h.clock.advanceAsync(0);
    h.socket.send('a');
    h.socket.send('b');
    during = () => {
      during = () => {};
      h.socket.reconnect();
    };
    h.server.send('ack:a');
    await h.clock.advanceAsync(100);
    expect(h.socket.state).toBe('open');
    // The reconnect gave a and b back to the queue before the ack was read: both are written again, once each.
    expect(h.server.connections[1]?.received).toEqual(['a', 'b']);
    h.socket.dispose();
    expect(h.of('stopped')).toMatchObject([{ cause: 'client', pending: ['a', 'b'] }]);
    expect(h.of('dropped')).toEqual([]);
  });
});
