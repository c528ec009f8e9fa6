// The app's hooks that call back into the socket (second review): whatever
// `queue.ack`'s idOf/acked, the heartbeat's hooks, the url function or the
// policy do to the socket while it is in the middle of something, every
// message the app handed over is still written, thrown back or handed back,
// and never twice.
import { describe, expect, it } from 'vitest';
import { isSocketError } from '../../src/socket';
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

  it.each([
    ['whose error listener calls dispose()', 'dispose'],
    ['whose error listener calls reconnect()', 'reconnect'],
  ] as const)('idOf() that throws, %s: send() throws send-failed, the message is not lost in a flight nobody reads', async (_what, call) => {
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
    let thrown: unknown;
    try {
      h.socket.send('bad');
    } catch (error) {
      thrown = error;
    }
    await h.clock.advanceAsync(100);
    if (call === 'reconnect') {
      expect(h.socket.state).toBe('open');
      expect(h.server.connections[1]?.received).toEqual(['a']);
      h.socket.dispose();
    }
    // Before: `bad` was written to the connection being ended and kept in a flight the socket had already let go of.
    const pending = h.of('stopped').flatMap((s) => s.pending);
    expect(isSocketError(thrown) && thrown.code).toBe('send-failed');
    expect(pending).toEqual(['a']);
  });
});
