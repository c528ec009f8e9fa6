// The pure transition on its own: no timers, no WebSocket, no emitter.
import { describe, expect, it } from 'vitest';
import { machineConfig } from './machine-config';
import { initialContext, transition, type Effect, type Input, type MachineConfig, type MachineContext } from '../../src/socket/machine';

const config: MachineConfig = machineConfig({ backoff: { initialMs: 100, jitter: 'none' }, rules: { 4001: 'reauth' } }, { refreshTimeoutMs: 30_000 });

function run(inputs: (Input | ((c: MachineContext) => Input))[], context = initialContext(true, true)) {
  const effects: Effect[] = [];
  for (const input of inputs) {
    const t = transition(context, typeof input === 'function' ? input(context) : input, config);
    context = t.context;
    effects.push(...t.effects);
  }
  return { context, effects, types: effects.map((e) => (e.type === 'emit' ? `emit:${e.event}` : e.type)) };
}

const connect: (Input | ((c: MachineContext) => Input))[] = [{ type: 'start' }, (c) => ({ type: 'url-resolved', epoch: c.epoch, url: 'ws://x' })];
const opened = (c: MachineContext): Input => ({ type: 'socket-open', epoch: c.epoch, at: 0, protocol: '' });

describe('transition', () => {
  it('returns effects in order and never runs them', () => {
    const { context, types } = run([...connect, opened]);
    expect(context.state).toBe('open');
    expect(types).toEqual(['emit:state', 'set-timer', 'resolve-url', 'connect', 'clear-timer', 'flush', 'heartbeat', 'emit:state', 'emit:open']);
  });

  it('ignores inputs from an abandoned attempt (old epoch)', () => {
    const before = run([...connect]).context;
    const after = transition(before, { type: 'socket-open', epoch: before.epoch - 1, at: 0, protocol: '' }, config);
    expect(after.context).toBe(before);
    expect(after.effects).toEqual([]);
  });

  it('gives up on a closing handshake the server never answers', () => {
    const { context, effects } = run([...connect, opened, { type: 'close', code: 4000, reason: 'bye', at: 3 }, { type: 'timer', timer: 'closing', at: 5 }]);
    expect(context.state).toBe('stopped');
    expect(effects).toContainEqual({ type: 'abandon', reason: 'close timeout' });
    expect(effects.at(-1)).toMatchObject({ type: 'stopped', cause: 'client', result: { code: 4000, reason: 'bye', wasClean: false } });
  });

  it('a stable open resets the counters before the policy decides', () => {
    const refused = (c: MachineContext): Input => ({ type: 'socket-close', epoch: c.epoch, event: { code: 1006 }, at: 0 });
    const retry: Input = { type: 'timer', timer: 'retry', at: 0 };
    const url = (c: MachineContext): Input => ({ type: 'url-resolved', epoch: c.epoch, url: 'ws://x' });
    const { context } = run([...connect, refused, retry, url, refused, retry, url]);
    expect(context.failures).toBe(2);
    const open = run([(c) => ({ type: 'socket-open', epoch: c.epoch, at: 1000, protocol: '' }), (c) => ({ type: 'socket-close', epoch: c.epoch, event: { code: 1006 }, at: 7000 })], context);
    expect(open.context.failures).toBe(1);
    expect(open.effects).toContainEqual(expect.objectContaining({ event: 'reconnecting', payload: expect.objectContaining({ attempt: 1, delayMs: 100 }) }));
  });

  it('hands unconfirmed writes back to the queue on a close before confirmAfterMs, before the decision is acted on', () => {
    const confirming = { ...config, confirmAfterMs: 1000 };
    const at =
      (ms: number) =>
      (c: MachineContext): Input => ({ type: 'socket-close', epoch: c.epoch, event: { code: 4003 }, at: ms });
    const run2 = (inputs: (Input | ((c: MachineContext) => Input))[]) => {
      let context = initialContext(true, true);
      const types: string[] = [];
      for (const input of inputs) {
        const t = transition(context, typeof input === 'function' ? input(context) : input, confirming);
        context = t.context;
        types.push(...t.effects.map((e) => (e.type === 'emit' ? `emit:${e.event}` : e.type === 'flush' ? `flush:${e.track}` : e.type)));
      }
      return types;
    };
    const early = run2([...connect, opened, at(999)]);
    expect(early).toContain('flush:true');
    expect(early.slice(early.indexOf('emit:close'))).toEqual(['emit:close', 'emit:rejected', 'requeue', 'emit:state', 'set-timer', 'emit:reconnecting']);
    const late = run2([...connect, opened, at(1000)]);
    expect(late).toContain('confirmed');
    expect(late).not.toContain('requeue');
    const heard = run2([...connect, opened, (c) => ({ type: 'message', epoch: c.epoch }), at(10)]);
    expect(heard.filter((t) => t === 'confirmed' || t === 'requeue')).toEqual(['confirmed']);
  });

  it('does nothing once stopped except reconnect', () => {
    const stopped = run([{ type: 'close', code: 1000, reason: undefined, at: 0 }]).context;
    expect(stopped.state).toBe('stopped');
    for (const input of [{ type: 'start' }, { type: 'timer', timer: 'retry', at: 0 }, { type: 'online', online: true }] as Input[]) {
      expect(transition(stopped, input, config).effects).toEqual([]);
    }
    expect(transition(stopped, { type: 'reconnect', at: 0 }, config).context.state).toBe('connecting');
  });
});

describe('a close code no endpoint may send (Firefox passes it through)', () => {
  it.each([1006, 1015])('a clean %i is handled as the other engines report it: 1006, not clean, reconnect', (code) => {
    const { effects } = run([...connect, opened, (c) => ({ type: 'socket-close', epoch: c.epoch, event: { code, reason: 'broken server', wasClean: true }, at: 10 })]);
    const close = effects.find((e) => e.type === 'emit' && e.event === 'close');
    expect(close).toMatchObject({ payload: { result: { code: 1006, wasClean: false, reason: 'broken server' }, decision: { action: 'reconnect' } } });
  });

  it('a clean 1005 (an empty close frame in every engine) is left as it is', () => {
    const { effects } = run([...connect, opened, (c) => ({ type: 'socket-close', epoch: c.epoch, event: { code: 1005, reason: '', wasClean: true }, at: 10 })]);
    expect(effects.find((e) => e.type === 'emit' && e.event === 'close')).toMatchObject({ payload: { result: { code: 1005, wasClean: true } } });
  });
});
