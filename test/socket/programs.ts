// What the random-program tests of re-entrant calls share (reentrancy-review:
// from listeners; hook-reentrancy-review2: from the app's hooks): the app's
// calls with what became of each message, the runs and their `stopped`s, the
// steps every program has, and the closing account of every message.
import fc from 'fast-check';
import { expect } from 'vitest';
import { isSocketError } from '../../src/socket';
import { type Harness, runServerStep, type ServerStep } from './harness';

/** A call the app makes into the socket. */
export type Action = 'send' | 'close' | 'reconnect' | 'dispose';

/** The steps every program has: time, the server, and the app's own calls. */
export type CommonStep = Exclude<ServerStep, { kind: 'restart' }> | { kind: 'advance'; ms: number } | { kind: 'call'; action: Action | 'none' };

const CODES = [1000, 1001, 1011, 1012, 3000, 4000, 4001, 4003, 4029];

/** Arbitraries for the {@link CommonStep}s, weighted as both programs use them (add the program's own). */
export function commonSteps(actions: readonly (Action | 'none')[]): fc.WeightedArbitrary<CommonStep>[] {
  return [
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3000 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('serverClose' as const), code: fc.constantFrom(...CODES) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('script' as const), behaviour: fc.constantFrom<'refuse' | 'hang' | 'accept' | number>('refuse', 'hang', 'accept', ...CODES) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('call' as const), action: fc.constantFrom(...actions) }) },
  ];
}

/** The refusals send() may answer with: the message is handed back by the throw. */
const REFUSALS = ['stopped', 'queue-full', 'disposed', 'send-failed'];

/** The app's side of a program: its calls, the messages it sent and those send() threw back. */
export interface App {
  act(action: Action | 'none'): void;
  /** Runs a common step; false for a step the program handles itself. */
  step(step: { kind: string }): Promise<boolean>;
  readonly sent: readonly string[];
  readonly thrown: readonly string[];
  readonly disposed: boolean;
  /** Runs to the end: lets a socket still running settle (`beforeSettle` first), disposes it and runs every timer. */
  finish(beforeSettle: () => void): Promise<void>;
  /** Runs and `stopped`s: a second `stopped` only after a reconnect() left 'stopped'. */
  readonly runs: number;
  readonly stoppedRuns: number;
}

export function appOf(h: Harness): App {
  let next = 0;
  let disposed = false;
  let runs = 1;
  let stoppedRuns = 0;
  const sent: string[] = [];
  const thrown: string[] = [];
  h.socket.on('state', ({ previous }) => {
    if (previous === 'stopped') runs++;
  });
  h.socket.on('stopped', () => stoppedRuns++);
  const act = (action: Action | 'none'): void => {
    if (disposed) return;
    switch (action) {
      case 'send': {
        const message = String(next++);
        sent.push(message);
        try {
          h.socket.send(message);
        } catch (error) {
          if (!isSocketError(error) || !REFUSALS.includes(error.code)) throw error;
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
  return {
    act,
    async step(s) {
      const step = s as CommonStep;
      switch (step.kind) {
        case 'advance':
          await h.clock.advanceAsync(step.ms);
          return true;
        case 'drop':
        case 'serverClose':
        case 'script':
          runServerStep(h.server, step);
          return true;
        case 'call':
          act(step.action);
          return true;
        default:
          return false;
      }
    },
    sent,
    thrown,
    get disposed() {
      return disposed;
    },
    async finish(beforeSettle) {
      if (!disposed) {
        beforeSettle();
        h.server.setDefault('accept');
        await h.clock.advanceAsync(60_000);
        expect(['open', 'stopped']).toContain(h.socket.state);
        disposed = true;
        h.socket.dispose();
      }
      await h.clock.runAllAsync();
    },
    get runs() {
      return runs;
    },
    get stoppedRuns() {
      return stoppedRuns;
    },
  };
}

/**
 * Every message the app sent is accounted for: in ack mode exactly once
 * (acknowledged, or handed back by send()'s throw, `dropped` or `stopped`'s
 * `pending`); otherwise delivered on a confirmed connection or handed back, and
 * handed back at most once.
 */
export function expectEveryMessageAccounted(h: Harness, app: App, ackMode: boolean, acked: ReadonlySet<string>): void {
  const dropped = h.of('dropped').flatMap((d) => d.messages);
  const pending = h.of('stopped').flatMap((s) => s.pending);
  const count = (list: readonly unknown[], m: string) => list.filter((x) => x === m).length;
  const confirmed = h.clients.map((c) => c.heard || (c.openedAt !== undefined && c.closedAt !== undefined && c.closedAt - c.openedAt >= 1000));
  const delivered = new Set(h.server.connections.flatMap((c, i) => (confirmed[i] ? c.received : [])));
  for (const m of app.sent) {
    const handedBack = count(app.thrown, m) + count(dropped, m) + count(pending, m);
    if (!ackMode) {
      expect(delivered.has(m) || handedBack > 0, `message ${m}`).toBe(true);
      expect(handedBack, `message ${m}`).toBeLessThanOrEqual(1);
      continue;
    }
    expect((acked.has(m) ? 1 : 0) + handedBack, `message ${m}: acked ${acked.has(m)}, thrown ${count(app.thrown, m)}, dropped ${count(dropped, m)}, pending ${count(pending, m)}`).toBe(1);
  }
}
