import { nameOfCode, rangeOf, type CloseCodeContract, type CloseCodeMap, type LibraryCodeName, type StandardCodeName } from './codes';
import { retryAfterOf } from './retry-hint';

interface CloseResultBase {
  /** The close code as reported (may be NaN or fractional for a bad input). */
  readonly code: number;
  /** The close reason; `''` when there was none. */
  readonly reason: string;
  /** Whether the closing handshake completed. */
  readonly wasClean: boolean;
  /**
   * Whether this connection reached `open` before it closed. The one fact a
   * client can know about a 1006: `false` means it never connected (refused
   * port, rejected handshake, DNS, TLS), `true` means it was dropped.
   */
  readonly opened: boolean;
  /**
   * How long the server asked the client to wait before reconnecting, in ms:
   * the retry hint at the end of the reason (`'restarting retry-after=30s'`,
   * see docs/retry-hints.md). Undefined when there is none or it is malformed.
   */
  readonly retryAfterMs?: number | undefined;
}

/** 1000–1015 except 1004. `local` is true for 1005, 1006 and 1015, which the client reports itself (never sent on the wire). */
export interface StandardCloseResult extends CloseResultBase {
  readonly kind: 'standard';
  readonly name: StandardCodeName;
  readonly range: 'standard';
  readonly local: boolean;
}

/** 3000–3999. `name` is the app's name for the code, else the IANA name of 3000/3003/3008, else undefined. */
export interface LibraryCloseResult<N extends string = string> extends CloseResultBase {
  readonly kind: 'library';
  readonly name: LibraryCodeName | N | undefined;
  readonly range: 'library';
  readonly local: false;
}

/** 4000–4999. `name` comes from the app's `defineCloseCodes` contract, else undefined. */
export interface ApplicationCloseResult<N extends string = string> extends CloseResultBase {
  readonly kind: 'application';
  readonly name: N | undefined;
  readonly range: 'application';
  readonly local: false;
}

/** 0–999, 1004 and 1016–2999: codes reserved by the standard. `range` says which band. */
export interface ReservedCloseResult extends CloseResultBase {
  readonly kind: 'reserved';
  readonly name: undefined;
  readonly range: 'unused' | 'standard' | 'future' | 'extension';
  readonly local: false;
}

/** 5000 and above, negative, fractional, NaN or not a number at all. */
export interface InvalidCloseResult extends CloseResultBase {
  readonly kind: 'invalid';
  readonly name: undefined;
  readonly range: 'invalid';
  readonly local: false;
}

/**
 * A classified close, discriminated on `kind`. `N` is the union of the app's
 * code names (from `defineCloseCodes`), so `result.name` narrows by kind.
 *
 * @example
 * if (result.kind === 'application' && result.name === 'TokenExpired') refreshToken();
 */
export type CloseResult<N extends string = string> = StandardCloseResult | LibraryCloseResult<N> | ApplicationCloseResult<N> | ReservedCloseResult | InvalidCloseResult;

/** The `kind` of a {@link CloseResult}. */
export type CloseKind = CloseResult['kind'];

/** Anything shaped like a `CloseEvent`; every field may be missing or malformed. */
export interface CloseEventLike {
  readonly code?: unknown;
  readonly reason?: unknown;
  readonly wasClean?: unknown;
}

/** Options for {@link classify}. */
export interface ClassifyOptions<M extends CloseCodeMap = CloseCodeMap> {
  /** The app's contract from `defineCloseCodes`, to name its codes. */
  readonly codes?: CloseCodeContract<M> | undefined;
  /** Whether the connection reached `open`. @default false */
  readonly opened?: boolean | undefined;
}

/**
 * Classifies a close into a typed {@link CloseResult}. Accepts anything a
 * browser or a caller can produce (any 16-bit code, negative, fractional,
 * NaN, a missing reason, a synthetic `new CloseEvent('close')` with code 0)
 * and never throws, whatever the event or the options: fields that cannot be
 * read count as missing, and a `codes` that is not a `defineCloseCodes`
 * contract (or whose `nameOf` throws) names nothing.
 *
 * @example
 * const result = classify(event, { codes: AppCodes, opened: true });
 * if (result.kind === 'application') console.log(result.name); // 'TokenExpired' | 'AccessDenied' | undefined
 */
export function classify<M extends CloseCodeMap>(event: CloseEventLike | null | undefined, options: ClassifyOptions<M> & { readonly codes: CloseCodeContract<M> }): CloseResult<keyof M & string>;
export function classify(event: CloseEventLike | null | undefined, options?: ClassifyOptions<CloseCodeMap> & { readonly codes?: undefined }): CloseResult<never>;
export function classify(event: CloseEventLike | null | undefined, options?: ClassifyOptions | null): CloseResult;
export function classify(event: CloseEventLike | null | undefined, options?: ClassifyOptions | null): CloseResult {
  let rawCode: unknown;
  let rawReason: unknown;
  let clean: unknown;
  let opened: unknown;
  let appName: unknown;
  // Whatever is passed: getters that throw, a `codes` that is no contract, a nameOf that throws.
  // A null or undefined event throws here too, and is caught: its fields count as missing.
  try {
    ({ code: rawCode, reason: rawReason, wasClean: clean } = event as CloseEventLike);
  } catch {}
  const code = typeof rawCode === 'number' ? rawCode : NaN;
  const reason = typeof rawReason === 'string' ? rawReason : '';
  const range = rangeOf(code);
  try {
    opened = options?.opened;
    // Only 3000–4999 can be the app's; nameOfCode knows just the IANA-named codes, undefined for every other band.
    // No options, no `codes` or no `nameOf`: the app names nothing. Read without throwing on the common path (no
    // contract at all): a throw caught here costs tens of microseconds. A getter or a nameOf that throws is caught.
    if (range === 'library' || range === 'application') appName = (options?.codes as { nameOf?(code: number): unknown } | undefined)?.nameOf?.(code);
  } catch {}
  const name = typeof appName === 'string' ? appName : nameOfCode(code);
  // One object literal of one shape for every kind: smaller, and monomorphic for engines.
  return {
    code,
    reason,
    wasClean: clean === true,
    opened: opened === true,
    // 1004 is inside 1000–1015 but reserved, with no name and no meaning; every other band is its own kind.
    kind: code === 1004 || range === 'unused' || range === 'future' || range === 'extension' ? 'reserved' : range,
    name,
    range,
    // 1005, 1006 and 1015 are always standard: the client reports them itself (RFC 6455 §7.4).
    local: code === 1005 || code === 1006 || code === 1015,
    retryAfterMs: retryAfterOf(reason),
  } as CloseResult;
}
