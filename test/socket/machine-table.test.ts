// The pure machine as a table: every state × every input, the state it moves
// to and the effects it asks for, in order. A change of behaviour anywhere in
// the machine changes a row here.
import { describe, expect, it } from 'vitest';
import { machineConfig } from './machine-config';
import { initialContext, transition, type Effect, type Input, type MachineConfig, type MachineContext } from '../../src/socket/machine';
import type { SocketState } from '../../src/socket/types';

const config: MachineConfig = machineConfig(
  { backoff: { initialMs: 100, jitter: 'none' }, rules: { 4001: 'reauth', 4003: 'stop' } },
  { lifecycle: { closeCode: 4100, canProbe: false, untrustedAfterMs: 10_000, quickRetries: 3, quickDelayMs: () => 500 } },
);

type Step = Input | ((c: MachineContext) => Input);
const apply = (context: MachineContext, steps: readonly Step[]): MachineContext => steps.reduce((c, step) => transition(c, typeof step === 'function' ? step(c) : step, config).context, context);

const start: Step[] = [{ type: 'start' }];
const resolved: Step = (c) => ({ type: 'url-resolved', epoch: c.epoch, url: 'ws://x' });
const opened: Step = (c) => ({ type: 'socket-open', epoch: c.epoch, at: 0, protocol: '' });
const closedWith =
  (code: number): Step =>
  (c) => ({ type: 'socket-close', epoch: c.epoch, event: { code, reason: '', wasClean: true }, at: 10 });

/** How to reach each state from a fresh context. */
const reach: Record<SocketState, Step[]> = {
  idle: [],
  connecting: [...start, resolved],
  open: [...start, resolved, opened],
  closing: [...start, resolved, opened, { type: 'close', code: 1000, reason: undefined, at: 5 }],
  waiting: [...start, resolved, opened, closedWith(1012)],
  reauthenticating: [...start, resolved, opened, closedWith(4001)],
  suspended: [...start, resolved, opened, { type: 'page-hide', at: 10 }],
  stopped: [...start, resolved, opened, closedWith(4003)],
};

/** One input of each type (each timer on its own), carrying the context's current epoch. */
const inputs: Record<string, (c: MachineContext) => Input> = {
  start: () => ({ type: 'start' }),
  reconnect: () => ({ type: 'reconnect', at: 20 }),
  close: () => ({ type: 'close', code: 4000, reason: 'bye', at: 20 }),
  dispose: () => ({ type: 'dispose', at: 20 }),
  'url-resolved': (c) => ({ type: 'url-resolved', epoch: c.epoch, url: 'ws://y' }),
  'url-failed': (c) => ({ type: 'url-failed', epoch: c.epoch, error: new Error('x') }),
  'connect-failed': (c) => ({ type: 'connect-failed', epoch: c.epoch, error: new Error('x') }),
  'socket-open': (c) => ({ type: 'socket-open', epoch: c.epoch, at: 20, protocol: '' }),
  'socket-close': (c) => ({ type: 'socket-close', epoch: c.epoch, event: { code: 1011, reason: '', wasClean: true }, at: 20 }),
  'heartbeat-dead': (c) => ({ type: 'heartbeat-dead', epoch: c.epoch, at: 20 }),
  message: (c) => ({ type: 'message', epoch: c.epoch }),
  sent: (c) => ({ type: 'sent', epoch: c.epoch, at: 20 }),
  'timer connect': () => ({ type: 'timer', timer: 'connect', at: 20 }),
  'timer retry': () => ({ type: 'timer', timer: 'retry', at: 20 }),
  'timer closing': () => ({ type: 'timer', timer: 'closing', at: 20 }),
  'timer refresh': () => ({ type: 'timer', timer: 'refresh', at: 20 }),
  'refresh-done': (c) => ({ type: 'refresh-done', epoch: c.epoch }),
  'refresh-failed': (c) => ({ type: 'refresh-failed', epoch: c.epoch, error: new Error('x') }),
  offline: () => ({ type: 'online', online: false }),
  hidden: () => ({ type: 'visible', visible: false }),
  'page-hide': () => ({ type: 'page-hide', at: 20 }),
  'page-show': () => ({ type: 'page-show' }),
  freeze: () => ({ type: 'freeze', at: 20 }),
  // Without a freeze before it: nothing to check (freeze → resume sequences are in page-life.test.ts).
  resume: () => ({ type: 'resume', at: 20 }),
  wake: () => ({ type: 'wake', at: 60_020, sleptMs: 60_000 }),
};

/** An effect in a few characters: `emit:state`, `set-timer:retry`, `abandon`… */
const short = (e: Effect): string =>
  e.type === 'emit'
    ? `emit:${e.event === 'state' ? `state>${(e.payload as { state: string }).state}` : e.event}`
    : e.type === 'set-timer' || e.type === 'clear-timer'
      ? `${e.type}:${e.timer}`
      : e.type === 'heartbeat'
        ? `heartbeat:${e.running ? 'on' : 'off'}`
        : e.type === 'stopped'
          ? `stopped:${e.cause}`
          : e.type === 'abandon' && e.code !== undefined
            ? `abandon:${e.code}`
            : e.type;

function outcome(state: SocketState, type: string): string {
  const before = apply(initialContext(true, true), reach[state]);
  expect(before.state).toBe(state);
  const t = transition(before, (inputs[type] as (c: MachineContext) => Input)(before), config);
  return `${t.context.state} | ${t.effects.map(short).join(' ')}`;
}

// prettier-ignore
const TABLE: Record<SocketState, Record<string, string>> = {
  idle: {
    start: 'connecting | emit:state>connecting set-timer:connect resolve-url',
    reconnect: 'connecting | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon emit:state>connecting set-timer:connect resolve-url',
    close: 'stopped | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh abandon emit:state>stopped stopped:client',
    dispose: 'stopped | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon emit:state>stopped stopped:client',
    'url-resolved': 'idle | ',
    'url-failed': 'idle | ',
    'connect-failed': 'idle | ',
    'socket-open': 'idle | ',
    'socket-close': 'idle | ',
    'heartbeat-dead': 'idle | ',
    message: 'idle | ',
    sent: 'idle | ',
    'timer connect': 'idle | ',
    'timer retry': 'idle | ',
    'timer closing': 'idle | ',
    'timer refresh': 'idle | ',
    'refresh-done': 'idle | ',
    'refresh-failed': 'idle | ',
    offline: 'idle | ',
    hidden: 'idle | ',
    'page-hide': 'idle | ',
    'page-show': 'idle | ',
    freeze: 'idle | ',
    resume: 'idle | ',
    wake: 'idle | ',
  },
  connecting: {
    start: 'connecting | ',
    reconnect: 'connecting | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon set-timer:connect resolve-url',
    close: 'stopped | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh abandon emit:state>stopped stopped:client',
    dispose: 'stopped | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon emit:state>stopped stopped:client',
    'url-resolved': 'connecting | connect',
    'url-failed': 'waiting | emit:error abandon clear-timer:connect heartbeat:off emit:close emit:state>waiting set-timer:retry emit:reconnecting',
    'connect-failed': 'waiting | emit:error abandon clear-timer:connect heartbeat:off emit:close emit:state>waiting set-timer:retry emit:reconnecting',
    'socket-open': 'open | clear-timer:connect flush heartbeat:on emit:state>open emit:open',
    'socket-close': 'waiting | abandon clear-timer:connect heartbeat:off emit:close emit:state>waiting set-timer:retry emit:reconnecting',
    'heartbeat-dead': 'connecting | ',
    message: 'connecting | ',
    sent: 'connecting | ',
    'timer connect': 'waiting | abandon clear-timer:connect heartbeat:off emit:close emit:state>waiting set-timer:retry emit:reconnecting',
    'timer retry': 'connecting | ',
    'timer closing': 'connecting | ',
    'timer refresh': 'connecting | ',
    'refresh-done': 'connecting | ',
    'refresh-failed': 'connecting | ',
    offline: 'connecting | ',
    hidden: 'connecting | ',
    'page-hide': 'suspended | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon:4100 emit:state>suspended',
    'page-show': 'connecting | ',
    freeze: 'connecting | ',
    resume: 'connecting | ',
    wake: 'connecting | ',
  },
  open: {
    start: 'open | ',
    reconnect: 'connecting | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon emit:state>connecting set-timer:connect resolve-url',
    close: 'closing | heartbeat:off close-socket set-timer:closing emit:state>closing',
    dispose: 'stopped | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon emit:state>stopped stopped:client',
    'url-resolved': 'open | ',
    'url-failed': 'open | ',
    'connect-failed': 'open | ',
    'socket-open': 'open | ',
    'socket-close': 'waiting | abandon clear-timer:connect heartbeat:off emit:close emit:state>waiting set-timer:retry emit:reconnecting',
    'heartbeat-dead': 'waiting | abandon clear-timer:connect heartbeat:off emit:close emit:state>waiting set-timer:retry emit:reconnecting',
    message: 'open | ',
    sent: 'open | ',
    'timer connect': 'open | ',
    'timer retry': 'open | ',
    'timer closing': 'open | ',
    'timer refresh': 'open | ',
    'refresh-done': 'open | ',
    'refresh-failed': 'open | ',
    offline: 'open | ',
    hidden: 'open | ',
    'page-hide': 'suspended | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon:4100 emit:state>suspended',
    'page-show': 'open | ',
    freeze: 'open | ',
    resume: 'open | ',
    wake: 'connecting | heartbeat:off abandon emit:state>connecting set-timer:connect resolve-url',
  },
  closing: {
    start: 'closing | ',
    reconnect: 'connecting | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon emit:state>connecting set-timer:connect resolve-url',
    close: 'closing | ',
    dispose: 'stopped | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon emit:state>stopped stopped:client',
    'url-resolved': 'closing | ',
    'url-failed': 'closing | ',
    'connect-failed': 'closing | ',
    'socket-open': 'closing | ',
    'socket-close': 'stopped | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh abandon emit:close emit:state>stopped stopped:client',
    'heartbeat-dead': 'closing | ',
    message: 'closing | ',
    sent: 'closing | ',
    'timer connect': 'closing | ',
    'timer retry': 'closing | ',
    'timer closing': 'stopped | abandon clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh abandon emit:close emit:state>stopped stopped:client',
    'timer refresh': 'closing | ',
    'refresh-done': 'closing | ',
    'refresh-failed': 'closing | ',
    offline: 'closing | ',
    hidden: 'closing | ',
    'page-hide': 'stopped | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh abandon emit:close emit:state>stopped stopped:client',
    'page-show': 'closing | ',
    freeze: 'closing | ',
    resume: 'closing | ',
    wake: 'closing | ',
  },
  waiting: {
    start: 'waiting | ',
    reconnect: 'connecting | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon emit:state>connecting set-timer:connect resolve-url',
    close: 'stopped | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh abandon emit:state>stopped stopped:client',
    dispose: 'stopped | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon emit:state>stopped stopped:client',
    'url-resolved': 'waiting | ',
    'url-failed': 'waiting | ',
    'connect-failed': 'waiting | ',
    'socket-open': 'waiting | ',
    'socket-close': 'waiting | ',
    'heartbeat-dead': 'waiting | ',
    message: 'waiting | ',
    sent: 'waiting | ',
    'timer connect': 'waiting | ',
    'timer retry': 'connecting | emit:state>connecting set-timer:connect resolve-url',
    'timer closing': 'waiting | ',
    'timer refresh': 'waiting | ',
    'refresh-done': 'waiting | ',
    'refresh-failed': 'waiting | ',
    offline: 'waiting | ',
    hidden: 'waiting | ',
    'page-hide': 'suspended | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon:4100 emit:state>suspended',
    'page-show': 'waiting | ',
    freeze: 'waiting | ',
    resume: 'waiting | ',
    wake: 'connecting | clear-timer:retry emit:state>connecting set-timer:connect resolve-url',
  },
  reauthenticating: {
    start: 'reauthenticating | ',
    reconnect: 'connecting | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon emit:state>connecting set-timer:connect resolve-url',
    close: 'stopped | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh abandon emit:state>stopped stopped:client',
    dispose: 'stopped | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon emit:state>stopped stopped:client',
    'url-resolved': 'reauthenticating | ',
    'url-failed': 'reauthenticating | ',
    'connect-failed': 'reauthenticating | ',
    'socket-open': 'reauthenticating | ',
    'socket-close': 'reauthenticating | ',
    'heartbeat-dead': 'reauthenticating | ',
    message: 'reauthenticating | ',
    sent: 'reauthenticating | ',
    'timer connect': 'reauthenticating | ',
    'timer retry': 'reauthenticating | ',
    'timer closing': 'reauthenticating | ',
    'timer refresh': 'stopped | emit:error emit:state>stopped stopped:reauth-failed',
    'refresh-done': 'waiting | clear-timer:refresh emit:state>waiting set-timer:retry',
    'refresh-failed': 'stopped | clear-timer:refresh emit:error emit:state>stopped stopped:reauth-failed',
    offline: 'reauthenticating | ',
    hidden: 'reauthenticating | ',
    'page-hide': 'suspended | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon:4100 emit:state>suspended',
    'page-show': 'reauthenticating | ',
    freeze: 'reauthenticating | ',
    resume: 'reauthenticating | ',
    wake: 'reauthenticating | ',
  },
  suspended: {
    start: 'suspended | ',
    reconnect: 'connecting | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon emit:state>connecting set-timer:connect resolve-url',
    close: 'stopped | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh abandon emit:state>stopped stopped:client',
    dispose: 'stopped | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon emit:state>stopped stopped:client',
    'url-resolved': 'suspended | ',
    'url-failed': 'suspended | ',
    'connect-failed': 'suspended | ',
    'socket-open': 'suspended | ',
    'socket-close': 'suspended | ',
    'heartbeat-dead': 'suspended | ',
    message: 'suspended | ',
    sent: 'suspended | ',
    'timer connect': 'suspended | ',
    'timer retry': 'suspended | ',
    'timer closing': 'suspended | ',
    'timer refresh': 'suspended | ',
    'refresh-done': 'suspended | ',
    'refresh-failed': 'suspended | ',
    offline: 'suspended | ',
    hidden: 'suspended | ',
    'page-hide': 'suspended | ',
    'page-show': 'connecting | emit:state>connecting set-timer:connect resolve-url',
    freeze: 'suspended | ',
    resume: 'suspended | ',
    wake: 'suspended | ',
  },
  stopped: {
    start: 'stopped | ',
    reconnect: 'connecting | clear-timer:connect clear-timer:retry clear-timer:closing clear-timer:refresh heartbeat:off abandon emit:state>connecting set-timer:connect resolve-url',
    close: 'stopped | ',
    dispose: 'stopped | ',
    'url-resolved': 'stopped | ',
    'url-failed': 'stopped | ',
    'connect-failed': 'stopped | ',
    'socket-open': 'stopped | ',
    'socket-close': 'stopped | ',
    'heartbeat-dead': 'stopped | ',
    message: 'stopped | ',
    sent: 'stopped | ',
    'timer connect': 'stopped | ',
    'timer retry': 'stopped | ',
    'timer closing': 'stopped | ',
    'timer refresh': 'stopped | ',
    'refresh-done': 'stopped | ',
    'refresh-failed': 'stopped | ',
    offline: 'stopped | ',
    hidden: 'stopped | ',
    'page-hide': 'stopped | ',
    'page-show': 'stopped | ',
    freeze: 'stopped | ',
    resume: 'stopped | ',
    wake: 'stopped | ',
  },
};

describe('machine: every state × every input', () => {
  const states = Object.keys(reach) as SocketState[];
  const types = Object.keys(inputs);
  it('the table covers every pair', () => {
    expect(states.flatMap((s) => types.filter((t) => TABLE[s][t] === undefined).map((t) => `${s} + ${t}`))).toEqual([]);
  });
  for (const state of states) {
    it.each(types)(`${state} + %s`, (type) => {
      expect(outcome(state, type)).toBe(TABLE[state][type]);
    });
  }
});

describe('machine: what every transition keeps', () => {
  it('never changes the context it was given, and an input of an old epoch changes nothing', () => {
    for (const state of Object.keys(reach) as SocketState[]) {
      const before = apply(initialContext(true, true), reach[state]);
      const frozen = JSON.stringify(before);
      for (const make of Object.values(inputs)) {
        const input = make(before);
        transition(before, input, config);
        if ('epoch' in input) expect(transition(before, { ...input, epoch: before.epoch - 1 } as Input, config)).toEqual({ context: before, effects: [] });
      }
      expect(JSON.stringify(before)).toBe(frozen);
    }
  });
});
