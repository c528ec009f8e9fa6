// Code that runs unchanged in both runtimes: bundled into the Chromium page,
// and imported by Node tests with undici's WebSocket. It takes the closekit
// module and a WebSocket constructor as arguments so the same lines drive the
// built dist/ in each runtime. Everything it returns is plain JSON.
import type * as Closekit from '../../../src/index';

/** The closekit module as built into dist/. */
export type ClosekitModule = typeof Closekit;

/** A WebSocket constructor: the browser's, or undici's in Node. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

/** What a runtime provides to the probes. */
export interface Runtime {
  readonly closekit: ClosekitModule;
  readonly WebSocket: WebSocketConstructor;
}

/** The app contract used across the suite. */
export const APP_CODES = { TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4029 } as const;

/** A WebSocket event, in the order the page saw it. */
export type WireEvent = 'open' | 'error' | 'close';

/**
 * The rules every runtime decides with: closekit's defaults, plus the app's
 * one rule (its TokenExpired code means refresh the token). `random` is fixed
 * so delays compare across runtimes.
 */
export const POLICY_RULES = { TokenExpired: 'reauth' } as const;
/** The fixed random source (full jitter picks the middle of the window). */
export const FIXED_RANDOM = 0.5;

/** A decision as plain JSON, with the matched rule reduced to where it came from. */
export interface DecisionSummary {
  readonly action: 'reconnect' | 'reauth' | 'stop';
  readonly delayMs?: number;
  readonly attempt?: number;
  readonly cause?: string;
  readonly rule: { readonly source: string; readonly key: string; readonly origin: string };
}

/** What a raw WebSocket reported, and what closekit made of it. */
export interface Observation {
  readonly events: WireEvent[];
  /** The close event's fields; null when no close came within the time limit. */
  readonly close: { readonly code: number; readonly reason: string; readonly wasClean: boolean } | null;
  /** `classify(close, { codes, opened })` from the built bundle. */
  readonly result: Closekit.CloseResult | null;
  /** `createPolicy({ codes, rules: POLICY_RULES }).decide(result)` on a first attempt. */
  readonly decision: DecisionSummary | null;
}

export interface ObserveOptions {
  /** Give up (and report `close: null`) after this long. @default 5000 */
  readonly timeoutMs?: number;
  /** Send this text message as soon as the socket opens. */
  readonly greet?: string;
}

/**
 * Opens a raw WebSocket to `url`, records open/error/close in order, and
 * classifies the close with closekit, as an app would from its handlers.
 */
export function observe(runtime: Runtime, url: string, options: ObserveOptions = {}): Promise<Observation> {
  const { closekit } = runtime;
  const codes = closekit.defineCloseCodes(APP_CODES);
  const policy = closekit.createPolicy({ codes, rules: POLICY_RULES, random: () => FIXED_RANDOM });
  return new Promise((resolve) => {
    const events: WireEvent[] = [];
    let opened = false;
    const ws = new runtime.WebSocket(url);
    const timer = setTimeout(() => {
      ws.onclose = null;
      ws.close();
      resolve({ events, close: null, result: null, decision: null });
    }, options.timeoutMs ?? 5000);
    ws.onopen = () => {
      opened = true;
      events.push('open');
      if (options.greet !== undefined) ws.send(options.greet);
    };
    ws.onerror = () => {
      events.push('error');
    };
    ws.onclose = (event) => {
      clearTimeout(timer);
      events.push('close');
      const close = { code: event.code, reason: event.reason, wasClean: event.wasClean };
      const result = closekit.classify(close, { codes, opened });
      resolve({ events, close, result: plain(result), decision: summarize(policy.decide(result)) });
    };
  });
}

/** How a thrown value looked. */
export interface Thrown {
  readonly name: string;
  readonly isDOMException: boolean;
  readonly isCloseCodeError: boolean;
  readonly rule: string | null;
}

/** What happened when the client called `close(code, reason)` on an open socket. */
export interface ClientCloseOutcome {
  /** What the native `WebSocket.close` threw, or null. */
  readonly nativeThrew: Thrown | null;
  /** `readyState` right after the call. */
  readonly readyStateAfter: number;
  /** What closekit's `validateClientClose` threw for the same arguments, or null. */
  readonly closekitThrew: Thrown | null;
  /** The close event the client saw (when the call went through). */
  readonly close: { readonly code: number; readonly reason: string; readonly wasClean: boolean } | null;
}

/**
 * Opens `url` (an echo server), then calls the native `close` with the given
 * arguments (`code` undefined means `close()` with none) and closekit's
 * validator with the same ones.
 */
export function clientClose(runtime: Runtime, url: string, code: number | undefined, reason: string | undefined): Promise<ClientCloseOutcome> {
  const { closekit } = runtime;
  return new Promise((resolve, fail) => {
    const ws = new runtime.WebSocket(url);
    const timer = setTimeout(() => fail(new Error(`clientClose(${String(code)}): no close within 5 s`)), 5000);
    ws.onerror = () => {};
    ws.onopen = () => {
      let closekitThrew: Thrown | null = null;
      // Through a typed local: TypeScript only runs assertion signatures on declared names.
      const validateClientClose: (code: unknown, reason?: unknown) => void = closekit.validateClientClose;
      if (code !== undefined) {
        try {
          validateClientClose(code, reason);
        } catch (error) {
          closekitThrew = describeThrown(closekit, error);
        }
      }
      let nativeThrew: Thrown | null = null;
      try {
        if (code === undefined) ws.close();
        else if (reason === undefined) ws.close(code);
        else ws.close(code, reason);
      } catch (error) {
        nativeThrew = describeThrown(closekit, error);
      }
      const readyStateAfter = ws.readyState;
      if (nativeThrew !== null) {
        clearTimeout(timer);
        ws.onclose = null;
        ws.close();
        resolve({ nativeThrew, readyStateAfter, closekitThrew, close: null });
        return;
      }
      ws.onclose = (event) => {
        clearTimeout(timer);
        resolve({ nativeThrew, readyStateAfter, closekitThrew, close: { code: event.code, reason: event.reason, wasClean: event.wasClean } });
      };
    };
  });
}

function describeThrown(closekit: ClosekitModule, error: unknown): Thrown {
  const name = error instanceof Error ? error.name : typeof error;
  return {
    name,
    isDOMException: typeof DOMException === 'function' && error instanceof DOMException,
    isCloseCodeError: closekit.isCloseCodeError(error),
    rule: closekit.isCloseCodeError(error) ? error.rule : null,
  };
}

/** A decision as plain JSON. */
export function summarize(decision: Closekit.Decision): DecisionSummary {
  const rule = { source: decision.rule.source, key: decision.rule.key, origin: decision.rule.origin };
  return decision.action === 'stop' ? { action: decision.action, cause: decision.cause, rule } : { action: decision.action, delayMs: decision.delayMs, attempt: decision.attempt, rule };
}

/** A JSON-safe copy (a result crosses from the page to Node). */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
