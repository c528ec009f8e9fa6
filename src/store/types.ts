import type { CloseResult } from '../classify';
import type { Clock } from '../environment';
import type { StopCause } from '../policy/types';
import type { OnlineSource, SocketState, VisibilitySource } from '../socket/types';

/**
 * What a UI shows about one socket, as one immutable object. A store hands
 * out the same object until one of these fields changes, so `===` tells
 * whether anything did (what React's `useSyncExternalStore` relies on).
 * `N` is the union of the app's close-code names.
 */
export interface SocketSnapshot<N extends string = string> {
  /** The socket's state (`socket.state`). */
  readonly state: SocketState;
  /** Consecutive failed attempts in this run (`socket.attempt`): 1 while waiting for or making the first retry. */
  readonly attempt: number;
  /**
   * When the scheduled retry starts, in the store's `clock` milliseconds
   * (`Date.now()` by default): set while `waiting` after a `reconnecting`
   * event, else undefined. A countdown is `retryAt - Date.now()`; the store
   * itself never ticks.
   */
  readonly retryAt: number | undefined;
  /** The delay that retry was scheduled with, in ms; undefined when `retryAt` is. */
  readonly retryDelayMs: number | undefined;
  /** The last close, classified (`socket.lastClose`); its `name` is typed from the app's codes. */
  readonly lastClose: CloseResult<N> | undefined;
  /** `describe(lastClose)`: one plain English sentence, or undefined before the first close. */
  readonly lastCloseText: string | undefined;
  /** Why the run stopped, while `stopped` (undefined otherwise, and when the store started watching after the stop). */
  readonly stopCause: StopCause | undefined;
  /** False while the network is down (the store's `online` source). */
  readonly online: boolean;
  /** False while the page is hidden (the store's `visibility` source). */
  readonly visible: boolean;
  /** Messages passed to `send()` that wait for the next open (`socket.queued`). */
  readonly queued: number;
}

/** Called with the new snapshot: once at once on `subscribe`, then once per change. */
export type SnapshotListener<N extends string = string> = (snapshot: SocketSnapshot<N>) => void;

/**
 * A framework-neutral view of a socket's state. `getSnapshot` and `subscribe`
 * are plain functions (no `this`), so they can be passed around on their own:
 * `useSyncExternalStore(store.subscribe, store.getSnapshot)`. The store also
 * satisfies the Svelte store contract.
 */
export interface SocketStore<N extends string = string> {
  /** The current snapshot: the same object until something changes. */
  readonly getSnapshot: () => SocketSnapshot<N>;
  /**
   * Calls `listener` at once with the current snapshot, then once for each
   * change (changes made in one step of the socket, such as a close and the
   * retry it schedules, are one change: they are delivered together, on the
   * next microtask). Returns the function that unsubscribes.
   */
  readonly subscribe: (listener: SnapshotListener<N>) => () => void;
  /** Stops following the socket and drops every listener; the socket itself is untouched. Idempotent. */
  readonly dispose: () => void;
}

/** Options for {@link createSocketStore}. */
export interface SocketStoreOptions {
  /** Where `online` comes from; `false`: always online. Pass the socket's own source if you gave it one. @default navigator.onLine + window events */
  readonly online?: OnlineSource | false;
  /** Where `visible` comes from; `false`: always visible. @default document.visibilityState */
  readonly visibility?: VisibilitySource | false;
  /** The clock `retryAt` is read on: pass the socket's own if you gave it one. @default Date */
  readonly clock?: Clock;
}
