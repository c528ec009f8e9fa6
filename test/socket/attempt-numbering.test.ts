// `attempt` means one thing in each public place (the glossary in docs/design.md):
// the number of the connection attempt in the current streak, 0 for the first
// try, 1 for the first retry. Re-authentications have their own count.
import { describe, expect, it } from 'vitest';
import { setup } from './harness';

describe('attempt numbering', () => {
  it('a re-auth does not count as a failed attempt: the first retry after it is attempt 1 everywhere', async () => {
    const h = setup({ policy: { rules: { TokenExpired: { action: 'reauth', delayMs: 0 } }, backoff: { initialMs: 100, jitter: 'none' } }, auth: { refresh: async () => {} } });
    h.server.rejectNext('TokenExpired');
    await h.clock.advanceAsync(0);
    await h.clock.advanceAsync(0);
    expect(h.of('reauth')).toMatchObject([{ attempt: 1 }]);
    expect(h.of('open').map((o) => o.attempt)).toEqual([0, 0]);
    expect(h.socket.attempt).toBe(0);
    h.server.dropAll();
    await h.clock.advanceAsync(0);
    expect(h.of('reconnecting').map((r) => r.attempt)).toEqual([1]);
    expect(h.of('close').at(-1)?.decision).toMatchObject({ action: 'reconnect', attempt: 1 });
    expect(h.socket.attempt).toBe(1);
    await h.clock.advanceAsync(100);
    expect(h.of('open').map((o) => o.attempt)).toEqual([0, 0, 1]);
  });

  it('the reauth streak is bounded on its own (maxReauth), and failures in between do not reset it', async () => {
    const h = setup({ policy: { rules: { TokenExpired: { action: 'reauth', delayMs: 0 } }, maxReauth: 2 }, auth: { refresh: async () => {} } });
    h.server.setDefault({ reject: 'TokenExpired' });
    await h.clock.runAllAsync();
    expect(h.of('reauth').map((r) => r.attempt)).toEqual([1, 2]);
    expect(h.of('stopped')).toMatchObject([{ cause: 'reauth-exhausted' }]);
    expect(h.server.attempts).toBe(3);
  });
});
