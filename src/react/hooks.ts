// React bindings. The socket is created in an effect, never during render:
// React may render a component several times before it commits (and twice in
// StrictMode), but an effect's cleanup always runs before it runs again, and a
// socket connects only on the next tick, so StrictMode's mount → unmount →
// mount disposes the first socket before it touches the network.
import { useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { CloseCodeMap } from '../codes';
import { createSocket, type ManagedSocket } from '../socket/socket';
import type { SocketOptions, UrlSource } from '../socket/types';
import { createSocketStore } from '../store/store';
import type { SocketSnapshot, SocketStore, SocketStoreOptions } from '../store/types';

/** One store per socket, shared by every component that shows it; it goes with the socket. */
const stores = new WeakMap<ManagedSocket<string>, SocketStore<string>>();

function storeOf<N extends string>(socket: ManagedSocket<N>, options?: SocketStoreOptions): SocketStore<N> {
  let store = stores.get(socket) as SocketStore<N> | undefined;
  if (store === undefined) {
    store = createSocketStore(socket, options);
    stores.set(socket, store as SocketStore<string>);
  }
  return store;
}

/** What {@link useSocketState} returns before there is a socket (the first render of {@link useCloseSocket}). */
const NO_SOCKET: SocketSnapshot<never> = Object.freeze({
  state: 'idle',
  attempt: 0,
  retryAt: undefined,
  retryDelayMs: undefined,
  lastClose: undefined,
  lastCloseText: undefined,
  stopCause: undefined,
  online: true,
  visible: true,
  queued: 0,
});
// Layout effects warn on a server under React 18; there is nothing to update there anyway.
const useCommitEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect;

const noSocketStore: Pick<SocketStore<never>, 'getSnapshot' | 'subscribe'> = {
  getSnapshot: () => NO_SOCKET,
  subscribe: () => () => {},
};

/**
 * A {@link ManagedSocket} owned by the component: created when it mounts,
 * disposed when it unmounts. Under `<StrictMode>` exactly one connection is
 * opened. Returns undefined until the component has mounted (the first
 * render, and on a server).
 *
 * A `url` function and `options.auth.refresh` are always called in their
 * latest version, so inline arrows that close over fresh props and state are
 * fine and never reconnect. The other options are read when the socket is
 * created: options that change identity on every render do not reconnect. A
 * different string `url` (or URL) makes a new socket; to apply other changed
 * options, remount the component (give it a new `key`).
 *
 * @example
 * function Live({ token }: { token: string }) {
 *   const socket = useCloseSocket(() => `wss://example.test/live?token=${token}`, { codes: AppCodes });
 *   const s = useSocketState(socket);
 *   return <p>{s.state === 'stopped' ? s.lastCloseText : s.state}</p>;
 * }
 */
export function useCloseSocket<const M extends CloseCodeMap = Record<never, number>>(url: UrlSource, options?: SocketOptions<M>): ManagedSocket<keyof M & string> | undefined {
  const latest = useRef({ url, options });
  // Updated after each commit, not during render: a render React throws away must not leak its props.
  useCommitEffect(() => {
    latest.current = { url, options };
  });
  const [socket, setSocket] = useState<ManagedSocket<keyof M & string>>();
  // A function's identity says nothing (it is often a new arrow each render); a string or URL is the endpoint.
  const endpoint = typeof url === 'function' ? undefined : String(url);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new endpoint (a different string or URL) is exactly what makes a new socket; everything else is read through `latest`.
  useEffect(() => {
    const initial = latest.current.options;
    const auth = initial?.auth;
    const created = createSocket<M>(
      () => {
        const current = latest.current.url;
        return typeof current === 'function' ? current() : current;
      },
      {
        ...initial,
        ...(auth && { auth: { ...auth, refresh: (context) => (latest.current.options?.auth ?? auth).refresh(context) } }),
      } as SocketOptions<M>,
    );
    // The store reads time and the network where the socket does.
    storeOf(created, {
      ...(initial?.clock && { clock: initial.clock }),
      ...(initial?.online && { online: initial.online }),
      ...(initial?.visibility && { visibility: initial.visibility }),
    });
    setSocket(created);
    return () => created.dispose();
  }, [endpoint]);

  return socket;
}

/**
 * The state of `socket` as a {@link SocketSnapshot}, re-rendering the
 * component once per change (through `useSyncExternalStore`). Pass the socket
 * from {@link useCloseSocket} (undefined before it mounts: an `idle`
 * snapshot), any other socket, or a store from `createSocketStore` made with
 * options of your own.
 *
 * @example
 * const { state, attempt, retryAt, lastClose } = useSocketState(socket);
 * if (lastClose?.name === 'TokenExpired') return <SignIn />;
 */
export function useSocketState<N extends string = string>(source: ManagedSocket<N> | SocketStore<N> | undefined): SocketSnapshot<N> {
  const store = source === undefined ? noSocketStore : 'getSnapshot' in source ? source : storeOf(source);
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot) as SocketSnapshot<N>;
}
