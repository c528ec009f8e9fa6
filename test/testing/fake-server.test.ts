import { describe, expect, it } from 'vitest';
import { classify, defineCloseCodes } from '../../src/index';
import { createFakeClock, createFakeServer, type FakeWebSocket } from '../../src/testing/index';

const AppCodes = defineCloseCodes({ TokenExpired: 4001, RateLimited: 4029 });

/** A fake socket whose events are written to `log` as short strings. */
function watch(socket: FakeWebSocket): string[] {
  const log: string[] = [];
  socket.onopen = () => log.push('open');
  socket.onerror = () => log.push('error');
  socket.onmessage = (event) => log.push(`message ${String(event.data)}`);
  socket.onclose = (event) => log.push(`close ${event.code} ${JSON.stringify(event.reason)} ${event.wasClean ? 'clean' : 'unclean'}`);
  return log;
}

function setup(options: Parameters<typeof createFakeServer>[0] = {}) {
  const clock = createFakeClock();
  const server = createFakeServer({ clock, codes: AppCodes, ...options });
  const connect = (url = 'ws://app.test/live', protocols?: string | string[]) => {
    const socket = new server.WebSocket(url, protocols);
    return { socket, log: watch(socket) };
  };
  return { clock, server, connect };
}

describe('fake WebSocket: browser-like surface', () => {
  it('has the ready-state constants on the class and on instances', () => {
    const { server, connect } = setup();
    const { socket } = connect();
    expect([server.WebSocket.CONNECTING, server.WebSocket.OPEN, server.WebSocket.CLOSING, server.WebSocket.CLOSED]).toEqual([0, 1, 2, 3]);
    expect([socket.CONNECTING, socket.OPEN, socket.CLOSING, socket.CLOSED]).toEqual([0, 1, 2, 3]);
    expect(socket.readyState).toBe(0);
    expect(socket.binaryType).toBe('blob');
    socket.binaryType = 'arraybuffer';
    socket.binaryType = 'nonsense';
    expect(socket.binaryType).toBe('arraybuffer');
  });

  it('normalises the URL and refuses bad ones with a SyntaxError, as a browser does', () => {
    const { connect } = setup();
    expect(connect('http://app.test').socket.url).toBe('ws://app.test/');
    expect(connect('https://app.test/x?t=1').socket.url).toBe('wss://app.test/x?t=1');
    for (const url of ['not a url', 'ftp://app.test/', 'ws://app.test/#frag']) {
      expect(() => connect(url)).toThrow(expect.objectContaining({ name: 'SyntaxError' }));
    }
    expect(() => connect('ws://app.test/', ['a', 'a'])).toThrow(expect.objectContaining({ name: 'SyntaxError' }));
  });

  it('delivers nothing until the clock moves', () => {
    const { clock, connect } = setup();
    const { socket, log } = connect();
    expect(log).toEqual([]);
    clock.advance(0);
    expect(log).toEqual(['open']);
    expect(socket.readyState).toBe(1);
  });

  it('chooses the first offered subprotocol unless told otherwise', () => {
    const { clock, connect } = setup();
    const { socket } = connect('ws://app.test/', ['v2', 'v1']);
    expect(socket.protocol).toBe('');
    clock.advance(0);
    expect(socket.protocol).toBe('v2');

    const other = setup({ selectProtocol: (offered) => offered[offered.length - 1] ?? '' });
    const picked = other.connect('ws://app.test/', ['v2', 'v1']);
    other.clock.advance(0);
    expect(picked.socket.protocol).toBe('v1');
  });

  it('supports addEventListener with once, and removeEventListener', () => {
    const { clock, server, connect } = setup();
    const { socket } = connect();
    const seen: string[] = [];
    const onMessage = (event: { data: unknown }) => seen.push(`listener ${String(event.data)}`);
    socket.addEventListener('message', onMessage);
    socket.addEventListener('message', { handleEvent: (event) => seen.push(`once ${String(event.data)}`) }, { once: true });
    clock.advance(0);
    server.send('a');
    clock.advance(0);
    socket.removeEventListener('message', onMessage);
    server.send('b');
    clock.advance(0);
    expect(seen).toEqual(['listener a', 'once a']);
  });

  it('runs every listener even if one throws, then rethrows the first error', () => {
    const { clock, connect } = setup();
    const { socket } = connect();
    const seen: string[] = [];
    socket.onopen = () => {
      throw new Error('handler failed');
    };
    socket.addEventListener('open', () => seen.push('listener ran'));
    expect(() => clock.advance(0)).toThrow('handler failed');
    expect(seen).toEqual(['listener ran']);
  });
});

describe('fake server: scripted connections', () => {
  it('accepts by default', () => {
    const { clock, server, connect } = setup();
    const { log } = connect();
    clock.advance(0);
    expect(log).toEqual(['open']);
    expect(server.openConnections).toHaveLength(1);
    expect(server.lastConnection?.state).toBe('open');
  });

  it('rejectNext: accept, then close with the code (a name from the contract or a number)', () => {
    const { clock, server, connect } = setup();
    server.rejectNext('TokenExpired', 'token expired').rejectNext(4500);
    const first = connect();
    const second = connect();
    clock.advance(0);
    expect(first.log).toEqual(['open', 'close 4001 "token expired" clean']);
    expect(second.log).toEqual(['open', 'close 4500 "" clean']);
    expect(server.connections[0]).toMatchObject({ state: 'closed', closedBy: 'server', closeCode: 4001, closeReason: 'token expired' });
  });

  it('the reject is readable by classify: application, named, opened', () => {
    const { clock, server, connect } = setup();
    server.rejectNext('RateLimited', 'slow down');
    const { socket } = connect();
    let opened = false;
    let result: ReturnType<typeof classify<typeof AppCodes.codes>> | undefined;
    socket.onopen = () => (opened = true);
    socket.onclose = (event) => (result = classify(event, { codes: AppCodes, opened }));
    clock.advance(0);
    expect(result).toMatchObject({ kind: 'application', name: 'RateLimited', code: 4029, reason: 'slow down', wasClean: true, opened: true });
  });

  it('refuseNext: error, then close 1006 unclean, never open', () => {
    const { clock, server, connect } = setup();
    server.refuseNext();
    const { socket, log } = connect();
    clock.advance(0);
    expect(log).toEqual(['error', 'close 1006 "" unclean']);
    expect(socket.readyState).toBe(3);
    expect(server.lastConnection).toMatchObject({ closedBy: 'network', openedAtMs: undefined });
  });

  it('hangNext: stays CONNECTING until the test decides', () => {
    const { clock, server, connect } = setup();
    server.hangNext();
    const { socket, log } = connect();
    clock.advance(60_000);
    expect(log).toEqual([]);
    expect(socket.readyState).toBe(0);
    server.lastConnection?.accept();
    clock.advance(0);
    expect(log).toEqual(['open']);
  });

  it('script steps are used in order, then the default applies', () => {
    const { clock, server, connect } = setup();
    server.refuseNext().acceptNext();
    server.setDefault({ reject: 'RateLimited' });
    const logs = [connect(), connect(), connect()].map((c) => c.log);
    clock.advance(0);
    expect(logs).toEqual([['error', 'close 1006 "" unclean'], ['open'], ['open', 'close 4029 "" clean']]);
  });

  it('onConnection decides from the URL when no script step is left', () => {
    const { clock, server, connect } = setup();
    const stop = server.onConnection((connection) => {
      if (new URL(connection.url).searchParams.get('token') !== 'fresh') connection.reject('TokenExpired', 'token expired');
    });
    const stale = connect('ws://app.test/?token=stale');
    const fresh = connect('ws://app.test/?token=fresh');
    clock.advance(0);
    expect(stale.log).toEqual(['open', 'close 4001 "token expired" clean']);
    expect(fresh.log).toEqual(['open']);
    stop();
    const later = connect('ws://app.test/?token=stale');
    clock.advance(0);
    expect(later.log).toEqual(['open']);
  });

  it('counts every attempt and its URL', () => {
    const { server, connect } = setup();
    connect('ws://app.test/?n=1');
    connect('ws://app.test/?n=2');
    expect(server.attempts).toBe(2);
    expect(server.urls).toEqual(['ws://app.test/?n=1', 'ws://app.test/?n=2']);
    expect(server.connections.map((c) => c.id)).toEqual([1, 2]);
  });

  it('latencyMs delays every event', () => {
    const { clock, connect } = setup({ latencyMs: 40 });
    const { log } = connect();
    clock.advance(39);
    expect(log).toEqual([]);
    clock.advance(1); // handshake reaches the server
    clock.advance(40); // open reaches the client
    expect(log).toEqual(['open']);
  });

  it('refuses a bad script at once, not when a client connects', () => {
    const { server } = setup();
    expect(() => server.rejectNext(70_000)).toThrow(expect.objectContaining({ name: 'CloseCodeError', rule: 'not-sendable' }));
    expect(() => server.rejectNext('Nope' as 'TokenExpired')).toThrow(expect.objectContaining({ rule: 'unknown-name' }));
    expect(() => server.rejectNext(4000, 'x'.repeat(124))).toThrow(expect.objectContaining({ rule: 'reason-too-long' }));
    expect(() => server.setDefault('sometimes' as 'accept')).toThrow(TypeError);
    expect(() => createFakeServer().rejectNext('Unauthorized' as never)).toThrow(expect.objectContaining({ rule: 'unknown-name' }));
  });
});

describe('fake server: messages', () => {
  it('records what clients send, per connection and overall', () => {
    const { clock, server, connect } = setup();
    const a = connect();
    const b = connect();
    clock.advance(0);
    a.socket.send('hello');
    b.socket.send('there');
    expect(server.received).toEqual(['hello', 'there']);
    expect(server.connections[0]?.received).toEqual(['hello']);
  });

  it('send() while CONNECTING throws InvalidStateError; after close it is ignored', () => {
    const { clock, server, connect } = setup();
    const { socket } = connect();
    expect(() => socket.send('early')).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
    clock.advance(0);
    socket.close();
    socket.send('late');
    expect(server.received).toEqual([]);
  });

  it('server.send reaches every open client, in order', () => {
    const { clock, server, connect } = setup();
    const a = connect();
    const b = connect();
    clock.advance(0);
    expect(server.send('one')).toBe(2);
    server.lastConnection?.send('two');
    clock.advance(0);
    expect(a.log).toEqual(['open', 'message one']);
    expect(b.log).toEqual(['open', 'message one', 'message two']);
  });

  it('autoPong answers pings, and can be turned off', () => {
    const { clock, server, connect } = setup({ autoPong: true });
    const { socket, log } = connect();
    clock.advance(0);
    socket.send('ping');
    socket.send('other');
    clock.advance(0);
    expect(log).toEqual(['open', 'message pong']);
    server.setAutoPong({ ping: (data: unknown) => data === '{"t":"ping"}', pong: () => '{"t":"pong"}' });
    socket.send('{"t":"ping"}');
    clock.advance(0);
    expect(log.at(-1)).toBe('message {"t":"pong"}');
    server.setAutoPong(false);
    socket.send('ping');
    clock.advance(0);
    expect(log).toHaveLength(3);
  });

  it('onMessage sees every message with its connection', () => {
    const { clock, server, connect } = setup();
    const seen: string[] = [];
    server.onMessage((data, connection) => seen.push(`#${connection.id} ${String(data)}`));
    const { socket } = connect();
    clock.advance(0);
    socket.send('x');
    expect(seen).toEqual(['#1 x']);
  });
});

describe('fake server: closes and failures', () => {
  it('client close(code, reason): close event with that code, clean; the server records it', () => {
    const { clock, server, connect } = setup();
    const { socket, log } = connect();
    clock.advance(0);
    socket.close(4000, 'bye');
    expect(socket.readyState).toBe(2);
    clock.advance(0);
    expect(log).toEqual(['open', 'close 4000 "bye" clean']);
    expect(server.lastConnection).toMatchObject({ closedBy: 'client', closeCode: 4000, closeReason: 'bye', state: 'closed' });
  });

  it('client close() with no code gives 1005', () => {
    const { clock, connect } = setup();
    const { socket, log } = connect();
    clock.advance(0);
    socket.close();
    clock.advance(0);
    expect(log).toEqual(['open', 'close 1005 "" clean']);
  });

  it.each([1001, 1006, 1011, 2999, 5000, 0])('client close(%i) throws InvalidAccessError and the socket stays open', (code) => {
    const { clock, connect } = setup();
    const { socket } = connect();
    clock.advance(0);
    expect(() => socket.close(code)).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    expect(socket.readyState).toBe(1);
  });

  it('client close reason: 41 × "€" (123 bytes) passes, 42 throws SyntaxError', () => {
    const { clock, connect } = setup();
    const { socket } = connect();
    clock.advance(0);
    expect(() => socket.close(1000, '€'.repeat(42))).toThrow(expect.objectContaining({ name: 'SyntaxError' }));
    expect(socket.readyState).toBe(1);
    expect(() => socket.close(1000, '€'.repeat(41))).not.toThrow();
  });

  it('client close while CONNECTING fails the connection: error, close 1006', () => {
    const { clock, server, connect } = setup();
    server.hangNext();
    const { socket, log } = connect();
    socket.close();
    clock.advance(0);
    expect(log).toEqual(['error', 'close 1006 "" unclean']);
  });

  it('client close after the server accepted but before open arrived still fails the connection', () => {
    const { clock, server, connect } = setup({ latencyMs: 10 });
    const { socket, log } = connect();
    clock.advance(10); // the server accepts; the open event is 10 ms away
    expect(server.lastConnection?.state).toBe('open');
    socket.close(1000);
    clock.advance(20);
    expect(log).toEqual(['error', 'close 1006 "" unclean']);
    expect(server.lastConnection).toMatchObject({ state: 'closed', closedBy: 'client' });
  });

  it('client close while CONNECTING wins over a server close still on its way: error, close 1006', () => {
    const { clock, server, connect } = setup({ latencyMs: 10 });
    server.rejectNext('TokenExpired', 'token expired');
    const { socket, log } = connect();
    clock.advance(10); // the server accepts and closes; open and close are 10 ms away
    expect(server.lastConnection?.state).toBe('closing');
    socket.close();
    clock.advance(20);
    expect(log).toEqual(['error', 'close 1006 "" unclean']);
    expect(server.lastConnection).toMatchObject({ state: 'closed', closedBy: 'client' });
  });

  it('dropAll: open sockets see 1006 unclean with no error; pending ones error first', () => {
    const { clock, server, connect } = setup();
    const open = connect();
    clock.advance(0);
    server.hangNext();
    const pending = connect();
    clock.advance(0);
    expect(server.dropAll()).toBe(2);
    clock.advance(0);
    expect(open.log).toEqual(['open', 'close 1006 "" unclean']);
    expect(pending.log).toEqual(['error', 'close 1006 "" unclean']);
  });

  it('closeAll(code, reason) closes every open connection', () => {
    const { clock, server, connect } = setup();
    const a = connect();
    const b = connect();
    clock.advance(0);
    expect(server.closeAll(1013, 'busy')).toBe(2);
    clock.advance(0);
    expect(a.log).toEqual(['open', 'close 1013 "busy" clean']);
    expect(b.log).toEqual(['open', 'close 1013 "busy" clean']);
  });

  it('closeAll() with no code gives the client 1005; a code never sent on the wire fails it with 1006', () => {
    const { clock, server, connect } = setup();
    const a = connect();
    const b = connect();
    clock.advance(0);
    server.connections[0]?.close();
    server.connections[1]?.close(1006);
    clock.advance(0);
    expect(a.log).toEqual(['open', 'close 1005 "" clean']);
    expect(b.log).toEqual(['open', 'error', 'close 1006 "" unclean']);
  });

  it('closing a pending handshake accepts it first: open, then the close', () => {
    const { clock, server, connect } = setup();
    server.hangNext().hangNext();
    const a = connect();
    const b = connect();
    clock.advance(0);
    server.connections[0]?.close();
    server.connections[1]?.close('RateLimited', 'later');
    clock.advance(0);
    expect(a.log).toEqual(['open', 'close 1005 "" clean']);
    expect(b.log).toEqual(['open', 'close 4029 "later" clean']);
  });

  it('a reason without a code cannot be framed', () => {
    const { clock, server, connect } = setup();
    connect();
    clock.advance(0);
    expect(() => server.lastConnection?.close(undefined, 'why')).toThrow(expect.objectContaining({ rule: 'not-sendable' }));
  });

  it('passes reserved codes through unchanged, as a browser does', () => {
    const { clock, server, connect } = setup();
    const clients = [999, 1004, 2000, 5000].map((code) => {
      server.rejectNext(code);
      return connect();
    });
    clock.advance(0);
    expect(clients.map((c) => c.log[1])).toEqual(['close 999 "" clean', 'close 1004 "" clean', 'close 2000 "" clean', 'close 5000 "" clean']);
  });

  it('restart: open clients get 1012, new ones are refused while down, then accepted', () => {
    const { clock, server, connect } = setup();
    const before = connect();
    clock.advance(0);
    server.restart({ downForMs: 1_000 });
    expect(server.isDown).toBe(true);
    clock.advance(0);
    expect(before.log).toEqual(['open', 'close 1012 "" clean']);
    const during = connect();
    clock.advance(500);
    expect(during.log).toEqual(['error', 'close 1006 "" unclean']);
    clock.advance(500);
    expect(server.isDown).toBe(false);
    const after = connect();
    clock.advance(0);
    expect(after.log).toEqual(['open']);
  });

  it('closeAll and restart refuse a bad close frame even when no connection is open', () => {
    const { server } = setup();
    expect(() => server.closeAll(70_000)).toThrow(expect.objectContaining({ name: 'CloseCodeError', rule: 'not-sendable' }));
    expect(() => server.closeAll(undefined, 'why')).toThrow(expect.objectContaining({ rule: 'not-sendable' }));
    expect(() => server.restart({ code: 'Nope' as 'TokenExpired' })).toThrow(expect.objectContaining({ rule: 'unknown-name' }));
    expect(() => server.restart({ reason: 'x'.repeat(124) })).toThrow(expect.objectContaining({ rule: 'reason-too-long' }));
    expect(server.isDown).toBe(false);
  });

  it('a restart with a bad code changes nothing: pending connections are not refused', () => {
    const { clock, server, connect } = setup();
    server.hangNext();
    const pending = connect();
    clock.advance(0);
    const open = connect();
    clock.advance(0);
    expect(() => server.restart({ code: 70_000, downForMs: 100 })).toThrow(expect.objectContaining({ rule: 'not-sendable' }));
    clock.advance(0);
    expect(pending.log).toEqual([]);
    expect(open.log).toEqual(['open']);
    expect(server.isDown).toBe(false);
  });

  it('a script step waits out the downtime instead of being used up', () => {
    const { clock, server, connect } = setup();
    server.restart({ downForMs: 100 });
    server.rejectNext('TokenExpired');
    connect();
    clock.advance(100);
    const next = connect();
    clock.advance(0);
    expect(next.log).toEqual(['open', 'close 4001 "" clean']);
  });

  it('leaves no timers behind once everything is delivered', () => {
    const { clock, server, connect } = setup({ autoPong: true });
    const { socket } = connect();
    clock.advance(0);
    socket.send('ping');
    server.closeAll(1000);
    clock.runAll();
    expect(clock.pending()).toBe(0);
  });

  it('its methods work detached from the server, as the returned functions close over it', () => {
    const { clock, server, connect } = setup();
    const { rejectNext, send, closeAll } = server;
    expect(rejectNext('TokenExpired')).toBe(server);
    const rejected = connect();
    const kept = connect();
    clock.advance(0);
    expect(send('hi')).toBe(1);
    expect(closeAll(1000)).toBe(1);
    clock.advance(0);
    expect(rejected.log).toEqual(['open', 'close 4001 "" clean']);
    expect(kept.log).toEqual(['open', 'message hi', 'close 1000 "" clean']);
  });

  it('without a clock option it brings its own fake clock', () => {
    const server = createFakeServer();
    const log = watch(new server.WebSocket('ws://app.test/'));
    server.clock.advance(0);
    expect(log).toEqual(['open']);
  });
});
