// Random programs of server behaviour, network changes and app calls against
// the fake server: the guarantees of DESIGN.md must hold for every one.
//
// Delivery is exactly-once on confirmed connections. A connection that closed
// unconfirmed (nothing from the server, open less than queue.confirmAfterMs)
// may have received messages the server then discarded: those, and only
// those, are sent again (or handed back in dropped/stopped).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toggle } from '../support/toggle';
import { runServerStep, type ServerStep, setup } from './harness';

type Step = ServerStep | { kind: 'advance'; ms: number } | { kind: 'send' } | { kind: 'reconnect' } | { kind: 'close' } | { kind: 'network'; online: boolean };

const CODES = [1000, 1001, 1008, 1011, 1012, 1013, 3000, 3003, 4000, 4001, 4003, 4029, 4999];

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3000 }) }) },
  fc.record({ kind: fc.constant('drop' as const) }),
  fc.record({ kind: fc.constant('restart' as const), downForMs: fc.integer({ min: 0, max: 2000 }) }),
  fc.record({ kind: fc.constant('serverClose' as const), code: fc.constantFrom(...CODES) }),
  fc.record({ kind: fc.constant('script' as const), behaviour: fc.constantFrom<'refuse' | 'hang' | 'accept' | number>('refuse', 'hang', 'accept', ...CODES) }),
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('send' as const) }) },
  fc.record({ kind: fc.constant('reconnect' as const) }),
  fc.record({ kind: fc.constant('close' as const) }),
  fc.record({ kind: fc.constant('network' as const), online: fc.boolean() }),
);

describe('socket properties', () => {
  it('never loses a message silently, never reorders or duplicates except across an unconfirmed close, and leaves nothing behind', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), fc.boolean(), async (steps, withHeartbeat) => {
        const online = toggle(true);
        const h = setup({
          policy: { rules: { TokenExpired: 'reauth', AccessDenied: 'stop' }, backoff: { initialMs: 50, maxMs: 1000 }, maxAttempts: 8 },
          auth: { refresh: async () => {} },
          queue: { max: 20, overflow: 'drop-oldest' },
          connectTimeoutMs: 1000,
          heartbeat: withHeartbeat ? { intervalMs: 500, timeoutMs: 300 } : false,
          pauseWhenOffline: true,
          online: { isOnline: online.get, subscribe: online.subscribe },
          random: () => 0.5,
        });
        h.server.setAutoPong(true);
        let next = 0;
        const sent: string[] = [];
        for (const s of steps) {
          switch (s.kind) {
            case 'advance':
              await h.clock.advanceAsync(s.ms);
              break;
            case 'drop':
            case 'restart':
            case 'serverClose':
            case 'script':
              runServerStep(h.server, s);
              break;
            case 'send': {
              if (h.socket.state === 'stopped') {
                expect(() => h.socket.send('x')).toThrow();
                break;
              }
              const message = String(next++);
              h.socket.send(message);
              sent.push(message);
              break;
            }
            case 'reconnect':
              h.socket.reconnect();
              break;
            case 'close':
              h.socket.close();
              break;
            case 'network':
              online.set(s.online);
              break;
          }
        }
        // Liveness: with the network up and the server accepting, every run ends open or stopped, never stuck.
        online.set(true);
        h.server.setDefault('accept');
        await h.clock.advanceAsync(60_000);
        expect(['open', 'stopped']).toContain(h.socket.state);
        h.socket.dispose();
        await h.clock.runAllAsync();

        // nothing left behind
        expect(h.clock.pending()).toBe(0);
        expect(online.listeners.size).toBe(0);
        expect(h.server.openConnections).toHaveLength(0);
        // confirmed as the socket defines it (queue.confirmAfterMs, default 1000), seen from the client end
        expect(h.clients).toHaveLength(h.server.connections.length);
        const confirmed = h.clients.map((c) => c.heard || (c.openedAt !== undefined && c.closedAt !== undefined && c.closedAt - c.openedAt >= 1000));
        const messagesOf = (i: number) => (h.server.connections[i]?.received ?? []).filter((m) => m !== 'ping') as string[];
        // in order on every connection, and in order, at most once, across the confirmed ones
        const delivered: string[] = [];
        h.server.connections.forEach((_c, i) => {
          const numbers = messagesOf(i).map(Number);
          expect(numbers).toEqual([...new Set(numbers)].sort((a, b) => a - b));
          if (confirmed[i]) delivered.push(...messagesOf(i));
        });
        expect(delivered.map(Number)).toEqual([...new Set(delivered.map(Number))].sort((a, b) => a - b));
        // accounted for exactly once: delivered on a confirmed connection, dropped, or handed back at stopped
        const dropped = h.of('dropped').flatMap((d) => d.messages);
        const pending = h.of('stopped').flatMap((s) => s.pending);
        const count = (list: readonly unknown[], m: string) => list.filter((x) => x === m).length;
        for (const m of sent) {
          expect(count(delivered, m) + count(dropped, m) + count(pending, m), `message ${m}`).toBe(1);
        }
        // what an unconfirmed connection received is sent again on a later one, or handed back
        h.server.connections.forEach((_c, i) => {
          if (confirmed[i]) return;
          for (const m of messagesOf(i)) {
            const later = h.server.connections.slice(i + 1).some((_l, j) => messagesOf(i + 1 + j).includes(m));
            expect(later || dropped.includes(m) || pending.includes(m), `message ${m} on unconfirmed connection ${i + 1}`).toBe(true);
          }
        });
        // every run ends in exactly one stopped per stop, and no error other than reported ones
        expect(h.socket.state).toBe('stopped');
        expect(h.of('error').every((e) => e instanceof Error)).toBe(true);
      }),
      { numRuns: Number(process.env.SOCKET_PROPERTY_RUNS ?? 150) },
    );
  });
});
