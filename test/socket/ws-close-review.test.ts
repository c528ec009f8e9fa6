// Against a real server on 127.0.0.1 that completes the upgrade and then reads
// nothing (so never answers a close frame), with the `ws` package's client:
// after the socket gave up on the closing handshake and was disposed, no
// WebSocket is left (guarantees.md: "After dispose() no timer, WebSocket,
// subscription or listener is left: the process can exit").
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSocket } from '../../src/socket';

// RFC 6455 §1.3: the accept key is the base64 SHA-1 of the client's key and this GUID.
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

let server: Server | undefined;
const connections: Socket[] = [];

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.destroy();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A server that accepts every upgrade, then never reads or writes again. */
async function deafServer(): Promise<number> {
  const deaf = createServer((connection) => {
    connections.push(connection);
    connection.once('data', (request) => {
      const key = /Sec-WebSocket-Key: *(\S+)/i.exec(request.toString())?.[1] ?? '';
      const accept = createHash('sha1')
        .update(key + GUID)
        .digest('base64');
      connection.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    });
  });
  server = deaf;
  await new Promise<void>((resolve) => deaf.listen(0, '127.0.0.1', resolve));
  return (deaf.address() as { port: number }).port;
}

it("a close() the server never answers: once the socket has stopped and is disposed, the ws client's socket is closed too (ws would hold it 30 s)", async () => {
  const port = await deafServer();
  const made: WebSocket[] = [];
  class Recorded extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      made.push(this);
    }
  }
  const socket = createSocket(`ws://127.0.0.1:${port}/`, { WebSocket: Recorded as never, connectTimeoutMs: 300 });
  await new Promise((resolve) => socket.once('open', resolve));
  socket.close();
  await new Promise((resolve) => socket.once('stopped', resolve));
  socket.dispose();
  const client = made[0] as WebSocket;
  // Bounded: the client's socket closes within 2 s, or the test says it did not.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const closed = await Promise.race([
    new Promise((resolve) => (client.readyState === WebSocket.CLOSED ? resolve('closed') : client.once('close', () => resolve('closed')))),
    new Promise((resolve) => (timer = setTimeout(resolve, 2000, 'still closing'))),
  ]);
  clearTimeout(timer);
  expect(closed).toBe('closed');
  client.terminate();
});
