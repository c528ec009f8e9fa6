// Review round 2: the same client script against the fake server and against a
// real `ws` server on 127.0.0.1 with undici's WebSocket (Node's); what the
// client sees must match, so an app's test that passes on the fake passes for real.
import { WebSocket as UndiciWebSocket } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket as ServerSide, WebSocketServer } from 'ws';
import { createFakeClock, createFakeServer } from '../../src/testing';
import { until } from '../support/ws-server';

/** What a script needs from either side: a client, and the server's end of its connection once it opened. */
interface Side {
  connect(protocols?: string[]): ClientSocket;
  /** Cuts the server's end of the latest connection without a close frame. */
  dropServerEnd(): void;
  /** Plays everything out; `done` says when the script has finished. */
  settle(done: () => boolean): Promise<void>;
}

type ClientSocket = InstanceType<typeof UndiciWebSocket>;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function fakeSide(selectProtocol?: (offered: readonly string[]) => string): Side {
  const clock = createFakeClock();
  const server = createFakeServer({ clock, ...(selectProtocol === undefined ? {} : { selectProtocol }) });
  server.onMessage((data, connection) => connection.send(data));
  return {
    connect: (protocols) => new server.WebSocket('ws://fake.test/', protocols) as unknown as ClientSocket,
    dropServerEnd: () => server.lastConnection?.drop(),
    settle: async () => void clock.runAll(),
  };
}

async function realSide(selectProtocol?: (offered: readonly string[]) => string): Promise<Side> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    ...(selectProtocol === undefined ? {} : { handleProtocols: (offered: Set<string>) => selectProtocol([...offered]) }),
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  const sockets: ServerSide[] = [];
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (data, isBinary) => ws.send(isBinary ? data : data.toString()));
  });
  closers.push(async () => {
    for (const ws of sockets) ws.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });
  const { port } = wss.address() as { port: number };
  return {
    connect: (protocols) => new UndiciWebSocket(`ws://127.0.0.1:${port}/`, protocols),
    dropServerEnd: () => sockets[sockets.length - 1]?.terminate(),
    settle: (done) => until(done, 5000, 'the script to finish'),
  };
}

const sides = [
  ['fake', fakeSide],
  ['ws + undici', realSide],
] as const;

describe.each(sides)('the same script on the %s server', (_name, makeSide) => {
  it('a listener removed by an earlier listener of the same event is not called (DOM: the "removed" flag)', async () => {
    const side = await makeSide();
    const socket = side.connect();
    const log: string[] = [];
    const later = (): void => void log.push('later');
    socket.addEventListener('message', () => {
      log.push('first');
      socket.removeEventListener('message', later);
    });
    socket.addEventListener('message', later);
    socket.onopen = () => socket.send('hello');
    socket.onclose = () => log.push('close');
    socket.addEventListener('message', () => socket.close());
    await side.settle(() => log.includes('close'));
    expect(log).toEqual(['first', 'close']);
  });

  it('an on… handler runs in the order it was first set among the listeners, as an event listener (HTML "event handlers")', async () => {
    const side = await makeSide();
    const socket = side.connect();
    const log: string[] = [];
    socket.addEventListener('message', () => log.push('listener 1'));
    socket.onmessage = () => log.push('handler');
    socket.addEventListener('message', () => log.push('listener 2'));
    // Clearing a handler and setting it again moves it to the end.
    socket.onclose = () => log.push('close');
    socket.addEventListener('close', () => log.push('close listener'));
    socket.onclose = null;
    socket.onclose = () => log.push('close again');
    socket.onopen = () => socket.send('hello');
    socket.addEventListener('message', () => socket.close());
    await side.settle(() => log.includes('close again'));
    expect(log).toEqual(['listener 1', 'handler', 'listener 2', 'close listener', 'close again']);
    expect(socket.onclose).toBeTypeOf('function');
  });

  it('addEventListener and removeEventListener throw a TypeError for a listener that is a primitive, and ignore null', async () => {
    const side = await makeSide();
    const socket = side.connect();
    for (const method of ['addEventListener', 'removeEventListener'] as const) {
      for (const listener of [5, 'open', true]) expect(() => socket[method]('open', listener as never)).toThrow(TypeError);
      expect(() => socket[method]('open', null as never)).not.toThrow();
    }
    socket.onopen = () => socket.close();
    let closed = false;
    socket.onclose = () => void (closed = true);
    await side.settle(() => closed);
  });

  it('a client close(4000) the server never answers, dropping the connection instead: close 1006, not clean', async () => {
    const side = await makeSide();
    const socket = side.connect();
    let closed: { code: number; wasClean: boolean } | undefined;
    socket.onopen = () => {
      socket.close(4000, 'bye');
      side.dropServerEnd();
    };
    socket.onclose = (event) => void (closed = { code: event.code, wasClean: event.wasClean });
    await side.settle(() => closed !== undefined);
    expect(closed).toEqual({ code: 1006, wasClean: false });
  });

  it('a subprotocol the client did not offer fails the connection: error, close 1006, never open', async () => {
    const side = await makeSide(() => 'v2');
    const socket = side.connect(['v1']);
    const log: string[] = [];
    socket.onopen = () => log.push('open');
    socket.onerror = () => log.push('error');
    socket.onclose = (event) => log.push(`close ${event.code} ${event.wasClean}`);
    await side.settle(() => log.some((entry) => entry.startsWith('close')));
    expect(log).toEqual(['error', 'close 1006 false']);
    expect(socket.protocol).toBe('');
  });
});

describe('fake server: selectProtocol', () => {
  it('one picked when the client offered none fails the connection too', () => {
    const clock = createFakeClock();
    const server = createFakeServer({ clock, selectProtocol: () => 'v2' });
    const socket = new server.WebSocket('ws://fake.test/');
    const log: string[] = [];
    socket.onopen = () => log.push('open');
    socket.onerror = () => log.push('error');
    socket.onclose = (event) => log.push(`close ${(event as { code: number }).code}`);
    clock.runAll();
    expect(log).toEqual(['error', 'close 1006']);
    expect(server.lastConnection).toMatchObject({ state: 'closed', closedBy: 'network', protocol: '' });
  });

  it('one that is not a string throws a TypeError naming selectProtocol', () => {
    const clock = createFakeClock();
    const server = createFakeServer({ clock, selectProtocol: () => 2 as unknown as string });
    new server.WebSocket('ws://fake.test/', ['v1']);
    expect(() => clock.runAll()).toThrow(new TypeError('createFakeServer: selectProtocol must return a string, got 2.'));
  });
});

describe('subprotocols given as other values than strings', () => {
  // WebIDL (DOMString or sequence<DOMString>): an iterable is a list, anything
  // else one string, and every entry is converted to a string.
  const offers: [string, unknown, string[]][] = [
    ['a number', 5, ['5']],
    ['null', null, ['null']],
    ['a boolean', true, ['true']],
    ['a list with a number', [5, 'v1'], ['5', 'v1']],
    ['a Set', new Set(['v1', 'v2']), ['v1', 'v2']],
  ];

  it.each(offers)('%s: the fake offers what ws + undici offer', async (_what, protocols, expected) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => false });
    await new Promise((resolve) => wss.once('listening', resolve));
    const offered: string[][] = [];
    wss.on('connection', (ws, request) => {
      offered.push(String(request.headers['sec-websocket-protocol']).split(/, */));
      ws.terminate();
    });
    closers.push(() => new Promise((resolve) => wss.close(() => resolve())));
    const { port } = wss.address() as { port: number };
    new UndiciWebSocket(`ws://127.0.0.1:${port}/`, protocols as string[]);
    await until(() => offered.length === 1, 5000, 'the upgrade');
    expect(offered[0]).toEqual(expected);

    const server = createFakeServer();
    new server.WebSocket('ws://fake.test/', protocols as string[]);
    expect(server.lastConnection?.protocols).toEqual(expected);
  });
});

describe('what reaches the server from send() and close()', () => {
  // WebIDL: send() takes binary data as it is and converts anything else to a
  // USVString (a lone surrogate becomes U+FFFD), and so does close()'s reason.
  // An app that forgets JSON.stringify sends "[object Object]", and its test must see that.
  const sent: unknown[] = [5, { type: 'hello' }, null, true, 'x\uD800y'];
  const reason = 'bye \uDC00';

  it('the fake server records what a ws server receives from undici', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    const received: string[] = [];
    let closeReason: string | undefined;
    wss.on('connection', (ws) => {
      ws.on('message', (data) => received.push(data.toString()));
      ws.on('close', (_code, why) => void (closeReason = why.toString()));
    });
    closers.push(() => new Promise((resolve) => wss.close(() => resolve())));
    const { port } = wss.address() as { port: number };
    const socket = new UndiciWebSocket(`ws://127.0.0.1:${port}/`);
    socket.onopen = () => {
      for (const data of sent) socket.send(data as string);
      socket.close(4000, reason);
    };
    await until(() => closeReason !== undefined, 5000, 'the close');

    const clock = createFakeClock();
    const server = createFakeServer({ clock });
    const fake = new server.WebSocket('ws://fake.test/');
    fake.onopen = () => {
      for (const data of sent) fake.send(data);
      fake.close(4000, reason);
    };
    clock.runAll();
    expect(server.received).toEqual(received);
    expect(server.lastConnection?.closeReason).toBe(closeReason);
    expect(received).toEqual(['5', '[object Object]', 'null', 'true', 'x\uFFFDy']);
  });

  it('binary data reaches the fake server as it was sent', () => {
    const clock = createFakeClock();
    const server = createFakeServer({ clock });
    const fake = new server.WebSocket('ws://fake.test/');
    const bytes = new Uint8Array([1, 2]);
    const buffer = new ArrayBuffer(3);
    const blob = new Blob(['x']);
    fake.onopen = () => {
      fake.send(bytes);
      fake.send(buffer);
      fake.send(blob);
    };
    clock.runAll();
    expect(server.received[0]).toBe(bytes);
    expect(server.received[1]).toBe(buffer);
    expect(server.received[2]).toBe(blob);
  });
});

describe('binary messages from the server, by binaryType', () => {
  // WHATWG WebSockets: binary data arrives as a Blob ('blob', the default) or
  // an ArrayBuffer ('arraybuffer'), never as the view the server sent.
  const describeData = async (data: unknown): Promise<string> => {
    if (data instanceof ArrayBuffer) return `ArrayBuffer ${[...new Uint8Array(data)].join(',')}`;
    if (data instanceof Blob) return `Blob ${[...new Uint8Array(await data.arrayBuffer())].join(',')}`;
    return `${Object.prototype.toString.call(data)}`;
  };

  it.each(['arraybuffer', 'blob'] as const)("binaryType '%s': the fake client gets what undici gets from a ws server", async (binaryType) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    wss.on('connection', (ws) => ws.send(new Uint8Array([1, 2, 3]).subarray(1)));
    closers.push(async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
    });
    const { port } = wss.address() as { port: number };
    const real = new UndiciWebSocket(`ws://127.0.0.1:${port}/`);
    real.binaryType = binaryType;
    let realData: unknown;
    real.onmessage = (event) => void (realData = event.data);
    await until(() => realData !== undefined, 5000, 'the message');

    const clock = createFakeClock();
    const server = createFakeServer({ clock });
    server.onConnection((connection) => {
      connection.accept();
      connection.send(new Uint8Array([1, 2, 3]).subarray(1));
    });
    const fake = new server.WebSocket('ws://fake.test/');
    fake.binaryType = binaryType;
    let fakeData: unknown;
    fake.onmessage = (event) => void (fakeData = (event as { data: unknown }).data);
    clock.runAll();
    expect(await describeData(fakeData)).toBe(await describeData(realData));
    expect(await describeData(fakeData)).toBe(binaryType === 'arraybuffer' ? 'ArrayBuffer 2,3' : 'Blob 2,3');
  });
});
