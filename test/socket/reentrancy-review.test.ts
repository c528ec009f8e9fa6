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
import { toggle } from '../support/toggle';
import { setup } from './harness';
import { type Action, appOf, type CommonStep, commonSteps, expectEveryMessageAccounted } from './programs';

type Step =
  | CommonStep
  | { kind: 'page'; event: PageEvent['type']; persisted: boolean }
  | { kind: 'listen'; event: keyof SocketEvents; action: Action | 'none'; times: number }
  | { kind: 'network'; online: boolean }
  | { kind: 'visible'; visible: boolean };

const ACTIONS: (Action | 'none')[] = ['send', 'send', 'close', 'reconnect', 'none', 'dispose'];
const EVENTS: (keyof SocketEvents)[] = ['state', 'open', 'close', 'rejected', 'reconnecting', 'reauth', 'stopped', 'dropped', 'queued', 'message', 'error'];

const step: fc.Arbitrary<Step> = fc.oneof(
  ...commonSteps(ACTIONS),
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
        const online = toggle(true);
        const visible = toggle(true);
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
          online: { isOnline: online.get, subscribe: online.subscribe },
          visibility: { isVisible: visible.get, subscribe: visible.subscribe },
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
        const app = appOf(h);
        const acked = new Set<string>();
        h.socket.on('message', (d) => {
          if (typeof d === 'string' && d.startsWith('ack:')) acked.add(d.slice(4));
        });
        // A second stopped only after the socket left 'stopped' (a reconnect() started a new run).
        const violations: string[] = [];
        h.socket.on('stopped', () => {
          if (app.stoppedRuns !== app.runs) violations.push(`stopped #${app.stoppedRuns} in run ${app.runs}`);
          if (h.socket.state !== 'stopped') violations.push(`stopped in state ${h.socket.state}`);
        });
        for (const s of steps) {
          if (app.disposed) break;
          if (await app.step(s)) continue;
          switch (s.kind) {
            case 'page': {
              const event = (s.event === 'pagehide' || s.event === 'pageshow' ? { type: s.event, persisted: s.persisted } : { type: s.event }) as PageEvent;
              for (const l of [...pageListeners]) l(event);
              break;
            }
            case 'network':
              online.set(s.online);
              break;
            case 'visible':
              visible.set(s.visible);
              break;
            case 'listen': {
              let left = s.times;
              const listener = (): void => {
                if (left-- <= 0) return;
                app.act(s.action);
              };
              h.socket.on(s.event, listener as never);
              break;
            }
          }
        }
        await app.finish(() => {
          online.set(true);
          visible.set(true);
          for (const l of [...pageListeners]) l({ type: 'pageshow', persisted: true });
        });
        expect(h.clock.pending()).toBe(0);
        expect(pageListeners.size + online.listeners.size + visible.listeners.size).toBe(0);
        expect(h.server.openConnections).toHaveLength(0);
        expect(h.socket.state).toBe('stopped');
        // one stopped per run: a second one only after a reconnect()
        expect(app.stoppedRuns).toBe(app.runs);
        expect(violations).toEqual([]);
        expect(h.of('error').filter((e) => !isSocketError(e) || e.code === 'listener-failed')).toEqual([]);
        expectEveryMessageAccounted(h, app, ackMode, acked);
        for (const e of h.of('error')) expect(isSocketError(e) ? e.code : e).not.toBe('never');
      }),
      { numRuns: Number(process.env.SOCKET_PROPERTY_RUNS ?? 150) },
    );
  });
});
