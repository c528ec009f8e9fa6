import { describe, expectTypeOf, it } from 'vitest';
import { createSocket, createSocketStore, defineCloseCodes, type LibraryCodeName, type ManagedSocket, type SocketSnapshot, type SocketState, type StopCause } from '../../src/index';
import { useCloseSocket, useSocketState } from '../../src/react';

const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003 });
type Names = 'TokenExpired' | 'AccessDenied';

describe('closekit/react types', () => {
  it('useCloseSocket types the socket from the app codes, undefined before mount', () => {
    const socket = useCloseSocket(() => 'wss://x.test', { codes: AppCodes });
    expectTypeOf(socket).toEqualTypeOf<ManagedSocket<Names> | undefined>();
    expectTypeOf(useCloseSocket('wss://x.test')).toEqualTypeOf<ManagedSocket<never> | undefined>();
  });

  it('useSocketState carries the typed names into the snapshot', () => {
    const s = useSocketState(useCloseSocket('wss://x.test', { codes: AppCodes }));
    expectTypeOf(s).toEqualTypeOf<SocketSnapshot<Names>>();
    expectTypeOf(s.state).toEqualTypeOf<SocketState>();
    expectTypeOf(s.stopCause).toEqualTypeOf<StopCause | undefined>();
    expectTypeOf(s.retryAt).toEqualTypeOf<number | undefined>();
    expectTypeOf(s.lastCloseText).toEqualTypeOf<string | undefined>();
    const close = s.lastClose;
    if (close?.kind === 'application') expectTypeOf(close.name).toEqualTypeOf<Names | undefined>();
    if (close?.kind === 'library') expectTypeOf(close.name).toEqualTypeOf<LibraryCodeName | Names | undefined>();
  });

  it('useSocketState takes a socket or a store, and nothing else', () => {
    const socket = createSocket('wss://x.test', { codes: AppCodes });
    expectTypeOf(useSocketState(socket)).toEqualTypeOf<SocketSnapshot<Names>>();
    expectTypeOf(useSocketState(createSocketStore(socket))).toEqualTypeOf<SocketSnapshot<Names>>();
    // @ts-expect-error a URL is not a socket
    useSocketState('wss://x.test');
  });

  it('options are checked like createSocket options', () => {
    // @ts-expect-error policy options go through createPolicy first
    useCloseSocket('wss://x.test', { codes: AppCodes, policy: { rules: { 4001: 'stop' } } });
    // @ts-expect-error misspelt option
    useCloseSocket('wss://x.test', { startClose: true });
  });
});

describe('createSocketStore types', () => {
  it('snapshots are readonly and typed by the socket', () => {
    const store = createSocketStore(createSocket('wss://x.test', { codes: AppCodes }));
    const s = store.getSnapshot();
    // @ts-expect-error snapshots are immutable
    s.state = 'open';
    expectTypeOf(store.subscribe).parameter(0).parameter(0).toEqualTypeOf<SocketSnapshot<Names>>();
    expectTypeOf(store.subscribe(() => {})).toEqualTypeOf<() => void>();
  });
});
