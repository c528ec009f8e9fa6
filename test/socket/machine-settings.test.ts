// The pure machine under the settings machine-table.test.ts keeps fixed
// (no confirmation, a refresh configured, a lifecycle without a heartbeat, a
// policy that answers), with every effect written out in full: reasons,
// codes, delays, errors and payloads, not only their types.
import { describe, expect, it } from 'vitest';
import { machineConfig } from './machine-config';
import { SocketError } from '../../src/socket/errors';
import { BFCACHE_REASON, type Effect, type Input, initialContext, type MachineConfig, type MachineContext, transition } from '../../src/socket/machine';

const base: MachineConfig = machineConfig({
  backoff: { initialMs: 100, jitter: 'none' },
  maxAttempts: 3,
  rules: { 4001: { action: 'reauth', delayMs: 0 }, 4002: { action: 'reauth', delayMs: 250 }, 4003: 'stop' },
});
const lifecycle = { closeCode: 4100, canProbe: false, untrustedAfterMs: 10_000, quickRetries: 2, quickDelayMs: () => 500 };

type Step = Input | ((c: MachineContext) => Input);

/** Runs the steps from a fresh context; returns the last context and the effects of the last step only. */
function run(config: MachineConfig, steps: readonly Step[], context = initialContext(true, true)): { context: MachineContext; effects: readonly Effect[] } {
  let effects: readonly Effect[] = [];
  for (const step of steps) {
    const t = transition(context, typeof step === 'function' ? step(context) : step, config);
    context = t.context;
    effects = t.effects;
  }
  return { context, effects };
}

const start: Input = { type: 'start' };
const resolved: Step = (c) => ({ type: 'url-resolved', epoch: c.epoch, url: 'ws://x' });
const openAt =
  (at: number): Step =>
  (c) => ({ type: 'socket-open', epoch: c.epoch, at, protocol: 'p' });
const closeAt =
  (code: number, at: number, wasClean = true): Step =>
  (c) => ({ type: 'socket-close', epoch: c.epoch, event: { code, reason: 'r', wasClean }, at });
const retry: Input = { type: 'timer', timer: 'retry', at: 0 };
const refused: Step = closeAt(1006, 0, false);
const connected = [start, resolved, openAt(0)];

const state = (to: string, from: string): Effect => ({ type: 'emit', event: 'state', payload: { state: to, previous: from } }) as Effect;
const emitted = (effects: readonly Effect[], event: string) => effects.filter((e) => e.type === 'emit' && e.event === event).map((e) => (e as { payload: unknown }).payload);

describe('machine: what each way of losing an attempt abandons it with', () => {
  // The reason goes to WebSocket.close() when the socket is open (connection.ts), so it is part of the behaviour.
  it.each<[string, readonly Step[], Effect]>([
    ['url-failed', [start, (c) => ({ type: 'url-failed', epoch: c.epoch, error: new Error('u') })], { type: 'abandon', reason: 'attempt failed' }],
    ['connect-failed', [start, resolved, (c) => ({ type: 'connect-failed', epoch: c.epoch, error: new Error('c') })], { type: 'abandon', reason: 'attempt failed' }],
    ['connect timer', [start, resolved, { type: 'timer', timer: 'connect', at: 1000 }], { type: 'abandon', reason: 'connect timeout' }],
    ['socket-close', [...connected, closeAt(1011, 10)], { type: 'abandon', reason: 'closed' }],
    ['heartbeat-dead', [...connected, (c) => ({ type: 'heartbeat-dead', epoch: c.epoch, at: 10 })], { type: 'abandon', reason: 'heartbeat timeout' }],
    ['reconnect', [...connected, { type: 'reconnect', at: 10 }], { type: 'abandon', reason: 'reconnect' }],
    ['dispose', [...connected, { type: 'dispose', at: 10 }], { type: 'abandon', reason: 'disposed' }],
    ['close while connecting', [start, { type: 'close', code: 1000, reason: undefined, at: 0 }], { type: 'abandon', reason: 'closed by the app' }],
  ])('%s', (_name, steps, abandon) => {
    const { effects } = run(base, steps);
    expect(effects.filter((e) => e.type === 'abandon')).toEqual([abandon]);
  });

  it('a close the server never answers: the close timer abandons, then the close ends the run with the code the app asked for', () => {
    const { context, effects } = run(base, [...connected, { type: 'close', code: 4000, reason: 'bye', at: 5 }, { type: 'timer', timer: 'closing', at: 1005 }]);
    expect(effects.filter((e) => e.type === 'abandon')).toEqual([
      { type: 'abandon', reason: 'close timeout' },
      { type: 'abandon', reason: 'closed' },
    ]);
    expect(emitted(effects, 'close')).toEqual([
      { result: expect.objectContaining({ code: 4000, reason: 'bye', wasClean: false }), decision: expect.objectContaining({ action: 'stop', cause: 'client' }) },
    ]);
    expect(context).toMatchObject({ state: 'stopped', closeRequest: undefined, openedAt: undefined, lastClose: expect.objectContaining({ code: 4000 }) });
  });
});

describe('machine: a policy that fails, or asks for what is not configured', () => {
  it('a decide() that returns an Error stops the run with cause policy, and reports that error', () => {
    const failure = new Error('rule threw');
    const { context, effects } = run({ ...base, decide: () => failure }, [...connected, closeAt(1011, 10)]);
    expect(effects.slice(effects.findIndex((e) => e.type === 'emit' && e.event === 'error'))).toEqual([
      { type: 'emit', event: 'error', payload: failure },
      {
        type: 'emit',
        event: 'close',
        payload: {
          result: expect.objectContaining({ code: 1011 }),
          decision: { action: 'stop', cause: 'policy', rule: { source: 'default', key: 'policy.decide', origin: 'app', rule: { action: 'stop' } } },
        },
      },
      state('stopped', 'open'),
      { type: 'stopped', cause: 'policy', result: expect.objectContaining({ code: 1011 }) },
    ]);
    expect(context.failures).toBe(1);
  });

  it('reauth without auth.refresh: a refresh-missing SocketError, and the run stops with cause reauth-failed', () => {
    const { context, effects } = run({ ...base, canRefresh: false }, [...connected, closeAt(4001, 10)]);
    const [error] = emitted(effects, 'error');
    expect(error).toBeInstanceOf(SocketError);
    expect(error).toMatchObject({ code: 'refresh-missing', message: expect.stringContaining('Close 4001') });
    expect(emitted(effects, 'close')).toEqual([{ result: expect.objectContaining({ code: 4001 }), decision: expect.objectContaining({ action: 'stop', cause: 'reauth-failed' }) }]);
    expect(effects.at(-1)).toEqual({ type: 'stopped', cause: 'reauth-failed', result: expect.objectContaining({ code: 4001 }) });
    expect(context.state).toBe('stopped');
  });
});

describe('machine: re-authentication', () => {
  const reauthenticating = [...connected, closeAt(4001, 10)];

  it('asks for a refresh under a new epoch with its own attempt count and a timer', () => {
    const before = run(base, connected).context;
    const { context, effects } = run(base, reauthenticating);
    expect(context).toMatchObject({ state: 'reauthenticating', reauthAttempt: 1, failures: 0, epoch: before.epoch + 1 });
    expect(effects.slice(-4)).toEqual([
      state('reauthenticating', 'open'),
      { type: 'emit', event: 'reauth', payload: { attempt: 1, result: expect.objectContaining({ code: 4001 }) } },
      { type: 'set-timer', timer: 'refresh', delayMs: 3000 },
      { type: 'refresh', epoch: context.epoch, attempt: 1, result: expect.objectContaining({ code: 4001 }) },
    ]);
  });

  it('a refresh that never settles fails with refresh-failed, and its late answer is ignored', () => {
    const timedOut = run(base, [...reauthenticating, { type: 'timer', timer: 'refresh', at: 3010 }]);
    const [error] = emitted(timedOut.effects, 'error');
    expect(error).toMatchObject({ name: 'SocketError', code: 'refresh-failed', message: expect.stringContaining('3000 ms') });
    expect(timedOut.effects.at(-1)).toEqual({ type: 'stopped', cause: 'reauth-failed', result: expect.objectContaining({ code: 4001 }) });
    const late = transition(timedOut.context, { type: 'refresh-done', epoch: timedOut.context.epoch - 1 }, base);
    expect(late).toEqual({ context: timedOut.context, effects: [] });
  });

  it('a refresh that fails reports its error and stops', () => {
    const failure = new Error('401');
    const { effects } = run(base, [...reauthenticating, (c) => ({ type: 'refresh-failed', epoch: c.epoch, error: failure })]);
    expect(effects).toEqual([
      { type: 'clear-timer', timer: 'refresh' },
      { type: 'emit', event: 'error', payload: failure },
      state('stopped', 'reauthenticating'),
      { type: 'stopped', cause: 'reauth-failed', result: expect.objectContaining({ code: 4001 }) },
    ]);
  });

  it('after a refresh: connects at once, or waits the rule’s delay first', () => {
    const done: Step = (c) => ({ type: 'refresh-done', epoch: c.epoch });
    expect(run(base, [...reauthenticating, done]).effects.map((e) => e.type)).toEqual(['clear-timer', 'emit', 'set-timer', 'resolve-url']);
    const delayed = run(base, [...connected, closeAt(4002, 10), done]);
    expect(delayed.effects).toEqual([{ type: 'clear-timer', timer: 'refresh' }, state('waiting', 'reauthenticating'), { type: 'set-timer', timer: 'retry', delayMs: 250 }]);
    expect(delayed.context.reauthDelayMs).toBe(250);
  });
});

describe('machine: confirmation (confirmAfterMs)', () => {
  const confirming = { ...base, confirmAfterMs: 1000 };

  it('tracks what is written from the open; a write after the window confirms, one before does not', () => {
    const open = run(confirming, connected);
    expect(open.effects).toContainEqual({ type: 'flush', track: true });
    expect(open.context.confirming).toBe(true);
    expect(run(confirming, [...connected, (c) => ({ type: 'sent', epoch: c.epoch, at: 999 })]).effects).toEqual([]);
    const late = run(confirming, [...connected, (c) => ({ type: 'sent', epoch: c.epoch, at: 1000 })]);
    expect(late.effects).toEqual([{ type: 'confirmed' }]);
    expect(late.context.confirming).toBe(false);
  });

  it('ack mode (Infinity): only a message from the server settles it, never the time open', () => {
    const acks = { ...base, confirmAfterMs: Infinity };
    expect(run(acks, [...connected, (c) => ({ type: 'sent', epoch: c.epoch, at: 1e9 })]).effects).toEqual([]);
    expect(run(acks, [...connected, (c) => ({ type: 'message', epoch: c.epoch })]).effects).toEqual([{ type: 'confirmed' }]);
  });

  // As at any close, the time open decides (docs/lifecycle.md: what was not yet confirmed goes back).
  it.each([
    [500, 'requeue'],
    [60_000, 'confirmed'],
  ] as const)('the back/forward cache after %i ms open: %s', (at, settled) => {
    const { effects } = run({ ...confirming, lifecycle }, [...connected, { type: 'page-hide', at }]);
    expect(effects).toEqual([
      { type: 'clear-timer', timer: 'connect' },
      { type: 'clear-timer', timer: 'retry' },
      { type: 'clear-timer', timer: 'closing' },
      { type: 'clear-timer', timer: 'refresh' },
      { type: 'heartbeat', running: false },
      { type: 'abandon', reason: BFCACHE_REASON, code: 4100 },
      { type: settled },
      state('suspended', 'open'),
    ]);
  });

  it('close(): only the time open before the app asked counts', () => {
    const close: Input = { type: 'close', code: 1000, reason: undefined, at: 500 };
    const answered = (at: number) => run(confirming, [...connected, close, closeAt(1000, at)]).effects.filter((e) => e.type === 'confirmed' || e.type === 'requeue');
    expect(answered(5000)).toEqual([{ type: 'requeue' }]);
    const closeLate: Input = { ...close, at: 1500 };
    expect(run(confirming, [...connected, closeLate, closeAt(1000, 1600)]).effects.filter((e) => e.type === 'confirmed' || e.type === 'requeue')).toEqual([{ type: 'confirmed' }]);
  });
});

describe('machine: without a lifecycle, the page inputs change nothing', () => {
  it.each<Input>([{ type: 'page-hide', at: 10 }, { type: 'page-show' }, { type: 'freeze', at: 10 }, { type: 'resume', at: 100_000 }, { type: 'wake', at: 100_000, sleptMs: 100_000 }])(
    '$type while open',
    (input) => {
      const open = run(base, connected).context;
      const t = transition(open, input, base);
      expect(t.effects).toEqual([]);
      expect(t.context).toEqual(open);
    },
  );
});

describe('machine: after a freeze or a sleep', () => {
  const withLifecycle = { ...base, lifecycle };

  it('with a heartbeat, an open connection is probed', () => {
    const probing = { ...base, lifecycle: { ...lifecycle, canProbe: true } };
    expect(run(probing, [...connected, { type: 'wake', at: 20, sleptMs: 5 }]).effects).toEqual([{ type: 'probe' }]);
    expect(run(probing, [...connected, { type: 'freeze', at: 10 }, { type: 'resume', at: 20 }]).effects).toEqual([{ type: 'probe' }]);
  });

  it('without one, a connection away for untrustedAfterMs is replaced; a shorter absence is trusted', () => {
    expect(run(withLifecycle, [...connected, { type: 'wake', at: 20_000, sleptMs: 9_999 }]).effects).toEqual([]);
    const { context, effects } = run(withLifecycle, [...connected, { type: 'freeze', at: 10 }, { type: 'resume', at: 10_010 }]);
    expect(effects.slice(0, 2)).toEqual([
      { type: 'heartbeat', running: false },
      { type: 'abandon', reason: 'not trusted after sleep' },
    ]);
    expect(context).toMatchObject({ state: 'connecting', frozenAt: undefined });
  });

  it('a wait ends at once with its backoff kept', () => {
    const waiting = [start, resolved, refused];
    const { context, effects } = run(withLifecycle, [...waiting, { type: 'wake', at: 20, sleptMs: 5 }]);
    expect(effects[0]).toEqual({ type: 'clear-timer', timer: 'retry' });
    expect(context).toMatchObject({ state: 'connecting', failures: 1, previousDelayMs: 100 });
  });
});

describe('machine: paused (offline or hidden)', () => {
  const withLifecycle = { ...base, lifecycle };

  it('start while offline waits with no timer; coming back online connects', () => {
    const offline = run(withLifecycle, [start], initialContext(false, true));
    expect(offline.effects).toEqual([state('waiting', 'idle')]);
    const back = run(withLifecycle, [{ type: 'online', online: true }], offline.context);
    expect(back.effects).toEqual([
      { type: 'clear-timer', timer: 'retry' },
      state('connecting', 'waiting'),
      { type: 'set-timer', timer: 'connect', delayMs: 1000 },
      { type: 'resolve-url', epoch: back.context.epoch },
    ]);
    expect(back.context.quick).toBe(2);
  });

  it('back online: failures before an open are retried quickly and not counted, then counted again', () => {
    const offline = run(withLifecycle, [start, resolved, refused, { type: 'online', online: false }, retry]);
    expect(offline.context).toMatchObject({ state: 'waiting', failures: 1 });
    let { context } = run(withLifecycle, [{ type: 'online', online: true }], offline.context);
    expect(context).toMatchObject({ state: 'connecting', failures: 0, previousDelayMs: 0, quick: 2 });
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = run(withLifecycle, [resolved, refused], context);
      delays.push(...emitted(t.effects, 'reconnecting').map((p) => (p as { delayMs: number }).delayMs));
      context = run(withLifecycle, [retry], t.context).context;
    }
    expect(delays).toEqual([500, 500, 100]);
    expect(context).toMatchObject({ failures: 1, quick: 0 });
  });

  it('hidden and visible pause and resume the same way', () => {
    const hidden = run(withLifecycle, [start], initialContext(true, false));
    expect(hidden.context.state).toBe('waiting');
    expect(run(withLifecycle, [{ type: 'visible', visible: true }], hidden.context).context.state).toBe('connecting');
    // Still offline: becoming visible is not enough.
    const both = run(withLifecycle, [start], initialContext(false, false));
    expect(run(withLifecycle, [{ type: 'visible', visible: true }], both.context).effects).toEqual([]);
  });

  it('a stopped socket still follows the network and visibility, for a later reconnect()', () => {
    const stopped = run(base, [{ type: 'close', code: 1000, reason: undefined, at: 0 }]).context;
    const t = transition(stopped, { type: 'online', online: false }, base);
    expect(t.effects).toEqual([]);
    expect(t.context).toMatchObject({ state: 'stopped', online: false });
  });
});
