// createSocket(url, { preset }): a profile's rules, limit, subprotocol and
// heartbeat become the socket's defaults, and the app's options win.
import { describe, expect, it } from 'vitest';
import { centrifugo, graphqlWs, pusher } from '../../src/presets/index';
import { setup } from '../socket/harness';

describe('createSocket with a preset', () => {
  it('offers the profile subprotocol unless the app names its own', () => {
    const h = setup({ preset: graphqlWs });
    h.clock.advance(0);
    expect(h.server.lastConnection?.protocols).toEqual(['graphql-transport-ws']);
    const own = setup({ preset: graphqlWs, protocols: 'mine' });
    own.clock.advance(0);
    expect(own.server.lastConnection?.protocols).toEqual(['mine']);
  });

  it("uses the profile's rules and retry limit: graphql-ws gives up after 6 sockets on 4403", () => {
    const h = setup({ preset: graphqlWs });
    h.server.setDefault({ reject: 4403 });
    h.clock.advance(600_000);
    expect(h.server.connections).toHaveLength(6);
    expect(h.of('stopped')[0]?.cause).toBe('max-attempts');
  });

  it("lets the app's policy options win over the profile's", () => {
    const h = setup({ preset: graphqlWs, policy: { maxAttempts: 2, rules: { 4400: 'reconnect' } } });
    h.server.setDefault({ reject: 4400 });
    h.clock.advance(600_000);
    expect(h.server.connections).toHaveLength(2);
  });

  it('pings in the protocol format and hides the pong', () => {
    const h = setup({ preset: graphqlWs });
    h.server.setAutoPong({ ping: '{"type":"ping"}', pong: '{"type":"pong"}' });
    h.clock.advance(0);
    h.clock.advance(65_000);
    expect(h.socket.state).toBe('open');
    expect(h.server.lastConnection?.received).toEqual(['{"type":"ping"}', '{"type":"ping"}', '{"type":"ping"}']);
    expect(h.of('message')).toEqual([]);
  });

  it("answers the server's ping and does not emit it as a message", () => {
    const h = setup({ preset: graphqlWs });
    h.clock.advance(0);
    h.server.send('{"type":"ping"}');
    h.server.send('{"type":"next","id":"1"}');
    h.clock.advance(0);
    expect(h.server.lastConnection?.received).toEqual(['{"type":"pong"}']);
    expect(h.of('message')).toEqual(['{"type":"next","id":"1"}']);
  });

  it("merges the app's heartbeat fields over the profile's; false turns it off", () => {
    const h = setup({ preset: pusher, heartbeat: { intervalMs: 1000, timeoutMs: 500 } });
    h.clock.advance(0);
    h.clock.advance(1000);
    expect(h.server.lastConnection?.received).toEqual(['{"event":"pusher:ping","data":{}}']);
    h.clock.advance(500);
    expect(h.of('close')[0]?.result).toMatchObject({ code: 1006, reason: 'heartbeat timeout', opened: true });

    const off = setup({ preset: pusher, heartbeat: false });
    off.clock.advance(0);
    off.clock.advance(600_000);
    expect(off.server.lastConnection?.received).toEqual([]);
    expect(off.socket.state).toBe('open');
  });

  it('Centrifugo: sends nothing, answers the server ping {} with {}, and treats 35 s of silence as dead', () => {
    const h = setup({ preset: centrifugo });
    h.clock.advance(0);
    h.clock.advance(20_000);
    h.server.send('{}');
    h.clock.advance(0);
    expect(h.server.lastConnection?.received).toEqual(['{}']);
    expect(h.of('message')).toEqual([]);
    h.clock.advance(34_999);
    expect(h.socket.state).toBe('open');
    h.clock.advance(1);
    expect(h.of('close')[0]?.result).toMatchObject({ code: 1006, reason: 'heartbeat timeout' });
  });

  it('reports an answer hook that throws and delivers the message', () => {
    const h = setup({
      preset: graphqlWs,
      heartbeat: {
        intervalMs: 1000,
        timeoutMs: 500,
        answer: () => {
          throw new Error('bad answer');
        },
      },
    });
    h.clock.advance(0);
    h.server.send('hello');
    h.clock.advance(0);
    expect(h.of('message')).toEqual(['hello']);
    expect(h.of('error')[0]?.message).toMatch(/bad answer/);
  });

  it('a handshake protocol brings queue: false (send() while not open throws not-open); the app may bring its own queue', () => {
    for (const preset of [graphqlWs, centrifugo]) {
      const h = setup({ preset });
      expect(() => h.socket.send('early')).toThrow(expect.objectContaining({ code: 'not-open' }));
      const own = setup({ preset, queue: { max: 5 } });
      own.socket.send('early');
      expect(own.socket.queued).toBe(1);
    }
    const queued = setup({ preset: pusher });
    queued.socket.send('early');
    expect(queued.socket.queued).toBe(1);
  });

  it('rejects a preset that is not an object, naming the option', () => {
    expect(() => setup({ preset: 'graphql-ws' as never })).toThrow(expect.objectContaining({ name: 'SocketError', code: 'invalid-option', option: 'preset' }));
  });
});
