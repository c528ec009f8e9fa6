// Drives closekit's createSocket the same way in both runtimes (bundled into
// the page, imported in Node). A scenario is plain JSON, so Node can describe
// it to the page; the driver builds the url function and auth hook from it
// and logs every socket event as JSON for the test to read back.
import type * as Closekit from '../../../src/index';
import { planUrl, type Step } from './plan';
import { APP_CODES, FIXED_RANDOM, summarize, type Runtime, type Thrown } from './probe';

/** A rule in JSON form (what `createPolicy` accepts, minus functions). */
export type RuleJson = 'reconnect' | 'reauth' | 'stop' | { readonly action: 'reconnect' | 'reauth' | 'stop'; readonly delayMs?: number; readonly maxAttempts?: number };

export interface SocketScenario {
  /** The server's `ws://127.0.0.1:<port>/`. */
  readonly base: string;
  /** Groups this socket's connections at the server. */
  readonly key: string;
  /** The server's behaviour per connection (see ./plan.ts). */
  readonly steps: readonly Step[];
  /** Put `?token=` in the URL: `initialToken` first, `refreshedToken` once `auth.refresh` ran. */
  readonly auth?: { readonly initialToken: string; readonly refreshedToken: string };
  /** The app's policy rules, over closekit's defaults (the contract's names are known). */
  readonly rules?: Readonly<Record<string, RuleJson>>;
  readonly heartbeat?: { readonly intervalMs: number; readonly timeoutMs: number };
  readonly connectTimeoutMs?: number;
  readonly pauseWhenOffline?: boolean;
  /** Sent through `socket.send`, in order, the first time the socket is `waiting`. */
  readonly sendWhenWaiting?: readonly string[];
}

/** One socket event, as JSON, with the milliseconds since the socket was created. */
export interface LoggedEvent {
  readonly type: string;
  readonly atMs: number;
  readonly data: unknown;
}

/** What a method call on the socket did. */
export interface ActOutcome {
  readonly threw: Thrown | null;
  readonly state: string;
  readonly readyState: number | null;
}

export type Action = { readonly do: 'send'; readonly data: string } | { readonly do: 'close'; readonly code?: number; readonly reason?: string } | { readonly do: 'dispose' };

type Socket = ReturnType<Runtime['closekit']['createSocket']>;

interface Running {
  readonly socket: Socket;
  readonly log: LoggedEvent[];
  readonly closekit: Runtime['closekit'];
}

const running = new Map<string, Running>();

const EVENT_NAMES = ['state', 'open', 'message', 'close', 'rejected', 'reconnecting', 'reauth', 'stopped', 'dropped', 'error'] as const;

function brief(result: Closekit.CloseResult | undefined): unknown {
  if (result === undefined) return null;
  return { code: result.code, reason: result.reason, kind: result.kind, name: result.name ?? null, opened: result.opened, wasClean: result.wasClean };
}

/** The JSON form of an event payload. */
function record(type: (typeof EVENT_NAMES)[number], payload: unknown): unknown {
  const value = payload as Record<string, unknown>;
  switch (type) {
    case 'state':
      return { state: value['state'], previous: value['previous'] };
    case 'open':
      return { attempt: value['attempt'], protocol: value['protocol'] };
    case 'message':
      return typeof payload === 'string' ? payload : String(payload);
    case 'close':
      return { result: brief(value['result'] as Closekit.CloseResult), decision: summarize(value['decision'] as Closekit.Decision) };
    case 'rejected':
      return brief(payload as Closekit.CloseResult);
    case 'reconnecting':
      return { attempt: value['attempt'], delayMs: value['delayMs'], result: brief(value['result'] as Closekit.CloseResult) };
    case 'reauth':
      return { attempt: value['attempt'], result: brief(value['result'] as Closekit.CloseResult) };
    case 'stopped':
      return {
        cause: value['cause'],
        result: brief(value['result'] as Closekit.CloseResult | undefined),
        pending: (value['pending'] as readonly unknown[]).map(String),
      };
    case 'dropped':
      return { messages: (value['messages'] as readonly unknown[]).map(String) };
    case 'error': {
      const error = payload as Error & { code?: unknown };
      return { name: error.name, code: error.code ?? null, message: error.message };
    }
  }
}

/** Creates a socket for `scenario` under `id` and starts logging its events. */
export function startSocket(runtime: Runtime, id: string, scenario: SocketScenario): void {
  const { closekit } = runtime;
  const codes = closekit.defineCloseCodes(APP_CODES);
  let token = scenario.auth?.initialToken;
  const log: LoggedEvent[] = [];
  const startedAt = Date.now();
  const query = (): Record<string, string> => (token === undefined ? {} : { token });
  const options: Record<string, unknown> = {
    codes,
    WebSocket: runtime.WebSocket,
    policy: closekit.createPolicy({ codes, rules: scenario.rules ?? {}, random: () => FIXED_RANDOM }),
  };
  if (scenario.auth !== undefined) {
    const refreshed = scenario.auth.refreshedToken;
    options['auth'] = {
      refresh: async () => {
        await Promise.resolve();
        token = refreshed;
      },
    };
  }
  if (scenario.heartbeat !== undefined) options['heartbeat'] = scenario.heartbeat;
  if (scenario.connectTimeoutMs !== undefined) options['connectTimeoutMs'] = scenario.connectTimeoutMs;
  if (scenario.pauseWhenOffline !== undefined) options['pauseWhenOffline'] = scenario.pauseWhenOffline;

  // The options are assembled from JSON (rule keys arrive as strings), so they
  // are checked by createSocket at run time rather than by the compiler here.
  const socket = closekit.createSocket(() => planUrl(scenario.base, scenario.key, scenario.steps, query()), options as never);
  for (const type of EVENT_NAMES) {
    (socket.on as (event: string, listener: (payload: unknown) => void) => unknown)(type, (payload) => {
      log.push({ type, atMs: Date.now() - startedAt, data: record(type, payload) });
    });
  }
  let pendingSends = scenario.sendWhenWaiting;
  socket.on('state', ({ state }) => {
    if (state !== 'waiting' || pendingSends === undefined) return;
    const messages = pendingSends;
    pendingSends = undefined;
    for (const message of messages) socket.send(message);
  });
  running.set(id, { socket, log, closekit });
}

function get(id: string): Running {
  const entry = running.get(id);
  if (entry === undefined) throw new Error(`no socket ${id}`);
  return entry;
}

/** The events logged so far. */
export function eventsOf(id: string): LoggedEvent[] {
  return get(id).log.slice();
}

/** Resolves with the log once it holds `count` events of `type`; rejects with the log after `timeoutMs`. */
export function waitFor(id: string, type: string, count = 1, timeoutMs = 5000): Promise<LoggedEvent[]> {
  const { log } = get(id);
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (log.filter((event) => event.type === type).length >= count) resolve(log.slice());
      else if (Date.now() > deadline) reject(new Error(`socket ${id}: no ${count}× ${type} within ${timeoutMs} ms; log: ${JSON.stringify(log)}`));
      else setTimeout(check, 10);
    };
    check();
  });
}

/** Calls a socket method and reports what it threw and the state after. */
export function act(id: string, action: Action): ActOutcome {
  const { socket, closekit } = get(id);
  let threw: Thrown | null = null;
  try {
    if (action.do === 'send') socket.send(action.data);
    else if (action.do === 'dispose') socket.dispose();
    else if (action.code === undefined) socket.close();
    else socket.close(action.code, action.reason);
  } catch (error) {
    threw = {
      name: error instanceof Error ? error.name : typeof error,
      isDOMException: typeof DOMException === 'function' && error instanceof DOMException,
      isCloseCodeError: closekit.isCloseCodeError(error),
      rule: closekit.isCloseCodeError(error) ? error.rule : null,
    };
  }
  return { threw, state: socket.state, readyState: socket.readyState ?? null };
}

/** The socket's current state. */
export function stateOf(id: string): string {
  return get(id).socket.state;
}

/** Disposes every socket this runtime started. */
export function disposeAll(): void {
  for (const { socket } of running.values()) socket.dispose();
  running.clear();
}
