// A framework-neutral store over a ManagedSocket, built only from its public
// getters and events. One step of the socket emits several events (close,
// rejected, state, reconnecting); the store folds them into one change,
// delivered on the next microtask, so a UI renders once per step.
import { anObject, withMethods, type Spec } from '../check';
import type { CloseResult } from '../classify';
import { describe } from '../describe';
import type { StopCause } from '../policy/types';
import type { ManagedSocket } from '../socket/socket';
import type { SocketEventName } from '../socket/types';
import { createBroadcast } from './broadcast';
import { browserOnlineSource, browserVisibilitySource } from '../socket/browser';
import { socketCheck } from '../socket/options';
import type { SnapshotListener, SocketSnapshot, SocketStore, SocketStoreOptions } from './types';

/** The events after which a snapshot field may differ; `message` is not one, so a busy stream costs nothing. */
const WATCHED: readonly SocketEventName[] = ['state', 'open', 'close', 'reconnecting', 'stopped', 'queued', 'dropped'];

// Checked as createSocket checks its own options: a SocketError naming the option, a misspelt key refused.
const storeSpec: Spec = {
  online: /* @__PURE__ */ withMethods(['isOnline', 'subscribe'], true),
  visibility: /* @__PURE__ */ withMethods(['isVisible', 'subscribe'], true),
  clock: /* @__PURE__ */ withMethods(['now']),
};
const isSocket = /* @__PURE__ */ withMethods(['subscribe']);

/**
 * Creates a {@link SocketStore} for `socket`: `getSnapshot()` returns an
 * immutable {@link SocketSnapshot}, the same object until something changes,
 * and `subscribe(listener)` returns its unsubscribe function. It works as it
 * is with React's `useSyncExternalStore`, as a Svelte store, and with Vue,
 * Solid or Preact signals (see docs/ui-state.md).
 *
 * The store listens to the socket's events from now on (those listeners go
 * when the socket is disposed, or on `store.dispose()`), and to the network
 * and visibility sources only while it has subscribers. It sets no timer.
 * Nothing of it is bundled into an app that does not import it. A socket or
 * an option of the wrong shape throws a `SocketError` (`invalid-option`)
 * naming it, as `createSocket` does.
 *
 * @example
 * const store = createSocketStore(socket);
 * const off = store.subscribe((s) => {
 *   status.textContent = s.state === 'waiting' && s.retryAt !== undefined
 *     ? `reconnecting in ${Math.ceil((s.retryAt - Date.now()) / 1000)} s (attempt ${s.attempt})`
 *     : s.lastCloseText ?? s.state;
 * });
 */
export function createSocketStore<N extends string>(socket: ManagedSocket<N>, given?: SocketStoreOptions): SocketStore<N> {
  socketCheck.check(socket, isSocket, 'socket');
  const options: SocketStoreOptions = socketCheck.fields(socketCheck.check(given ?? {}, anObject, 'options'), storeSpec, '');
  const clock = options.clock ?? Date;
  const online = options.online === undefined ? browserOnlineSource() : options.online || undefined;
  const visibility = options.visibility === undefined ? browserVisibilitySource() : options.visibility || undefined;

  let retry: { readonly at: number; readonly delayMs: number } | undefined;
  let stopCause: StopCause | undefined;
  let described: CloseResult<N> | undefined;
  let text: string | undefined;
  let snapshot: SocketSnapshot<N> | undefined;
  let disposed = false;

  function read(): SocketSnapshot<N> {
    if (disposed && snapshot !== undefined) return snapshot;
    const state = socket.state;
    const lastClose = socket.lastClose;
    if (lastClose !== described) {
      described = lastClose;
      text = lastClose && describe(lastClose);
    }
    const pending = state === 'waiting' ? retry : undefined;
    const next: SocketSnapshot<N> = {
      state,
      attempt: socket.attempt,
      retryAt: pending?.at,
      retryDelayMs: pending?.delayMs,
      lastClose,
      lastCloseText: text,
      stopCause: state === 'stopped' ? stopCause : undefined,
      online: online?.isOnline() !== false,
      visible: visibility?.isVisible() !== false,
      queued: socket.queued,
    };
    if (snapshot === undefined || (Object.keys(next) as (keyof SocketSnapshot)[]).some((key) => next[key] !== snapshot?.[key])) {
      snapshot = Object.freeze(next);
    }
    return snapshot;
  }

  // The network and visibility are listened to only while someone listens to the store.
  const broadcast = createBroadcast(read, () => {
    const offs = [online, visibility].map((source) => source?.subscribe(broadcast.changed));
    return () => {
      for (const off of offs) if (typeof off === 'function') off();
    };
  });
  const changed = broadcast.changed;

  const offSocket = WATCHED.map((event) =>
    socket.subscribe(event, (payload: unknown) => {
      // `state` comes first in a step and `reconnecting`/`stopped` after it, so what they set stays for the new state.
      if (event === 'state') retry = stopCause = undefined;
      else if (event === 'reconnecting') {
        const delayMs = (payload as { delayMs: number }).delayMs;
        retry = { at: clock.now() + delayMs, delayMs };
      } else if (event === 'stopped') stopCause = (payload as { cause: StopCause }).cause;
      changed();
    }),
  );

  const getSnapshot = (): SocketSnapshot<N> => read();
  const subscribe = (listener: SnapshotListener<N>): (() => void) => broadcast.subscribe(listener);
  const dispose = (): void => {
    if (disposed) return;
    read();
    disposed = true;
    for (const off of offSocket) off();
    broadcast.close();
  };

  return { getSnapshot, subscribe, dispose };
}
