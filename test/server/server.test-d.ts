// Type tests for closekit/server: names are checked against the contract at
// compile time, and ws's classes fit the structural types.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { describe, expectTypeOf, it } from 'vitest';
import type { WebSocket, WebSocketServer } from 'ws';
import { AppCodes } from '../../examples/app/codes';
import {
  closeWith,
  createCloser,
  createUpgradeHandler,
  guardUpgrade,
  rejectAfterAccept,
  type ClosableSocket,
  type SentClose,
  type UpgradeRequestLike,
  type UpgradeServerLike,
  type UpgradeSocketLike,
} from '../../src/server/index';

declare const ws: WebSocket;
declare const wss: WebSocketServer;
declare const request: IncomingMessage;
declare const socket: Duplex;

describe('closekit/server types', () => {
  it("accepts ws's classes structurally", () => {
    expectTypeOf<WebSocket>().toMatchTypeOf<ClosableSocket>();
    expectTypeOf<IncomingMessage>().toMatchTypeOf<UpgradeRequestLike>();
    expectTypeOf<Duplex>().toMatchTypeOf<UpgradeSocketLike>();
    expectTypeOf<WebSocketServer>().toMatchTypeOf<UpgradeServerLike<WebSocket>>();
    guardUpgrade(request, socket, { allowedOrigins: ['https://app.example.com'] });
    createUpgradeHandler(wss, { allowedOrigins: /example/, onConnection: (client) => expectTypeOf(client).toEqualTypeOf<WebSocket>() });
  });

  it('takes numbers and IANA names without a contract', () => {
    expectTypeOf(closeWith(ws, 4000)).toEqualTypeOf<SentClose>();
    closeWith(ws, 'TryAgainLater', 'busy');
    // @ts-expect-error 1006 is never sent, and its name is not offered
    closeWith(ws, 'AbnormalClosure');
    // @ts-expect-error a contract name needs the contract
    closeWith(ws, 'RateLimited');
  });

  it("takes the contract's names with { codes }, and only those", () => {
    closeWith(ws, 'RateLimited', undefined, { codes: AppCodes });
    rejectAfterAccept(ws, 'TokenExpired', 'token expired', { codes: AppCodes });
    // @ts-expect-error a typo is caught at compile time
    closeWith(ws, 'RateLimitd', undefined, { codes: AppCodes });
  });

  it('createCloser binds the names', () => {
    const closer = createCloser(AppCodes);
    closer.closeWith(ws, 'AccessDenied');
    closer.rejectAfterAccept(ws, 4029);
    // @ts-expect-error not in the contract
    closer.closeWith(ws, 'Banned');
    expectTypeOf(closer.codes).toEqualTypeOf(AppCodes);
  });
});
