import { describe, expect, it } from 'vitest';
import { isPolicyError } from '../../src/errors';
import { createSocket, type SocketOptions } from '../../src/socket';
import { createFakeServer } from '../../src/testing';

const { WebSocket } = createFakeServer();

describe('createSocket validates its options up front', () => {
  it.each([
    ['options.connectTimeoutMs', { connectTimeoutMs: 0 }],
    ['options.connectTimeoutMs', { connectTimeoutMs: Number.NaN }],
    ['options.heartbeat', { heartbeat: 'yes' }],
    ['options.heartbeat.intervalMs', { heartbeat: { intervalMs: -1, timeoutMs: 10 } }],
    ['options.heartbeat.timeoutMs', { heartbeat: { intervalMs: 10 } }],
    ['options.heartbeat.isPong', { heartbeat: { intervalMs: 10, timeoutMs: 10, isPong: 'pong' } }],
    ['options.queue.max', { queue: { max: 0 } }],
    ['options.queue.max', { queue: { max: 1.5 } }],
    ['options.queue.overflow', { queue: { overflow: 'drop-all' } }],
    ['options.queue.confirmAfterMs', { queue: { confirmAfterMs: -1 } }],
    ['options.auth.refresh', { auth: {} }],
    ['options.protocols', { protocols: [''] }],
    ['options.codes', { codes: { TokenExpired: 4001 } }],
    ['options.policy', { policy: 'strict' }],
    ['options.pauseWhenOffline', { pauseWhenOffline: 'yes' }],
    ['options.online', { online: { isOnline: () => true } }],
    ['options.visibility', { visibility: {} }],
    ['options.timers', { timers: { setTimeout } }],
    ['options.clock', { clock: Date }],
    ['options.random', { random: 0.5 }],
    ['options.WebSocket', { WebSocket: 'ws' }],
    ['url', { url: 42 }],
  ])('%s: %j', (option, bad) => {
    const { url = 'ws://x.test', ...rest } = bad as { url?: unknown };
    const make = () => createSocket(url as string, { WebSocket, ...rest } as SocketOptions);
    expect(make).toThrow(TypeError);
    expect(make).toThrow(option);
  });

  it('reports bad policy options as a PolicyError naming the option', () => {
    let thrown: unknown;
    try {
      createSocket('ws://x.test', { WebSocket, policy: { backoff: { factor: 0.5 } } });
    } catch (error) {
      thrown = error;
    }
    expect(isPolicyError(thrown)).toBe(true);
    expect((thrown as { option: string }).option).toBe('backoff.factor');
  });

  it('asks for a WebSocket class when there is no global one', () => {
    const saved = (globalThis as { WebSocket?: unknown }).WebSocket;
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    try {
      expect(() => createSocket('ws://x.test')).toThrow(/options\.WebSocket/);
    } finally {
      if (saved !== undefined) (globalThis as { WebSocket?: unknown }).WebSocket = saved;
    }
  });
});
