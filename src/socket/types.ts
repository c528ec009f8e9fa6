import type { ApplicationCloseResult, CloseResult, LibraryCloseResult } from '../classify';
import type { CloseCodeContract, CloseCodeMap } from '../codes';
import type { Clock, RandomSource, Timers, WebSocketConstructorLike } from '../environment';
import type { Decision, Policy, Preset, StopCause } from '../policy/types';

/**
 * Where a {@link ManagedSocket} is in its life:
 * `idle` (not started, see `startClosed`) → `connecting` → `open` → `closing`
 * (after `close()`) · `waiting` (backoff delay, or paused while offline/hidden)
 * · `reauthenticating` (`auth.refresh` running) · `suspended` (the page went
 * into the back/forward cache: the connection was closed cleanly, the run and
 * the queue are kept, and it reconnects when the page is shown again) ·
 * `stopped` (final until `reconnect()`).
 */
export type SocketState = 'idle' | 'connecting' | 'open' | 'closing' | 'waiting' | 'reauthenticating' | 'suspended' | 'stopped';

export type { SocketHandler } from '../environment';

/**
 * The WebSocket classes `createSocket` accepts: the browser's, undici's, the
 * `ws` package's, closekit/testing's fake — anything shaped like them. The
 * same as {@link WebSocketConstructorLike}, kept under this name.
 */
export type WebSocketClass = WebSocketConstructorLike;

/** What `send()` accepts: anything a browser `WebSocket.send` takes. */
export type SendData = string | ArrayBufferLike | Blob | ArrayBufferView;

/** A URL, or a function (sync or async) called before every attempt — e.g. to put a fresh token in the query. */
export type UrlSource = string | URL | (() => string | URL | PromiseLike<string | URL>);

/** Tells the socket whether the network is up. Default: `navigator.onLine` and the window's `online`/`offline` events. */
export interface OnlineSource {
  /** True when the network is believed to be up. */
  isOnline(): boolean;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (online: boolean) => void): () => void;
}

/** Tells the socket whether the page is visible. Default: `document.visibilityState` and `visibilitychange`. */
export interface VisibilitySource {
  /** True when the page is visible. */
  isVisible(): boolean;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (visible: boolean) => void): () => void;
}

/** A page lifecycle event, as the browser fires it on the window or the document. */
export type PageEvent = { readonly type: 'pagehide' | 'pageshow'; readonly persisted: boolean } | { readonly type: 'freeze' | 'resume' };

/** Tells the socket about the page's life. Default: the window's `pagehide`/`pageshow` and the document's `freeze`/`resume`. */
export interface PageSource {
  /** Calls `listener` on every event; returns the unsubscribe function. */
  subscribe(listener: (event: PageEvent) => void): () => void;
}

/**
 * How the socket follows the page's life: the back/forward cache, Page
 * Lifecycle freeze/resume, the machine sleeping, the network coming back.
 * Every behaviour is on by default in a browser; docs/lifecycle.md has the
 * table of what happens on each event.
 */
export interface LifecycleOptions {
  /**
   * On `pagehide` with `persisted` (the page may go into the back/forward
   * cache, which refuses a page with an open WebSocket), close the connection
   * cleanly with `closeCode` and the reason `'page entering the back/forward
   * cache'`, and go to state `suspended`: the run goes on and what was not
   * confirmed goes back to the queue. On `pageshow` with `persisted`,
   * reconnect at once with the counters reset, and deliver the queue.
   * @default true
   */
  readonly backForwardCache?: boolean;
  /** The code of that close: 1000 or a code in 3000–4999 (what a browser's `close()` accepts). @default 1000 */
  readonly closeCode?: number;
  /**
   * On Page Lifecycle `resume` after a `freeze`, check the connection at
   * once: a heartbeat probe when `heartbeat` is configured; without one, an
   * open connection frozen for `wakeDriftMs` or more is replaced. A wait for
   * a retry ends at once.
   * @default true
   */
  readonly checkOnResume?: boolean;
  /**
   * The wake-up detector: a check timer (every `wakeDriftMs / 2`, while the
   * page is visible) that fires at least this late means the machine slept;
   * then the connection is checked as after `resume`. Also how long a freeze
   * must last for a connection without heartbeat not to be trusted. `false`
   * turns the detector off.
   * The detector holds one timer for the socket's life (until `dispose()`).
   * @default 10000 in a browser with the default `timers`; off elsewhere, and when `timers` is injected, unless set
   */
  readonly wakeDriftMs?: number | false;
  /**
   * When the network or the page comes back while waiting (`online`, or
   * `visible` with `pauseWhenHidden`), the socket tries at once with the
   * backoff reset. An `online` often comes before the network works: this
   * many attempts that fail before opening after it are retried after a
   * jittered 250–1000 ms and not counted against `maxAttempts`. `0` counts
   * every attempt.
   * @default 3
   */
  readonly quickRetries?: number;
  /** The source of page events. @default the window's and document's events */
  readonly page?: PageSource;
}

/**
 * Dead-connection detection. After `intervalMs` with nothing received, the
 * socket sends `message`; if nothing arrives within `timeoutMs` after it, the
 * connection is declared dead, closed, and handled as a 1006 on an opened
 * connection (reason `'heartbeat timeout'`), so a half-open connection is
 * noticed within `intervalMs + timeoutMs`. Any incoming message counts as a
 * sign of life; pongs are not emitted as `message`.
 */
export interface HeartbeatOptions {
  /** Quiet time (nothing received since the open or the last message) before a ping, in ms (at most 2147483647, as for every duration). */
  readonly intervalMs: number;
  /** How long to wait for any reply after a ping, in ms. */
  readonly timeoutMs: number;
  /** The ping payload, or a function making it; a function returning undefined sends nothing (a receive deadline only, for protocols where the server pings). @default 'ping' */
  readonly message?: SendData | (() => SendData | undefined);
  /** Recognises the server's pong, which is then not emitted as `message`. @default (data) => data === 'pong' */
  readonly isPong?: (data: unknown) => boolean;
  /**
   * Answers the server's own pings: for an incoming message it returns the
   * reply to send (that message is then not emitted as `message`), or
   * undefined for any other message. @default none
   * @example answer: (data) => (data === '{}' ? '{}' : undefined) // Centrifugo
   */
  readonly answer?: (data: unknown) => SendData | undefined;
}

/** What `send()` does when the queue is full. */
export type QueueOverflow = 'drop-oldest' | 'drop-newest' | 'error';

/** The buffer for messages sent while not open. */
export interface QueueOptions {
  /** Most messages kept. @default 100 */
  readonly max?: number;
  /**
   * `drop-oldest` evicts the oldest queued message, `drop-newest` refuses the
   * new one (both reported in a `dropped` event); `error` makes `send()` throw
   * a `SocketError` (`queue-full`). @default 'drop-oldest'
   */
  readonly overflow?: QueueOverflow;
  /**
   * Accept-then-close protection (the default mode). A server may accept the
   * connection and close it straight away (say 4001, token expired),
   * discarding what the socket flushed into it on `open`. So after each
   * open, every message the socket writes (the flushed queue and `send()`s
   * while open) is kept until the connection is confirmed: the first message
   * from the server (a heartbeat pong counts) or `confirmAfterMs` open. If it
   * closes (or is replaced or disposed) before that, those messages go back
   * to the front of the queue in order: delivered after the next open, or
   * handed back in `stopped`'s `pending`; any that no longer fit in `max` are
   * reported in `dropped`. Heartbeat pings are never kept. Once confirmed
   * nothing is tracked.
   *
   * What this guarantees: every message is written to a confirmed
   * connection, or handed back. What it does not: that the server processed
   * it. A confirmed connection that drops loses what the server had not read
   * yet; use `ack` when that matters. Across an unconfirmed close delivery is
   * at-least-once (a server that processed a message and then closed within
   * `confirmAfterMs` without sending anything sees it again). `0` turns this
   * off (at-most-once). Ignored with `ack`.
   * @default 1000
   */
  readonly confirmAfterMs?: number;
  /**
   * Exact delivery: matches the server's acknowledgements to the messages
   * written. Every message with an id (`idOf`) stays in flight until an
   * incoming message acknowledges that id (`acked`). When a connection ends,
   * what is still in flight goes back to the front of the queue, in order,
   * and is written again after the next open (at-least-once: the server
   * deduplicates by id), or is handed back in `stopped`'s `pending`. `max`
   * bounds the queued and in-flight messages together; a message in flight
   * is never dropped (it may still be acknowledged), so with every held
   * message in flight an overflow drops the new one (or throws, under
   * `'error'`). Acknowledgements are still emitted as `message`.
   * @default off
   */
  readonly ack?: AckOptions;
}

/** Matches server acknowledgements to sent messages (see {@link QueueOptions.ack}). */
export interface AckOptions {
  /** The id of an outgoing message; `undefined` leaves it untracked (fire-and-forget). */
  readonly idOf: (data: SendData) => unknown;
  /** The id an incoming message acknowledges, an array of ids, or `undefined` when it acknowledges nothing. */
  readonly acked: (data: unknown) => unknown;
}

/** What `auth.refresh` is called with. */
export interface RefreshContext<N extends string = string> {
  /** Which consecutive re-authentication this is, from 1. */
  readonly attempt: number;
  /** The close that asked for it. */
  readonly result: CloseResult<N>;
}

/** Re-authentication hook. */
export interface AuthOptions<N extends string = string> {
  /**
   * Called on a `reauth` decision before reconnecting (the `url` function is
   * called again afterwards, so it can read the fresh token). Resolve when
   * done; reject or throw to stop with cause `reauth-failed`.
   */
  readonly refresh: (context: RefreshContext<N>) => unknown;
  /** How long `refresh` may take; one that has not settled by then counts as failed. @default 30000 */
  readonly timeoutMs?: number;
}

/**
 * Options for {@link createSocket}. Everything that touches the outside world
 * is injectable.
 */
export interface SocketOptions<M extends CloseCodeMap = CloseCodeMap> {
  /** Subprotocols offered to the server. @default the preset's, with `preset` */
  readonly protocols?: string | readonly string[];
  /** The app's close-code contract from `defineCloseCodes`, so results and events carry its names. */
  readonly codes?: CloseCodeContract<M>;
  /**
   * What to do after each close: a policy from `createPolicy({ codes, rules, … })`
   * or any object with `decide()`. Options are compiled by `createPolicy`, so a
   * socket without rules never bundles the rule compiler.
   * @default the preset's policy with `preset`, else `defaultPolicy` (closekit's table)
   */
  readonly policy?: Policy<keyof M & string>;
  /** Re-authentication; without it a `reauth` decision stops with cause `reauth-failed`. */
  readonly auth?: AuthOptions<keyof M & string>;
  /** The WebSocket class: pass undici's or `ws`'s in Node. @default globalThis.WebSocket */
  readonly WebSocket?: WebSocketConstructorLike;
  /** Set on every underlying socket when given; otherwise the constructor's default. */
  readonly binaryType?: string;
  /**
   * How long one attempt may take from its start (including an async `url`)
   * to `open`; then it is abandoned and handled as a 1006 that never opened.
   * Also bounds how long `close()` waits for the closing handshake. @default 10000
   */
  readonly connectTimeoutMs?: number;
  /**
   * Another protocol's profile from `closekit/presets` (e.g. `graphqlWs`): its
   * compiled `policy` decides unless `policy` is given (to change its rules,
   * pass `policy: createPolicy({ preset, rules })`), its `protocols` are
   * offered unless `protocols` is given, its `queue` is the default queue, and
   * its `heartbeat` is the default heartbeat (the app's `heartbeat` is merged
   * over it field by field; `false` turns it off).
   */
  readonly preset?: SocketPreset;
  /** Ping/pong dead-connection detection. @default off (the preset's, with `preset`) */
  readonly heartbeat?: HeartbeatOptions | false;
  /** Buffer for `send()` while not open, or `false` to make such a `send()` throw (and track nothing, see `confirmAfterMs`). @default { max: 100, overflow: 'drop-oldest', confirmAfterMs: 1000 } (the preset's, with `preset`) */
  readonly queue?: QueueOptions | false;
  /** Do not start attempts while offline; retry at once when back online. @default true where an online source exists (browsers) */
  readonly pauseWhenOffline?: boolean;
  /** Do not start attempts while the page is hidden; retry at once when visible. @default false */
  readonly pauseWhenHidden?: boolean;
  /** The network source for `pauseWhenOffline`. @default navigator.onLine + window events */
  readonly online?: OnlineSource;
  /** The visibility source for `pauseWhenHidden` (and for the lifecycle's wake detector, which does not count time hidden). @default document.visibilityState */
  readonly visibility?: VisibilitySource;
  /** Following the page's life (back/forward cache, freeze/resume, sleep, quick retries after `online`); `false` turns all of it off. See {@link LifecycleOptions}. @default every behaviour on */
  readonly lifecycle?: LifecycleOptions | false;
  /** Do not connect until `reconnect()` is called. @default false */
  readonly startClosed?: boolean;
  /** @default Date */
  readonly clock?: Clock;
  /** @default globalThis.setTimeout / clearTimeout */
  readonly timers?: Timers;
  /** Jitters the quick retries, and the default policy's backoff when neither `policy` nor `preset` is given. @default Math.random */
  readonly random?: RandomSource;
}

/** What a socket reads of a protocol profile (`Profile` in `closekit/presets`). */
export interface SocketPreset extends Partial<Preset> {
  /** The profile's rules compiled (`createPolicy({ preset })`). */
  readonly policy?: Policy;
  readonly protocols?: string | readonly string[];
  readonly heartbeat?: HeartbeatOptions;
  readonly queue?: QueueOptions | false;
}

/** Payload of `state`. */
export interface StateChange {
  readonly state: SocketState;
  readonly previous: SocketState;
}

/** Payload of `open`. */
export interface OpenInfo {
  /** How many consecutive attempts failed before this one (0: the first try succeeded). */
  readonly attempt: number;
  /** The subprotocol the server chose, or `''`. */
  readonly protocol: string;
}

/** Payload of `close`: a close, with what the socket is about to do. */
export interface CloseInfo<N extends string = string> {
  readonly result: CloseResult<N>;
  readonly decision: Decision;
}

/** Payload of `reconnecting`. */
export interface ReconnectingInfo<N extends string = string> {
  /** The number of this reconnect attempt: 1 for the first retry, 2 for the next… (as in the policy's decision; a quick retry after `online`, not counted, carries the count so far). */
  readonly attempt: number;
  /** How long until it starts. */
  readonly delayMs: number;
  /** The close that led here. */
  readonly result: CloseResult<N>;
}

/** Payload of `reauth`. */
export interface ReauthInfo<N extends string = string> {
  /** Which consecutive re-authentication this is, from 1. */
  readonly attempt: number;
  readonly result: CloseResult<N>;
}

/** Payload of `stopped`. */
export interface StoppedInfo<N extends string = string> {
  readonly cause: StopCause;
  /** The last close of this run (a `reconnect()` after a stop starts a new run), or undefined when the run stopped before any close. */
  readonly result: CloseResult<N> | undefined;
  /** Messages passed to `send()` and never delivered, in order. */
  readonly pending: readonly SendData[];
}

/** Payload of `dropped`. */
export interface DroppedInfo {
  /** Exactly the messages given up, in the order they were sent: lost to queue overflow, or queued and refused by the WebSocket when flushed (`send-failed`). */
  readonly messages: readonly SendData[];
}

/** Payload of `queued`. */
export interface QueuedInfo {
  /** How many messages wait in the queue now, this one included. */
  readonly count: number;
}

/** A close the server refused us with: an application (4000–4999) or library (3000–3999) code. */
export type RejectedResult<N extends string = string> = ApplicationCloseResult<N> | LibraryCloseResult<N>;

/**
 * The typed event map of a {@link ManagedSocket} (eventemitter3 listener
 * signatures). `N` is the union of the app's close-code names.
 */
export interface SocketEvents<N extends string = string> {
  /** Every state change. */
  state: (change: StateChange) => void;
  /** Connected. */
  open: (info: OpenInfo) => void;
  /** The `data` of each incoming `MessageEvent` (pongs excluded). */
  message: (data: unknown) => void;
  /** Every close, with the decision about what happens next (none for a connection the socket lets go of on `reconnect()`, `dispose()`, a back/forward-cache `pagehide` or after a sleep). */
  close: (info: CloseInfo<N>) => void;
  /** The close carried an application or library code: the server refused us and said why. Emitted after `close`, before the decision is acted on. */
  rejected: (result: RejectedResult<N>) => void;
  /** A reconnect is scheduled. */
  reconnecting: (info: ReconnectingInfo<N>) => void;
  /** `auth.refresh` is about to be called. */
  reauth: (info: ReauthInfo<N>) => void;
  /** The run is over; `reconnect()` starts a new one. */
  stopped: (info: StoppedInfo<N>) => void;
  /** Messages given up: lost to queue overflow, or refused by the WebSocket when the queue was flushed. */
  dropped: (info: DroppedInfo) => void;
  /** `send()` while not open: the message was queued, and `count` is how many wait now (when a full `drop-newest` queue refused it, `dropped` comes first and `count` is unchanged). Other queue changes come with `open`, `state`, `dropped`, `stopped`. */
  queued: (info: QueuedInfo) => void;
  /** A `SocketError` from a hook or listener, or a failing `url` function; the socket carries on. */
  error: (error: Error) => void;
}

/** The name of a {@link SocketEvents} event. */
export type SocketEventName = keyof SocketEvents;
