// Random programs (extending guarantee-properties.test.ts) with listeners on
// every event that call back into the socket (send, close, reconnect, dispose),
// the page's life (back/forward cache, freeze/resume), network and visibility
// flapping, in ack mode or confirm mode: nothing escapes, nothing is left
// behind, every run ends in exactly one `stopped`, and every message is
// acknowledged, dropped or handed back (ack mode: exactly once).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PageEvent, SocketEvents } from '../../src/socket';
import { isSocketError } from '../../src/socket';
import { runServerStep, type ServerStep, setup } from './harness';

type Action = 'send' | 'close' | 'reconnect' | 'dispose' | 'none';
type Step =
  | Exclude<ServerStep, { kind: 'restart' }>
  | { kind: 'advance'; ms: number }
  | { kind: 'call'; action: Action }
  | { kind: 'page'; event: PageEvent['type']; persisted: boolean }
  | { kind: 'listen'; event: keyof SocketEvents; action: Action; times: number }
  | { kind: 'network'; online: boolean }
  | { kind: 'visible'; visible: boolean };

const CODES = [1000, 1001, 1011, 1012, 3000, 4000, 4001, 4003, 4029];
const ACTIONS: Action[] = ['send', 'send', 'close', 'reconnect', 'none', 'dispose'];
const EVENTS: (keyof SocketEvents)[] = ['state', 'open', 'close', 'rejected', 'reconnecting', 'reauth', 'stopped', 'dropped', 'queued', 'message', 'error'];

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3000 }) }) },
  fc.record({ kind: fc.constant('drop' as const) }),
  fc.record({ kind: fc.constant('serverClose' as const), code: fc.constantFrom(...CODES) }),
  fc.record({ kind: fc.constant('script' as const), behaviour: fc.constantFrom<'refuse' | 'hang' | 'accept' | number>('refuse', 'hang', 'accept', ...CODES) }),
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('call' as const), action: fc.constantFrom(...ACTIONS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('page' as const), event: fc.constantFrom<PageEvent['type']>('pagehide', 'pageshow', 'freeze', 'resume'), persisted: fc.boolean() }) },
  fc.record({ kind: fc.constant('network' as const), online: fc.boolean() }),
  fc.record({ kind: fc.constant('visible' as const), visible: fc.boolean() }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('listen' as const), event: fc.constantFrom(...EVENTS), action: fc.constantFrom(...ACTIONS), times: fc.integer({ min: 1, max: 3 }) }) },
);

describe('re-entrant listeners and the page life, in ack mode', () => {
  it('nothing escapes, nothing is left behind, one stopped per run, every message accounted for (exactly once in ack mode)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), fc.constantFrom('drop-oldest', 'drop-newest', 'error'), fc.boolean(), fc.boolean(), async (steps, overflow, withHeartbeat, ackMode) => {
        const pageListeners = new Set<(event: PageEvent) => void>();
        let online = true;
        let visible = true;
        const onlineListeners = new Set<(value: boolean) => void>();
        const visibleListeners = new Set<(value: boolean) => void>();
        const h = setup({
          policy: { rules: { TokenExpired: 'reauth', AccessDenied: 'stop' }, backoff: { initialMs: 50, maxMs: 1000 }, maxAttempts: 8 },
          auth: { refresh: async () => {} },
          queue: {
            max: 5,
            overflow,
            ...(ackMode ? { ack: { idOf: (d: unknown) => d, acked: (d: unknown) => (typeof d === 'string' && d.startsWith('ack:') ? d.slice(4) : undefined) } } : {}),
          },
          connectTimeoutMs: 1000,
          pauseWhenOffline: true,
          pauseWhenHidden: true,
          online: {
            isOnline: () => online,
            subscribe: (l) => {
              onlineListeners.add(l);
              return () => onlineListeners.delete(l);
            },
          },
          visibility: {
            isVisible: () => visible,
            subscribe: (l) => {
              visibleListeners.add(l);
              return () => visibleListeners.delete(l);
            },
          },
          heartbeat: withHeartbeat ? { intervalMs: 500, timeoutMs: 300 } : false,
          lifecycle: {
            page: {
              subscribe: (l) => {
                pageListeners.add(l);
                return () => pageListeners.delete(l);
              },
            },
          },
        });
        h.server.setAutoPong(true);
        h.server.onMessage((data, connection) => {
          if (data !== 'ping' && connection.state === 'open') connection.send(`ack:${String(data)}`);
        });
        let next = 0;
        let disposed = false;
        const sent: string[] = [];
        const acked = new Set<string>();
        h.socket.on('message', (d) => {
          if (typeof d === 'string' && d.startsWith('ack:')) acked.add(d.slice(4));
        });
        // A second stopped only after the socket left 'stopped' (a reconnect() started a new run).
        let runs = 1;
        let stoppedRuns = 0;
        h.socket.on('state', ({ previous }) => {
          if (previous === 'stopped') runs++;
        });
        const violations: string[] = [];
        h.socket.on('stopped', () => {
          stoppedRuns++;
          if (stoppedRuns !== runs) violations.push(`stopped #${stoppedRuns} in run ${runs}`);
          if (h.socket.state !== 'stopped') violations.push(`stopped in state ${h.socket.state}`);
        });
        const act = (action: Action): void => {
          if (disposed) return;
          switch (action) {
            case 'send': {
              const message = String(next++);
              try {
                h.socket.send(message);
                sent.push(message);
              } catch (error) {
                if (!isSocketError(error) || !['stopped', 'queue-full', 'disposed'].includes(error.code)) throw error;
              }
              return;
            }
            case 'close':
              return h.socket.close();
            case 'reconnect':
              return h.socket.reconnect();
            case 'dispose':
              disposed = true;
              return h.socket.dispose();
          }
        };
        for (const s of steps) {
          if (disposed) break;
          switch (s.kind) {
            case 'advance':
              await h.clock.advanceAsync(s.ms);
              break;
            case 'drop':
            case 'serverClose':
            case 'script':
              runServerStep(h.server, s);
              break;
            case 'call':
              act(s.action);
              break;
            case 'page': {
              const event = (s.event === 'pagehide' || s.event === 'pageshow' ? { type: s.event, persisted: s.persisted } : { type: s.event }) as PageEvent;
              for (const l of [...pageListeners]) l(event);
              break;
            }
            case 'network':
              online = s.online;
              for (const l of [...onlineListeners]) l(s.online);
              break;
            case 'visible':
              visible = s.visible;
              for (const l of [...visibleListeners]) l(s.visible);
              break;
            case 'listen': {
              let left = s.times;
              const listener = (): void => {
                if (left-- <= 0) return;
                act(s.action);
              };
              h.socket.on(s.event, listener as never);
              break;
            }
          }
        }
        if (!disposed) {
          online = visible = true;
          for (const l of [...onlineListeners]) l(true);
          for (const l of [...visibleListeners]) l(true);
          for (const l of [...pageListeners]) l({ type: 'pageshow', persisted: true });
          h.server.setDefault('accept');
          await h.clock.advanceAsync(60_000);
          expect(['open', 'stopped']).toContain(h.socket.state);
          disposed = true;
          h.socket.dispose();
        }
        await h.clock.runAllAsync();
        expect(h.clock.pending()).toBe(0);
        expect(pageListeners.size + onlineListeners.size + visibleListeners.size).toBe(0);
        expect(h.server.openConnections).toHaveLength(0);
        expect(h.socket.state).toBe('stopped');
        // one stopped per run: a second one only after a reconnect()
        expect(stoppedRuns).toBe(runs);
        expect(violations).toEqual([]);
        expect(h.of('error').filter((e) => !isSocketError(e) || e.code === 'listener-failed')).toEqual([]);
        const dropped = h.of('dropped').flatMap((d) => d.messages);
        const pending = h.of('stopped').flatMap((s) => s.pending);
        const count = (list: readonly unknown[], m: string) => list.filter((x) => x === m).length;
        const confirmed = h.clients.map((c) => c.heard || (c.openedAt !== undefined && c.closedAt !== undefined && c.closedAt - c.openedAt >= 1000));
        const delivered = new Set(h.server.connections.flatMap((c, i) => (confirmed[i] ? c.received : [])));
        for (const m of sent) {
          if (!ackMode) {
            expect(delivered.has(m) || dropped.includes(m) || pending.includes(m), `message ${m}`).toBe(true);
            continue;
          }
          expect((acked.has(m) ? 1 : 0) + count(dropped, m) + count(pending, m), `message ${m}: acked ${acked.has(m)}, dropped ${count(dropped, m)}, pending ${count(pending, m)}`).toBe(1);
        }
        for (const e of h.of('error')) expect(isSocketError(e) ? e.code : e).not.toBe('never');
      }),
      { numRuns: Number(process.env.SOCKET_PROPERTY_RUNS ?? 150) },
    );
  });
});
