import { show } from '../errors';
import type { UpgradeRequestLike } from './types';

/**
 * Which browser origins may open a WebSocket: a list of origins
 * (`'https://app.example.com'`, compared as URL origins, so case and a
 * default port do not matter), a regular expression tested against the
 * `Origin` header, or a function deciding from the origin and the request.
 */
export type AllowedOrigins = string | readonly string[] | RegExp | ((origin: string, request: UpgradeRequestLike) => boolean);

/** Options for {@link checkOrigin}. */
export interface CheckOriginOptions {
  /**
   * Whether a request without an `Origin` header passes. Browsers always send
   * one on a WebSocket handshake, so a missing header means a non-browser
   * client (which cross-site WebSocket hijacking cannot come from); allow it
   * only if such clients are welcome. @default false
   */
  readonly allowMissing?: boolean;
}

// The ASCII serialisation of an origin: scheme://host[:port], lower case,
// default port dropped. Browsers send exactly this; apps may write it loosely.
function normaliseOrigin(origin: string): string {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? origin.toLowerCase() : url.origin;
  } catch {
    return origin.toLowerCase();
  }
}

/** Throws a TypeError starting with `what` (the caller's name and the option) unless `allowed` is an {@link AllowedOrigins}. */
export function checkAllowed(allowed: unknown, what: string): void {
  if (typeof allowed !== 'string' && typeof allowed !== 'function' && !(allowed instanceof RegExp) && !Array.isArray(allowed)) {
    throw new TypeError(`${what} must be a string, an array of strings, a RegExp or a function, got ${show(allowed)}.`);
  }
}

/** The request's `Origin` header, or undefined when absent or repeated. */
export function originOf(request: UpgradeRequestLike): string | undefined {
  if (request === null || typeof request !== 'object' || request.headers === null || typeof request.headers !== 'object') {
    throw new TypeError(`checkOrigin expects an http.IncomingMessage (an object with headers), got ${show(request)}.`);
  }
  const header = request.headers['origin'];
  return typeof header === 'string' ? header : undefined;
}

/**
 * True when the request's `Origin` is allowed. Call it before accepting a
 * WebSocket upgrade: a page on any site can open a WebSocket to your server
 * with the user's cookies (cross-site WebSocket hijacking), and the `Origin`
 * header is the only thing that tells you which site it is.
 *
 * @example
 * checkOrigin(request, ['https://app.example.com'])   // exact origins
 * checkOrigin(request, /^https:\/\/[a-z0-9-]+\.example\.com$/)
 * checkOrigin(request, (origin) => tenants.has(origin))
 */
export function checkOrigin(request: UpgradeRequestLike, allowedOrigins: AllowedOrigins, options: CheckOriginOptions = {}): boolean {
  const origin = originOf(request);
  checkAllowed(allowedOrigins, 'checkOrigin: allowedOrigins');
  if (origin === undefined) return options?.allowMissing === true && request.headers['origin'] === undefined;
  if (typeof allowedOrigins === 'function') return allowedOrigins(origin, request) === true;
  // search() starts at 0 whatever the flags and puts lastIndex back: a g or y expression keeps no state
  // between calls, and a frozen one (whose lastIndex cannot be written) works.
  if (allowedOrigins instanceof RegExp) return origin.search(allowedOrigins) >= 0;
  const list: readonly unknown[] = typeof allowedOrigins === 'string' ? [allowedOrigins] : allowedOrigins;
  const wanted = normaliseOrigin(origin);
  return list.some((entry) => typeof entry === 'string' && normaliseOrigin(entry) === wanted);
}
