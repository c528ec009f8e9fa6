// Faults the chaos run found, replayed on purpose: a real `ws` server on
// 127.0.0.1 doing exactly what broke a promise, against undici's WebSocket;
// or, where no network is involved, the fake server and clock.
import { WebSocket as UndiciWebSocket } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createSocket, isSocketError, type ManagedSocket, type StoppedInfo } from '../../src/index';
import { createFakeClock, createFakeServer } from '../../src/testing';
import { startTestServer, type TestServer } from '../support/ws-server';

let server: TestServer | undefined;
const sockets: ManagedSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.dispose();
  await server?.close();
  server = undefined;
});

/** A server that accepts and then never reads or writes again: the client's close frame is never answered. */
async function silentServer(): Promise<TestServer> {
  server = await startTestServer({ default: (ws) => ws.pause() });
  return server;
}

function stoppedOf(socket: ManagedSocket): Promise<StoppedInfo> {
  return new Promise((resolve) => socket.once('stopped', resolve));
}

describe('replayed from the chaos run', () => {
  it('close() on a connection the server never answers hands back what was written but never confirmed', async () => {
    const { url } = await silentServer();
    // The close handshake may take up to connectTimeoutMs, longer than confirmAfterMs: the wait
    // for an answer that never comes must not count as the connection having stayed open.
    const socket = createSocket(url, { WebSocket: UndiciWebSocket, pauseWhenOffline: false, connectTimeoutMs: 400, queue: { confirmAfterMs: 150 } });
    sockets.push(socket);
    const stopped = stoppedOf(socket);
    socket.once('open', () => {
      socket.send('m1');
      socket.send('m2');
      socket.close();
    });
    const { cause, pending } = await stopped;
    expect(cause).toBe('client');
    expect(pending).toEqual(['m1', 'm2']);
  });

  it('in ack mode, close() on a connection the server never answers hands back what was never acknowledged', async () => {
    const { url } = await silentServer();
    const socket = createSocket(url, {
      WebSocket: UndiciWebSocket,
      pauseWhenOffline: false,
      connectTimeoutMs: 400,
      queue: { ack: { idOf: (data) => data, acked: () => undefined } },
    });
    sockets.push(socket);
    const stopped = stoppedOf(socket);
    socket.once('open', () => {
      socket.send('m1');
      socket.send('m2');
      socket.close();
    });
    expect((await stopped).pending).toEqual(['m1', 'm2']);
  });

  // (Open in the default mode nothing is queued, so nothing overflows; in ack mode queue.max bounds what is in flight too.)
  const overflowCases = [
    ['dispose', 'default mode, not open', false, false],
    ['dispose', 'ack mode, not open', true, false],
    ['dispose', 'ack mode, open', true, true],
    ['close', 'default mode, not open', false, false],
    ['close', 'ack mode, not open', true, false],
  ] as const;

  it.each(overflowCases)('%s() in a dropped listener during send() (%s): the message is handed back or refused, never lost', async (call, _name, ack, open) => {
    const clock = createFakeClock();
    const fake = createFakeServer({ clock });
    const socket = createSocket('ws://app.test/live', {
      WebSocket: fake.WebSocket,
      clock,
      timers: clock,
      pauseWhenOffline: false,
      queue: { max: 1, overflow: 'drop-oldest', ...(ack && { ack: { idOf: (data) => data, acked: () => undefined } }) },
    });
    sockets.push(socket);
    const pending: unknown[] = [];
    socket.on('stopped', (info) => pending.push(...info.pending));
    // The overflow that send('b') causes reports a message as dropped ('a', or 'b' itself when 'a' is in flight), and the app gives up.
    const dropped: unknown[] = [];
    socket.on('dropped', (info) => {
      dropped.push(...info.messages);
      if (call === 'dispose') socket.dispose();
      else socket.close();
    });
    if (open) await clock.advanceAsync(10);
    socket.send('a');
    let refused: unknown;
    try {
      socket.send('b');
    } catch (error) {
      refused = error;
    }
    await clock.advanceAsync(1000);
    socket.dispose();
    // Handed back means pending or dropped, exactly once; in ack mode an in-flight 'a' is never the one dropped.
    if (refused === undefined)
      expect(
        [...pending, ...dropped].filter((m) => m === 'b'),
        'send("b") returned, so "b" must come back once',
      ).toEqual(['b']);
    else expect(isSocketError(refused) && ['disposed', 'stopped'].includes(refused.code), String(refused)).toBe(true);
    expect(
      [...pending, ...dropped].filter((m) => m === 'a'),
      '"a" comes back once',
    ).toEqual(['a']);
  });
});
