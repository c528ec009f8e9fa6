// The socket's decisions as a pure transition: (context, input) → (context,
// effects). Nothing here touches a timer, a WebSocket or an emitter; the effect
// runner (runner.ts) does, and feeds what happens back in as inputs. This file
// holds the machine's types and its entry point; machine/handlers.ts has one
// handler per input type, machine/moves.ts the moves they share.
import type { CloseEventLike, CloseResult } from '../classify';
import type { Decision, PolicyContext, StopCause } from '../policy/types';
import { type Handler, handlers } from './machine/handlers';
import type { Draft } from './machine/moves';
import type { SocketEvents, SocketState } from './types';

export { BFCACHE_REASON } from './machine/handlers';

/** The timers the machine asks for. */
export type TimerName = 'connect' | 'retry' | 'closing' | 'refresh';

/** Everything the machine remembers. */
export interface MachineContext {
  readonly state: SocketState;
  /** Bumped whenever an attempt, a refresh or a connection is abandoned; late inputs carrying an old epoch are ignored. */
  readonly epoch: number;
  /**
   * Consecutive failed attempts (closes not preceded by a stable open): 0
   * during the first try, 1 during the first retry, and so on.
   */
  readonly failures: number;
  /** Consecutive re-authentications. */
  readonly reauthAttempt: number;
  /** When the current connection opened. */
  readonly openedAt: number | undefined;
  readonly previousDelayMs: number;
  /** The last close the socket saw, in this run or an earlier one (the `lastClose` getter). */
  readonly lastClose: CloseResult | undefined;
  /** The last close of this run: what its `stopped` carries. A `reconnect()` after a stop starts a run without one. */
  readonly runClose: CloseResult | undefined;
  /** Delay to wait once `auth.refresh` resolves. */
  readonly reauthDelayMs: number;
  /** The close the app asked for, while `closing`. */
  readonly closeRequest: { readonly code: number; readonly reason: string | undefined; readonly at: number } | undefined;
  /** False while offline (only tracked with `pauseWhenOffline`). */
  readonly online: boolean;
  /** False while hidden (only tracked with `pauseWhenHidden`). */
  readonly visible: boolean;
  /**
   * True from an open until the connection is confirmed (a message from the
   * server, or `confirmAfterMs` open): what the socket writes meanwhile may
   * have been discarded by a server that accepts and then closes at once.
   */
  readonly confirming: boolean;
  /** When the page was frozen (Page Lifecycle `freeze`), until its `resume`. */
  readonly frozenAt: number | undefined;
  /**
   * Quick retries left after the network or the page came back: attempts
   * that fail before opening are retried after a short jittered delay and
   * not counted (an `online` often comes before the network works).
   */
  readonly quick: number;
}

/** What the outside world tells the machine. */
export type Input =
  | { readonly type: 'start' }
  | { readonly type: 'reconnect'; readonly at: number }
  | { readonly type: 'close'; readonly code: number; readonly reason: string | undefined; readonly at: number }
  | { readonly type: 'dispose'; readonly at: number }
  | { readonly type: 'url-resolved'; readonly epoch: number; readonly url: string }
  | { readonly type: 'url-failed'; readonly epoch: number; readonly error: Error }
  | { readonly type: 'connect-failed'; readonly epoch: number; readonly error: Error }
  | { readonly type: 'socket-open'; readonly epoch: number; readonly at: number; readonly protocol: string }
  | { readonly type: 'socket-close'; readonly epoch: number; readonly event: CloseEventLike; readonly at: number }
  | { readonly type: 'heartbeat-dead'; readonly epoch: number; readonly at: number }
  /** The server sent something on the current connection (reported only while it is unconfirmed). */
  | { readonly type: 'message'; readonly epoch: number }
  /** The app wrote a message on the current connection (reported only while it is unconfirmed). */
  | { readonly type: 'sent'; readonly epoch: number; readonly at: number }
  | { readonly type: 'timer'; readonly timer: TimerName; readonly at: number }
  | { readonly type: 'refresh-done'; readonly epoch: number }
  | { readonly type: 'refresh-failed'; readonly epoch: number; readonly error: Error }
  | { readonly type: 'online'; readonly online: boolean }
  | { readonly type: 'visible'; readonly visible: boolean }
  /** The page is going into the back/forward cache (`pagehide` with `persisted`). */
  | { readonly type: 'page-hide'; readonly at: number }
  /** The page came back from the back/forward cache (`pageshow` with `persisted`). */
  | { readonly type: 'page-show' }
  /** Page Lifecycle `freeze`: no code runs until `resume`. */
  | { readonly type: 'freeze'; readonly at: number }
  /** Page Lifecycle `resume`. */
  | { readonly type: 'resume'; readonly at: number }
  /** The wake detector saw a timer fire `sleptMs` late: the machine slept. */
  | { readonly type: 'wake'; readonly at: number; readonly sleptMs: number };

type EmitEffect = {
  [K in keyof SocketEvents]: { readonly type: 'emit'; readonly event: K; readonly payload: Parameters<SocketEvents[K]>[0] };
}[keyof SocketEvents];

/** What the machine asks the effect runner to do, in order. */
export type Effect =
  | EmitEffect
  | { readonly type: 'resolve-url'; readonly epoch: number }
  | { readonly type: 'connect'; readonly epoch: number; readonly url: string }
  /** Detach the current WebSocket (no more events from it) and close it (with `code`, default 1000, when open). */
  | { readonly type: 'abandon'; readonly reason: string; readonly code?: number }
  /** Send a heartbeat ping now and expect its reply within `timeoutMs`. */
  | { readonly type: 'probe' }
  /** Start the closing handshake, keeping the handlers to hear the close. */
  | { readonly type: 'close-socket'; readonly code: number; readonly reason: string | undefined }
  | { readonly type: 'set-timer'; readonly timer: TimerName; readonly delayMs: number }
  | { readonly type: 'clear-timer'; readonly timer: TimerName }
  | { readonly type: 'heartbeat'; readonly running: boolean }
  /** Send the queued messages on the open socket; with `track`, keep what is written (queued or not) as unconfirmed. */
  | { readonly type: 'flush'; readonly track: boolean }
  /** The connection is confirmed: forget the unconfirmed messages, track nothing more. */
  | { readonly type: 'confirmed' }
  /** The connection ended unconfirmed: put the unconfirmed messages back at the front of the queue. */
  | { readonly type: 'requeue' }
  | { readonly type: 'refresh'; readonly epoch: number; readonly attempt: number; readonly result: CloseResult }
  /** Emit `stopped` with this cause and result, and the undelivered messages. */
  | { readonly type: 'stopped'; readonly cause: StopCause; readonly result: CloseResult | undefined };

/** The fixed parts the machine consults: classification, the policy and a few settings. */
export interface MachineConfig {
  classify(event: CloseEventLike, opened: boolean): CloseResult;
  /** The policy's decision, or the error that replaced one (a hand-written policy that threw or answered nonsense): a value, never a throw. */
  decide(result: CloseResult, context: PolicyContext): Decision | Error;
  /** An open lasting this long resets the counters (the policy's `resetAfterMs`). */
  readonly resetAfterMs: number;
  readonly connectTimeoutMs: number;
  /** How long `auth.refresh` may take. */
  readonly refreshTimeoutMs: number;
  /**
   * How long a connection must stay open, with nothing received, to be
   * confirmed; 0: no confirmation (nothing tracked); Infinity: only the
   * connection's end settles it (ack mode, where the outbox tracks acks).
   */
  readonly confirmAfterMs: number;
  /** Whether `auth.refresh` is configured. */
  readonly canRefresh: boolean;
  /** The page lifecycle settings; absent: none of those behaviours (the inputs are then ignored). */
  readonly lifecycle?: MachineLifecycle;
}

/** What the machine needs to follow the page's life (see `LifecycleOptions`). */
export interface MachineLifecycle {
  /** The close code used when the page goes into the back/forward cache: 1000 or 3000–4999. */
  readonly closeCode: number;
  /** Whether a heartbeat is configured: a check after a freeze or a sleep is then a probe. */
  readonly canProbe: boolean;
  /** Without a heartbeat, an open connection is replaced after a freeze or sleep at least this long. */
  readonly untrustedAfterMs: number;
  /** How many quick retries follow an `online` or `visible` (0: none). */
  readonly quickRetries: number;
  /** The delay before a quick retry (jittered by the runner's random). */
  quickDelayMs(): number;
}

/** The result of one transition. */
export interface Transition {
  readonly context: MachineContext;
  readonly effects: readonly Effect[];
}

/** The context a socket starts in. */
export function initialContext(online: boolean, visible: boolean): MachineContext {
  return {
    state: 'idle',
    epoch: 0,
    failures: 0,
    reauthAttempt: 0,
    openedAt: undefined,
    previousDelayMs: 0,
    lastClose: undefined,
    runClose: undefined,
    reauthDelayMs: 0,
    closeRequest: undefined,
    online,
    visible,
    confirming: false,
    frozenAt: undefined,
    quick: 0,
  };
}

/** Computes the next context and the effects to run; never throws for a valid config. */
export function transition(context: MachineContext, input: Input, config: MachineConfig): Transition {
  const effects: Effect[] = [];
  // A stopped socket only listens for reconnect(), and keeps track of the network and visibility for then.
  const ignored = (context.state === 'stopped' && input.type !== 'reconnect' && input.type !== 'online' && input.type !== 'visible') || ('epoch' in input && input.epoch !== context.epoch);
  if (ignored) return { context, effects };
  const draft: Draft = { ...context };
  (handlers[input.type] as Handler<Input['type']>)(draft, effects, config, input);
  return { context: draft, effects };
}
