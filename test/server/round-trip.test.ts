// The server half and the client half over a real connection on loopback:
// a `ws` server closes with a name from the app's contract, and the client
// (undici's WebSocket, as in Node; `ws` as a client) classifies it with the
// same contract object.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket as UndiciWebSocket } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as WsClient, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { classify, type CloseEventLike } from '../../src/index';
import { createCloser, createUpgradeHandler } from '../../src/server/index';
import { AppCodes } from '../../examples/app/codes';

const { closeWith, rejectAfterAccept } = createCloser(AppCodes);

interface Running {
  readonly url: string;
  close(): Promise<void>;
}

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

/** A `ws` server on 127.0.0.1, port 0, that hands each connection to `serve`. */
async function startServer(serve: (ws: ServerSocket) => void): Promise<Running> {
  const http: Server = createServer((_request, response) => response.writeHead(426).end());
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', createUpgradeHandler(wss, { allowedOrigins: ['http://app.test'], allowMissingOrigin: true }));
  wss.on('connection', serve);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const server: Running = {
    url: `ws://127.0.0.1:${port}/live`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  running.push(server);
  return server;
}

interface Outcome {
  readonly events: string[];
  readonly close: CloseEventLike & { code: number; reason: string; wasClean: boolean };
  readonly opened: boolean;
}

function withTimeout<T>(promise: Promise<T>, ms = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no close within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Connects with undici's WebSocket (Node's own implementation) and waits for the close. */
function viaUndici(url: string): Promise<Outcome> {
  return withTimeout(
    new Promise((resolve) => {
      const events: string[] = [];
      let opened = false;
      const socket = new UndiciWebSocket(url);
      socket.onopen = () => {
        opened = true;
        events.push('open');
      };
      socket.onerror = () => events.push('error');
      socket.onclose = (event) => {
        events.push('close');
        resolve({ events, opened, close: { code: event.code, reason: event.reason, wasClean: event.wasClean } });
      };
    }),
  );
}

/** Connects with `ws` as a client and waits for the close. */
function viaWs(url: string): Promise<Outcome> {
  return withTimeout(
    new Promise((resolve) => {
      const events: string[] = [];
      let opened = false;
      const socket = new WsClient(url);
      socket.on('open', () => {
        opened = true;
        events.push('open');
      });
      socket.on('error', () => events.push('error'));
      socket.on('close', (code, reason) => {
        events.push('close');
        resolve({ events, opened, close: { code, reason: reason.toString('utf8'), wasClean: code !== 1006 } });
      });
    }),
  );
}

const clients = [
  { client: 'undici', connect: viaUndici },
  { client: 'ws', connect: viaWs },
] as const;

describe.each(clients)('round trip over a real ws server ($client client)', ({ connect }) => {
  it("closeWith(ws, 'RateLimited') → kind 'application', name 'RateLimited', same contract on both sides", async () => {
    const server = await startServer((ws) => {
      ws.send('hello');
      closeWith(ws, 'RateLimited', 'slow down');
    });
    const { events, opened, close } = await connect(server.url);
    expect(events).toEqual(['open', 'close']);
    expect(close).toMatchObject({ code: 4029, reason: 'slow down', wasClean: true });
    const result = classify(close, { codes: AppCodes, opened });
    expect(result.kind).toBe('application');
    expect(result.name).toBe('RateLimited');
    expect(result.opened).toBe(true);
    if (result.kind === 'application') {
      // The name is typed from the contract: this comparison only compiles for its names.
      expect(result.name === 'RateLimited').toBe(true);
    }
  });

  it('rejectAfterAccept: the client sees open, then the code and reason', async () => {
    const server = await startServer((ws) => rejectAfterAccept(ws, 'TokenExpired', 'token expired'));
    const { events, opened, close } = await connect(server.url);
    expect(events).toEqual(['open', 'close']);
    expect(classify(close, { codes: AppCodes, opened })).toMatchObject({
      kind: 'application',
      name: 'TokenExpired',
      code: 4001,
      reason: 'token expired',
      wasClean: true,
      opened: true,
    });
  });

  it('an over-long reason arrives trimmed to 123 bytes, still valid UTF-8', async () => {
    const reason = `${'a'.repeat(121)}€ and more`;
    const server = await startServer((ws) => closeWith(ws, 'TryAgainLater', reason));
    const { close } = await connect(server.url);
    expect(close.code).toBe(1013);
    expect(close.reason).toBe('a'.repeat(121));
    expect(classify(close, { opened: true })).toMatchObject({ kind: 'standard', name: 'TryAgainLater' });
  });

  it('a refused code is never sent: the server learns at once and the connection stays usable', async () => {
    let refused: unknown;
    const server = await startServer((ws) => {
      try {
        closeWith(ws, 1006);
      } catch (error) {
        refused = error;
      }
      closeWith(ws, 1011, 'fallback');
    });
    const { close } = await connect(server.url);
    expect(refused).toMatchObject({ name: 'CloseCodeError', rule: 'not-sendable' });
    expect(close.code).toBe(1011);
  });
});
