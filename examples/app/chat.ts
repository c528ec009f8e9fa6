// A small app module as an app would write it: a chat connection that keeps
// itself signed in. The server turns an expired token away with TokenExpired
// (4001) after accepting the upgrade; the app refreshes the token and
// reconnects with the new one. AccessDenied (4003) is final.
//
// In an app these imports read `from 'closekit'`; the repository's examples
// import the source so they run without a build.
import { createPolicy, createSocket, type Clock, type ManagedSocket, type RandomSource, type SendData, type Timers, type WebSocketClass } from '../../src/index';
import { AppCodes } from './codes';

/** Where the app keeps its access token. */
export interface TokenStore {
  /** The token to connect with now. */
  current(): string;
  /** Gets a new token (e.g. from a refresh endpoint); rejects when the user must sign in again. */
  refresh(): Promise<void>;
}

/** What the UI shows. */
export type ChatStatus = 'connecting' | 'online' | 'reconnecting' | 'signed-out' | 'offline';

export interface ChatOptions {
  /** e.g. `wss://chat.example.com/live`; the token goes in the query string. */
  readonly url: string;
  readonly tokens: TokenStore;
  /** Called with each chat message from the server. */
  readonly onMessage?: (text: string) => void;
  /** Called whenever the status shown to the user changes. */
  readonly onStatus?: (status: ChatStatus) => void;
  // What touches the outside world, injectable for tests (defaults: the browser's).
  readonly WebSocket?: WebSocketClass;
  readonly clock?: Clock;
  readonly timers?: Timers;
  readonly random?: RandomSource;
}

export interface Chat {
  readonly socket: ManagedSocket<keyof typeof AppCodes.codes & string>;
  readonly status: ChatStatus;
  send(text: SendData): void;
  leave(): void;
}

/** Connects to the chat and keeps the connection signed in. */
export function connectChat(options: ChatOptions): Chat {
  const { url, tokens, onMessage, onStatus, ...environment } = options;
  let status: ChatStatus = 'connecting';
  const show = (next: ChatStatus): void => {
    if (next === status) return;
    status = next;
    onStatus?.(next);
  };

  // The app's half of the close-code contract, checked once here (a typo in a rule throws now, not at the first close).
  const policy = createPolicy({
    codes: AppCodes,
    rules: {
      TokenExpired: 'reauth', // 4001: refresh the token, then reconnect
      AccessDenied: 'stop', // 4003: retrying will not help
      RateLimited: { action: 'reconnect', backoff: { initialMs: 5_000 } }, // 4029: back off harder
    },
    ...(environment.random && { random: environment.random }),
  });
  const socket = createSocket(() => `${url}?token=${encodeURIComponent(tokens.current())}`, {
    codes: AppCodes,
    policy,
    auth: { refresh: () => tokens.refresh() },
    ...environment,
  });

  // With accept-then-close an `open` is not yet a welcome: a 4001 can follow
  // at once, and then `reauth` takes the status back to reconnecting.
  socket.on('open', () => show('online'));
  socket.on('message', (data) => onMessage?.(String(data)));
  socket.on('reconnecting', () => show('reconnecting'));
  socket.on('reauth', () => show('reconnecting'));
  socket.on('stopped', ({ cause, result }) => {
    const signedOut = cause === 'reauth-failed' || cause === 'reauth-exhausted' || (result?.kind === 'application' && result.name === 'AccessDenied');
    show(signedOut ? 'signed-out' : 'offline');
  });

  return {
    socket,
    get status() {
      return status;
    },
    send: (text) => socket.send(text),
    leave: () => socket.dispose(),
  };
}
