import { describe, expect, it } from 'vitest';
import { isPolicyError } from '../../src/errors';
import { isSocketError } from '../../src/socket';
import { createPolicy } from '../../src/policy';
import { createSocket, type SocketOptions } from '../../src/socket';
import { createFakeServer } from '../../src/testing';

const { WebSocket } = createFakeServer();

describe('createSocket validates its options up front', () => {
  it.each([
    ['connectTimeoutMs', { connectTimeoutMs: 0 }],
    ['connectTimeoutMs', { connectTimeoutMs: Number.NaN }],
    ['heartbeat', { heartbeat: 'yes' }],
    ['heartbeat.intervalMs', { heartbeat: { intervalMs: -1, timeoutMs: 10 } }],
    ['heartbeat.timeoutMs', { heartbeat: { intervalMs: 10 } }],
    ['heartbeat.isPong', { heartbeat: { intervalMs: 10, timeoutMs: 10, isPong: 'pong' } }],
    ['queue.max', { queue: { max: 0 } }],
    ['queue.max', { queue: { max: 1.5 } }],
    ['queue.overflow', { queue: { overflow: 'drop-all' } }],
    ['queue.confirmAfterMs', { queue: { confirmAfterMs: -1 } }],
    ['auth.refresh', { auth: {} }],
    ['protocols', { protocols: [''] }],
    ['codes', { codes: { TokenExpired: 4001 } }],
    ['policy', { policy: 'strict' }],
    ['pauseWhenOffline', { pauseWhenOffline: 'yes' }],
    ['online', { online: { isOnline: () => true } }],
    ['visibility', { visibility: {} }],
    ['timers', { timers: { setTimeout } }],
    ['clock', { clock: { now: 5 } }],
    ['random', { random: 0.5 }],
    ['WebSocket', { WebSocket: 'ws' }],
    ['url', { url: 42 }],
  ])('%s: %j', (option, bad) => {
    const { url = 'ws://x.test', ...rest } = bad as { url?: unknown };
    let thrown: unknown;
    try {
      createSocket(url as string, { WebSocket, ...rest } as SocketOptions);
    } catch (error) {
      thrown = error;
    }
    // closekit's typed error, naming the option in its field and its message (issue #11: never a bare TypeError).
    expect(isSocketError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: 'invalid-option', option });
    expect((thrown as Error).message).toContain(option);
  });

  it('reports bad policy options as a PolicyError naming the option, from createPolicy', () => {
    let thrown: unknown;
    try {
      createSocket('ws://x.test', { WebSocket, policy: createPolicy({ backoff: { factor: 0.5 } }) });
    } catch (error) {
      thrown = error;
    }
    expect(isPolicyError(thrown)).toBe(true);
    expect((thrown as { option: string }).option).toBe('backoff.factor');
  });

  it('refuses policy options passed without createPolicy, saying how to compile them', () => {
    let thrown: unknown;
    try {
      createSocket('ws://x.test', { WebSocket, policy: { maxAttempts: 3 } as never });
    } catch (error) {
      thrown = error;
    }
    expect(isSocketError(thrown)).toBe(true);
    expect((thrown as { code: string; option: string }).code).toBe('invalid-option');
    expect((thrown as { option: string }).option).toBe('policy');
    expect((thrown as Error).message).toContain('createPolicy(');
  });

  it('points policy options written at the top level to createPolicy', () => {
    expect(() => createSocket('ws://x.test', { WebSocket, maxAttempts: 3 } as never)).toThrow(/maxAttempts.*createPolicy\(\{ maxAttempts \}\)/);
  });

  it('asks for a policy for a hand-made preset with rules but no compiled policy', () => {
    let thrown: unknown;
    try {
      createSocket('ws://x.test', { WebSocket, preset: { name: 'mine', rules: { 4000: 'stop' } } });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as { option: string }).option).toBe('preset.policy');
    expect((thrown as Error).message).toContain('createPolicy({ preset })');
  });

  it('asks for a WebSocket class when there is no global one', () => {
    const saved = (globalThis as { WebSocket?: unknown }).WebSocket;
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    try {
      expect(() => createSocket('ws://x.test')).toThrow(/WebSocket.*no global WebSocket/);
    } finally {
      if (saved !== undefined) (globalThis as { WebSocket?: unknown }).WebSocket = saved;
    }
  });
});

describe('clock', () => {
  it('takes Date itself, its documented default (a function with now())', () => {
    const socket = createSocket('ws://x.test', { WebSocket, clock: Date, startClosed: true });
    expect(socket.state).toBe('idle');
    socket.dispose();
  });
});
