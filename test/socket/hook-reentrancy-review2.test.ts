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
import { AppCodes, setup } from './harness';
import { type Action, appOf, type CommonStep, commonSteps, expectEveryMessageAccounted } from './programs';

type Hook = 'url' | 'refresh' | 'idOf' | 'acked' | 'message' | 'isPong' | 'answer' | 'decide' | 'random';
type Step = CommonStep | { kind: 'arm'; hook: Hook; action: Action; times: number };

const ACTIONS: Action[] = ['send', 'send', 'close', 'reconnect', 'dispose'];
const HOOKS: Hook[] = ['url', 'refresh', 'idOf', 'acked', 'message', 'isPong', 'answer', 'decide', 'random'];

const step: fc.Arbitrary<Step> = fc.oneof(...commonSteps(ACTIONS), {
  weight: 3,
  arbitrary: fc.record({ kind: fc.constant('arm' as const), hook: fc.constantFrom(...HOOKS), action: fc.constantFrom(...ACTIONS), times: fc.integer({ min: 1, max: 3 }) }),
});

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
        const app = appOf(h);
        act = app.act;
        for (const s of steps) {
          if (app.disposed) break;
          if (await app.step(s)) continue;
          if (s.kind === 'arm') armed.set(s.hook, { action: s.action, left: s.times });
        }
        await app.finish(() => armed.clear());
        expect(h.clock.pending()).toBe(0);
        expect(h.server.openConnections).toHaveLength(0);
        expect(h.socket.state).toBe('stopped');
        expect(app.stoppedRuns).toBe(app.runs);
        expect(h.of('error').filter((e) => !isSocketError(e) || e.code === 'listener-failed')).toEqual([]);
        expectEveryMessageAccounted(h, app, ackMode, acked);
      }),
      { numRuns: Number(process.env.SOCKET_PROPERTY_RUNS ?? 150) },
    );
  });
});
