// Review round 2: the fake server refuses bad input up front with its own
// TypeError naming what was wrong, never a bare engine error later on.
import { describe, expect, it } from 'vitest';
import { createFakeClock, createFakeServer } from '../../src/testing';

const bad = <T>(value: unknown): T => value as T;

describe('createFakeServer: options', () => {
  it.each([
    ['null', null, /^createFakeServer: options must be an object/],
    ['a number', 5, /^createFakeServer: options must be an object/],
    ['a clock without timers', { clock: { now: () => 0 } }, /^createFakeServer: clock must be a clock with now\(\), setTimeout\(\) and clearTimeout\(\)/],
    ['a selectProtocol that is not a function', { selectProtocol: 'v1' }, /^createFakeServer: selectProtocol must be a function; got "v1"/],
    ['an autoPong that is neither a boolean nor an object', { autoPong: 'yes' }, /^createFakeServer: autoPong must be true, false or \{ ping, pong \}; got "yes"/],
    ['a misspelt option', { latency: 20 }, /^createFakeServer: latency is not an option here\. Did you mean 'latencyMs'\?/],
  ])('%s throws a TypeError at once', (_what, options, message) => {
    expect(() => createFakeServer(bad<never>(options))).toThrow(TypeError);
    expect(() => createFakeServer(bad<never>(options))).toThrow(message);
  });

  it('still takes every documented option', () => {
    const clock = createFakeClock();
    const server = createFakeServer({ clock, latencyMs: 5, default: 'refuse', selectProtocol: () => '', autoPong: { ping: 'p' } });
    expect(server.clock).toBe(clock);
  });
});

describe('fake server methods: bad arguments', () => {
  it.each([
    ['restart(null)', (server: ReturnType<typeof createFakeServer>) => server.restart(bad(null)), /^restart: options must be an object/],
    ['restart({ downFor })', (server: ReturnType<typeof createFakeServer>) => server.restart(bad({ downFor: 100 })), /^restart: downFor is not an option here\. Did you mean 'downForMs'\?/],
    ['onConnection(not a function)', (server: ReturnType<typeof createFakeServer>) => server.onConnection(bad('accept')), /^onConnection: handler must be a function; got "accept"/],
    ['onMessage(not a function)', (server: ReturnType<typeof createFakeServer>) => server.onMessage(bad(null)), /^onMessage: handler must be a function; got null/],
    ['setAutoPong(null)', (server: ReturnType<typeof createFakeServer>) => server.setAutoPong(bad(null)), /^setAutoPong: options must be true, false or \{ ping, pong \}; got null/],
  ])('%s throws a TypeError naming the method, and changes nothing', (_what, act, message) => {
    const server = createFakeServer();
    expect(() => act(server)).toThrow(TypeError);
    expect(() => act(server)).toThrow(message);
    // The server still works as before: accepts, and does not answer pings.
    const socket = new server.WebSocket('ws://fake.test/');
    const messages: unknown[] = [];
    socket.onmessage = (event) => void messages.push((event as { data: unknown }).data);
    server.clock.runAll();
    socket.send('ping');
    server.clock.runAll();
    expect(server.isDown).toBe(false);
    expect(socket.readyState).toBe(1);
    expect(messages).toEqual([]);
  });
});
