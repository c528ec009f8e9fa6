// The app's server half, on Node with `ws`: the README's recipe as a module.
// Cross-site handshakes are refused with HTTP 403 before any WebSocket
// exists; an unknown token is accepted and then closed with TokenExpired
// (4001) so the browser can tell why; too many connections get RateLimited.
//
// In an app these imports read `from 'closekit/server'`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { createCloser, createUpgradeHandler, type AllowedOrigins } from '../../src/server/index';
import { AppCodes } from './codes';

const { closeWith, rejectAfterAccept } = createCloser(AppCodes);

export interface ChatServerOptions {
  /** The origins of the pages that may connect. */
  readonly allowedOrigins: AllowedOrigins;
  /** Decides whether a token from the query string is valid now. */
  readonly isValidToken: (token: string) => boolean;
  /** Connections allowed at once before new ones get RateLimited. @default 100 */
  readonly maxConnections?: number;
  /** @default 0 (an ephemeral port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
}

export interface ChatServer {
  /** e.g. `ws://127.0.0.1:41234/live` */
  readonly url: string;
  /** How many WebSockets the server has accepted so far. */
  readonly accepted: number;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts the chat server; every message a member sends goes to every member. */
export async function startChatServer(options: ChatServerOptions): Promise<ChatServer> {
  const { allowedOrigins, isValidToken, maxConnections = 100, port = 0, host = '127.0.0.1' } = options;
  let accepted = 0;
  const http = createServer((_request, response) => response.writeHead(426).end('WebSocket only\n'));
  const wss = new WebSocketServer({ noServer: true });
  const members = new Set<import('ws').WebSocket>();

  http.on('upgrade', createUpgradeHandler(wss, { allowedOrigins }));

  wss.on('connection', (ws, request) => {
    accepted++;
    const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token') ?? '';
    if (!isValidToken(token)) return void rejectAfterAccept(ws, 'TokenExpired', 'token expired');
    if (members.size >= maxConnections) return void closeWith(ws, 'RateLimited', 'too many connections, retry in a minute');
    members.add(ws);
    ws.on('close', () => members.delete(ws));
    ws.on('message', (data) => {
      if (String(data) === 'ping') return void ws.send('pong');
      for (const member of members) member.send(String(data));
    });
  });

  await new Promise<void>((resolve) => http.listen(port, host, resolve));
  const address = http.address() as AddressInfo;
  return {
    url: `ws://${host}:${address.port}/live`,
    get accepted() {
      return accepted;
    },
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
