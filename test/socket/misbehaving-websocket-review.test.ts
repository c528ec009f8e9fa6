// Random programs against a WebSocket that misbehaves: open twice, close
// without open, events after close, close events with odd codes or none,
// handlers called synchronously inside send()/close() or when set, send() and
// close() that throw; with listeners calling back into the socket. Nothing may
// escape, nothing may be left behind, every run ends in one `stopped`, and
// every message passed to send() is written, dropped or handed back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HandSocket, handSocket, type Quirk } from '../support/hand-socket';
import { createPolicy } from '../../src/policy';
import { isSocketError, type SocketEvents } from '../../src/socket';

type Step =
  | { kind: 'advance'; ms: number }
  | { kind: 'fire'; which: number; event: string; code: unknown }
  | { kind: 'quirk'; quirk: Quirk }
  | { kind: 'call'; action: string }
  | { kind: 'listen'; event: keyof SocketEvents; action: string };

const ACTIONS = ['send', 'send', 'close', 'reconnect', 'dispose'];
const EVENTS: (keyof SocketEvents)[] = ['state', 'open', 'close', 'reconnecting', 'stopped', 'dropped', 'queued', 'message', 'error'];
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3000 }) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('fire' as const),
      which: fc.integer({ min: 1, max: 3 }),
      event: fc.constantFrom('open', 'open', 'message', 'error', 'close'),
      code: fc.constantFrom<unknown>(1000, 1006, 1015, 4001, 4003, 1012, NaN, -1, 70000, '4001', 'none', 1005),
    }),
  },
  fc.record({ kind: fc.constant('quirk' as const), quirk: fc.constantFrom<Quirk>('none', 'closeOnSend', 'closeOnClose', 'throwOnSend', 'throwOnClose', 'openOnSet', 'messageOnSend') }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('call' as const), action: fc.constantFrom(...ACTIONS) }) },
  fc.record({ kind: fc.constant('listen' as const), event: fc.constantFrom(...EVENTS), action: fc.constantFrom(...ACTIONS) }),
);

describe('a misbehaving WebSocket', () => {
  it('cannot wedge the socket, leave anything behind, stop a run twice or lose a message silently', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.boolean(), (steps, heartbeat) => {
        const { clock, socket } = handSocket({
          connectTimeoutMs: 1000,
          heartbeat: heartbeat ? { intervalMs: 500, timeoutMs: 300 } : false,
          queue: { max: 5 },
          policy: createPolicy({ rules: { 4001: 'reauth' }, backoff: { initialMs: 50, maxMs: 1000 }, maxAttempts: 6 }),
          auth: { refresh: () => undefined },
        });
        let disposed = false;
        let next = 0;
        const sent: string[] = [];
        const dropped: unknown[] = [];
        const pending: unknown[] = [];
        let runs = 1;
        let stops = 0;
        socket.on('state', ({ previous }) => {
          if (previous === 'stopped') runs++;
        });
        const violations: string[] = [];
        socket.on('stopped', (s) => {
          stops++;
          pending.push(...s.pending);
          if (stops !== runs) violations.push(`stopped #${stops} in run ${runs}`);
        });
        socket.on('dropped', (d) => dropped.push(...d.messages));
        const failures: unknown[] = [];
        socket.on('error', (e) => {
          if (!isSocketError(e) || e.code === 'listener-failed') failures.push(e);
        });
        const act = (action: string): void => {
          if (disposed) return;
          if (action === 'send') {
            const m = String(next++);
            try {
              socket.send(m);
              sent.push(m);
            } catch (error) {
              if (!isSocketError(error)) throw error;
              if (error.code === 'send-failed') dropped.push(m);
            }
          } else if (action === 'close') socket.close();
          else if (action === 'reconnect') socket.reconnect();
          else {
            disposed = true;
            socket.dispose();
          }
        };
        for (const s of steps) {
          if (disposed) break;
          if (s.kind === 'advance') clock.advance(s.ms);
          else if (s.kind === 'fire') HandSocket.made.at(-s.which)?.fire(s.event, s.code);
          else if (s.kind === 'quirk') HandSocket.quirk = s.quirk;
          else if (s.kind === 'call') act(s.action);
          else {
            let left = 2;
            socket.on(s.event, (() => left-- > 0 && act(s.action)) as never);
          }
        }
        if (!disposed) {
          disposed = true;
          socket.dispose();
        }
        clock.runAll();
        expect(clock.pending()).toBe(0);
        expect(socket.state).toBe('stopped');
        expect(stops).toBe(runs);
        expect(violations).toEqual([]);
        expect(failures).toEqual([]);
        const written = new Set(HandSocket.made.flatMap((w) => w.sent));
        for (const m of sent) expect(written.has(m) || dropped.includes(m) || pending.includes(m), `message ${m}`).toBe(true);
      }),
      { numRuns: Number(process.env.SOCKET_PROPERTY_RUNS ?? 300) },
    );
  });
});
