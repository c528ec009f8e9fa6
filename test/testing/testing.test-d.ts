// Type tests for closekit/testing: the fake fits every WebSocket option, and
// code names are checked against the contract.
import { describe, expectTypeOf, it } from 'vitest';
import { AppCodes } from '../../examples/app/codes';
import type { Clock, Timers, WebSocketClass, WebSocketConstructorLike } from '../../src/index';
import { createFakeClock, createFakeServer, FakeWebSocket, type FakeClock } from '../../src/testing/index';

describe('closekit/testing types', () => {
  it('the fake WebSocket class fits the socket option types', () => {
    const server = createFakeServer();
    expectTypeOf(server.WebSocket).toMatchTypeOf<WebSocketConstructorLike>();
    expectTypeOf(server.WebSocket).toMatchTypeOf<WebSocketClass>();
    expectTypeOf(new server.WebSocket('ws://app.test/')).toEqualTypeOf<FakeWebSocket>();
    // @ts-expect-error the constructor is not public: use server.WebSocket
    new FakeWebSocket('ws://app.test/');
  });

  it('the fake clock is a Clock and Timers; the server keeps its type', () => {
    expectTypeOf<FakeClock>().toMatchTypeOf<Clock & Timers>();
    expectTypeOf(createFakeServer().clock).toEqualTypeOf<FakeClock>();
    expectTypeOf(createFakeServer({ clock: createFakeClock() }).clock).toEqualTypeOf<FakeClock>();
  });

  it('checks code names against the contract', () => {
    const server = createFakeServer({ codes: AppCodes });
    server.rejectNext('TokenExpired').rejectNext(4999);
    server.closeAll('RateLimited');
    // @ts-expect-error not in the contract
    server.rejectNext('Banned');
    // @ts-expect-error no contract, no names
    createFakeServer().rejectNext('Unauthorized');
  });
});
