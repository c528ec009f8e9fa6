import { WebSocket as UndiciWebSocket } from 'undici';
import WsWebSocket from 'ws';
import { describe, expectTypeOf, it } from 'vitest';
import { createPolicy, createSocket, defineCloseCodes, type CloseResult, type LibraryCodeName, type ManagedSocket, type SocketState, type StopCause } from '../../src/index';
import { createFakeServer } from '../../src/testing';

const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003 });

describe('createSocket types', () => {
  it('types rejected names from the app codes', () => {
    const socket = createSocket('wss://x.test', { codes: AppCodes, policy: createPolicy({ codes: AppCodes, rules: { TokenExpired: 'reauth', AccessDenied: 'stop' } }) });
    expectTypeOf(socket).toEqualTypeOf<ManagedSocket<'TokenExpired' | 'AccessDenied'>>();
    socket.on('rejected', (result) => {
      if (result.kind === 'application') expectTypeOf(result.name).toEqualTypeOf<'TokenExpired' | 'AccessDenied' | undefined>();
      else expectTypeOf(result.name).toEqualTypeOf<LibraryCodeName | 'TokenExpired' | 'AccessDenied' | undefined>();
    });
    socket.on('close', ({ result, decision }) => {
      expectTypeOf(result).toEqualTypeOf<CloseResult<'TokenExpired' | 'AccessDenied'>>();
      if (decision.action === 'stop') expectTypeOf(decision.cause).toEqualTypeOf<StopCause>();
    });
    socket.on('stopped', ({ pending }) => expectTypeOf(pending).toEqualTypeOf<readonly (string | ArrayBufferLike | Blob | ArrayBufferView)[]>());
    socket.on('state', ({ state }) => expectTypeOf(state).toEqualTypeOf<SocketState>());
    const off = socket.subscribe('open', ({ attempt }) => expectTypeOf(attempt).toEqualTypeOf<number>());
    expectTypeOf(off).toEqualTypeOf<() => void>();
  });

  it('has no application names without a contract', () => {
    const socket = createSocket('wss://x.test');
    socket.on('rejected', (result) => {
      if (result.kind === 'application') expectTypeOf(result.name).toEqualTypeOf<undefined>();
    });
  });

  it('takes a compiled policy, with or without the names', () => {
    createSocket('wss://x.test', { codes: AppCodes, policy: createPolicy({ codes: AppCodes, rules: { TokenExpired: 'reauth' } }) });
    createSocket('wss://x.test', { policy: createPolicy({ codes: AppCodes, rules: { AccessDenied: 'stop' } }) });
    createSocket('wss://x.test', { codes: AppCodes, policy: createPolicy({ rules: { 4001: 'reauth' } }) });
  });

  it('refuses policy options that were not compiled by createPolicy', () => {
    // @ts-expect-error: the options go through createPolicy first
    createSocket('wss://x.test', { policy: { rules: { 4001: 'reauth' } } });
  });

  it('rejects unknown names, events and payload misuse', () => {
    // @ts-expect-error: 'Unauthorised' is not one of the app's names
    createSocket('wss://x.test', { codes: AppCodes, policy: createPolicy({ codes: AppCodes, rules: { Unauthorised: 'reauth' } }) });
    const socket = createSocket('wss://x.test', { codes: AppCodes });
    // @ts-expect-error: there is no such event
    socket.on('opened', () => {});
    // @ts-expect-error: stopped's payload has no `code`
    socket.on('stopped', (info) => info.code);
    // @ts-expect-error: close() takes a number code
    socket.close('1000');
  });

  it('accepts the browser, undici, ws and fake WebSocket classes', () => {
    createSocket('wss://x.test', { WebSocket: globalThis.WebSocket });
    createSocket('wss://x.test', { WebSocket: UndiciWebSocket });
    createSocket('wss://x.test', { WebSocket: WsWebSocket });
    createSocket('wss://x.test', { WebSocket: createFakeServer().WebSocket });
  });

  it('types url functions and auth.refresh', () => {
    createSocket(async () => 'wss://x.test', {
      codes: AppCodes,
      auth: {
        refresh: async ({ attempt, result }) => {
          expectTypeOf(attempt).toEqualTypeOf<number>();
          expectTypeOf(result).toEqualTypeOf<CloseResult<'TokenExpired' | 'AccessDenied'>>();
        },
      },
    });
    // @ts-expect-error: the url function must return a string or URL
    createSocket(() => 42);
  });
});
