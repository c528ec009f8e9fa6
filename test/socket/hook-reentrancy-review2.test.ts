// Random programs (beside reentrancy-review.test.ts, which does it from
// listeners) in which the app's hooks call back into the socket: the url
// function, auth.refresh, queue.ack's idOf/acked, the heartbeat's message,
// isPong and answer, a hand-written policy's decide and the random source each
// may call send(), close(), reconnect() or dispose() while the socket is in the
// middle of something. Nothing escapes, nothing is left behind, every run ends
// in one `stopped`, and every message is thrown back at send(), acknowledged,
// dropped or handed back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPolicy } from '../../src/policy';
import { isSocketError } from '../../src/socket';
import { AppCodes, runServerStep, type ServerStep, setup } from './harness';

type Action = 'send' | 'close' | 'reconnect' | 'dispose';
type Hook = 'url' | 'refresh' | 'idOf' | 'acked' | 'message' | 'isPong' | 'answer' | 'decide' | 'random';
type Step = Exclude<ServerStep, { kind: 'restart' }> | { kind: 'advance'; ms: number } | { kind: 'call'; action: Action } | { kind: 'arm'; hook: Hook; action: Action; times: number };

const CODES = [1000, 1001, 1011, 1012, 3000, 4000, 4001, 4003, 4029];
const ACTIONS: Action[] = ['send', 'send', 'close', 'reconnect', 'dispose'];
const HOOKS: Hook[] = ['url', 'refresh', 'idOf', 'acked', 'message', 'isPong', 'answer', 'decide', 'random'];

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3000 }) }) },
  fc.record({ kind: fc.constant('drop' as const) }),
  fc.record({ kind: fc.constant('serverClose' as const), code: fc.constantFrom(...CODES) }),
  fc.record({ kind: fc.constant('script' as const), behaviour: fc.constantFrom<'refuse' | 'hang' | 'accept' | number>('refuse', 'hang', 'accept', ...CODES) }),
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('call' as const), action: fc.constantFrom(...ACTIONS) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('arm' as const), hook: fc.constantFrom(...HOOKS), action: fc.constantFrom(...ACTIONS), times: fc.integer({ min: 1, max: 3 }) }) },
);

describe('hooks that call back into the socket', () => {
  it('nothing escapes, nothing is left behind, one stopped per run, every message accounted for', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), fc.constantFrom('drop-oldest', 'drop-newest', 'error'), fc.boolean(), async (steps, overflow, ackMode) => {
        const armed = new Map<Hook, { action: Action; left: number }>();
        const acked = new Set<string>();
        let act: (action: Action) => void = () => {};
        const hook = (name: Hook): void => {
          const arm = armed.get(name);
          if (arm === undefined || arm.left <= 0) return;
          arm.left--;
          act(arm.action);
        };
        const compiled = createPolicy({ codes: AppCodes, rules: { TokenExpired: 'reauth', AccessDenied: 'stop' }, backoff: { initialMs: 50, maxMs: 1000 }, maxAttempts: 8, random: () => 0.5 });
        const h = setup({
          url: () => {
            hook('url');
            return 'ws://app.test/live';
          },
          policy: {
            ...compiled,
            decide: (result, context) => {
              hook('decide');
              return compiled.decide(result as Parameters<typeof compiled.decide>[0], context);
            },
          },
          random: () => {
            hook('random');
            return 0.5;
          },
          auth: {
            refresh: async () => {
              hook('refresh');
            },
          },
          queue: {
            max: 5,
            overflow,
            ...(ackMode
              ? {
                  ack: {
                    idOf: (d: unknown) => {
                      hook('idOf');
                      return d;
                    },
                    acked: (d: unknown) => {
                      hook('acked');
                      const id = typeof d === 'string' && d.startsWith('ack:') ? d.slice(4) : undefined;
                      // What the socket takes as acknowledged (an app listener would miss an ack read just before its dispose()).
                      if (id !== undefined) acked.add(id);
                      return id;
                    },
                  },
                }
              : {}),
          },
          connectTimeoutMs: 1000,
          heartbeat: {
            intervalMs: 500,
            timeoutMs: 300,
            message: () => {
              hook('message');
              return 'ping';
            },
            isPong: (d: unknown) => {
              hook('isPong');
              return d === 'pong';
            },
            answer: () => {
              hook('answer');
              return undefined;
            },
          },
          lifecycle: { quickRetries: 2 },
        });
        h.server.setAutoPong(true);
        h.server.onMessage((data, connection) => {
          if (data !== 'ping' && connection.state === 'open') connection.send(`ack:${String(data)}`);
        });
        let next = 0;
        let disposed = false;
        const sent: string[] = [];
        const thrown: string[] = [];
        let runs = 1;
        let stoppedRuns = 0;
        h.socket.on('state', ({ previous }) => {
          if (previous === 'stopped') runs++;
        });
        h.socket.on('stopped', () => stoppedRuns++);
        act = (action) => {
          if (disposed) return;
          switch (action) {
            case 'send': {
              const message = String(next++);
              sent.push(message);
              try {
                h.socket.send(message);
              } catch (error) {
                if (!isSocketError(error) || !['stopped', 'queue-full', 'disposed', 'send-failed'].includes(error.code)) throw error;
                thrown.push(message);
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
            case 'arm':
              armed.set(s.hook, { action: s.action, left: s.times });
              break;
          }
        }
        if (!disposed) {
          armed.clear();
          h.server.setDefault('accept');
          await h.clock.advanceAsync(60_000);
          expect(['open', 'stopped']).toContain(h.socket.state);
          disposed = true;
          h.socket.dispose();
        }
        await h.clock.runAllAsync();
        expect(h.clock.pending()).toBe(0);
        expect(h.server.openConnections).toHaveLength(0);
        expect(h.socket.state).toBe('stopped');
        expect(stoppedRuns).toBe(runs);
        expect(h.of('error').filter((e) => !isSocketError(e) || e.code === 'listener-failed')).toEqual([]);
        const dropped = h.of('dropped').flatMap((d) => d.messages);
        const pending = h.of('stopped').flatMap((s) => s.pending);
        const count = (list: readonly unknown[], m: string) => list.filter((x) => x === m).length;
        const confirmed = h.clients.map((c) => c.heard || (c.openedAt !== undefined && c.closedAt !== undefined && c.closedAt - c.openedAt >= 1000));
        const delivered = new Set(h.server.connections.flatMap((c, i) => (confirmed[i] ? c.received : [])));
        for (const m of sent) {
          const handedBack = count(thrown, m) + count(dropped, m) + count(pending, m);
          if (!ackMode) {
            expect(delivered.has(m) || handedBack > 0, `message ${m}`).toBe(true);
            expect(handedBack, `message ${m}`).toBeLessThanOrEqual(1);
            continue;
          }
          expect((acked.has(m) ? 1 : 0) + handedBack, `message ${m}: acked ${acked.has(m)}, thrown ${count(thrown, m)}, dropped ${count(dropped, m)}, pending ${count(pending, m)}`).toBe(1);
        }
      }),
      { numRuns: Number(process.env.SOCKET_PROPERTY_RUNS ?? 150) },
    );
  });
});
