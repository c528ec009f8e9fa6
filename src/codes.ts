import { CloseCodeError, show } from './errors';

/**
 * The close codes registered with IANA, by name (PascalCase of the registry's
 * names). 1004 is reserved and has no name. 3000, 3003 and 3008 are the
 * registered library codes.
 *
 * @example
 * if (event.code === CloseCode.TryAgainLater) showBusyBanner();
 */
export const CloseCode = {
  NormalClosure: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  UnsupportedData: 1003,
  NoStatusReceived: 1005,
  AbnormalClosure: 1006,
  InvalidFramePayloadData: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  MandatoryExtension: 1010,
  InternalError: 1011,
  ServiceRestart: 1012,
  TryAgainLater: 1013,
  BadGateway: 1014,
  TLSHandshake: 1015,
  Unauthorized: 3000,
  Forbidden: 3003,
  Timeout: 3008,
} as const;

/** Any name in {@link CloseCode}. */
export type CloseCodeName = keyof typeof CloseCode;
/** The names of the IANA library codes 3000, 3003 and 3008. */
export type LibraryCodeName = 'Unauthorized' | 'Forbidden' | 'Timeout';
/** The names of the standard codes 1000–1015 (1004 has none). */
export type StandardCodeName = Exclude<CloseCodeName, LibraryCodeName>;
/** A named standard or library code, e.g. `1012`. */
export type KnownCloseCode = (typeof CloseCode)[CloseCodeName];

/**
 * The numeric band a code falls in (the IANA split):
 * `unused` 0–999 · `standard` 1000–1015 · `future` 1016–1999 (reserved for the
 * standard) · `extension` 2000–2999 · `library` 3000–3999 · `application`
 * 4000–4999 · `invalid` anything else (5000+, negative, fractional, NaN).
 */
export type CloseCodeRange = 'unused' | 'standard' | 'future' | 'extension' | 'library' | 'application' | 'invalid';

/** The bands of {@link CloseCodeRange} with their inclusive bounds; `invalid` is everything outside them. */
export const CLOSE_CODE_RANGES = [
  { range: 'unused', min: 0, max: 999 },
  { range: 'standard', min: 1000, max: 1015 },
  { range: 'future', min: 1016, max: 1999 },
  { range: 'extension', min: 2000, max: 2999 },
  { range: 'library', min: 3000, max: 3999 },
  { range: 'application', min: 4000, max: 4999 },
] as const satisfies readonly { range: CloseCodeRange; min: number; max: number }[];

// CloseCode's names in code order, 1000–1015 then 3000–3008, with an empty word for each code that
// has no name (1004, 3001, 3002, 3004–3007). One string rather than a map built from CloseCode: a
// bundler cannot drop a loop run at load time, so classify used to pull in CloseCode and the loop.
// test/core/classify-reference.test.ts checks nameOfCode against CloseCode for every code.
const NAMES = (
  'NormalClosure GoingAway ProtocolError UnsupportedData  NoStatusReceived AbnormalClosure InvalidFramePayloadData PolicyViolation ' +
  'MessageTooBig MandatoryExtension InternalError ServiceRestart TryAgainLater BadGateway TLSHandshake ' +
  'Unauthorized   Forbidden     Timeout'
).split(' ') as readonly (CloseCodeName | '')[];

/** The band a code falls in; never throws, whatever is passed. */
export function rangeOf(code: number): CloseCodeRange {
  // A compare chain rather than a walk over CLOSE_CODE_RANGES: smaller and faster; a test in
  // test/core/classify.test.ts checks every band's edges against the table.
  if (!Number.isInteger(code) || code < 0 || code > 4999) return 'invalid';
  return code < 1000 ? 'unused' : code < 1016 ? 'standard' : code < 2000 ? 'future' : code < 3000 ? 'extension' : code < 4000 ? 'library' : 'application';
}

/** The IANA name of a registered code (`1012` → `'ServiceRestart'`), else undefined. */
export function nameOfCode(code: number): CloseCodeName | undefined {
  // 1000–1015 sit at 0–15 and 3000–3008 at 16–24; any other index is negative or past the end.
  return (Number.isInteger(code) && NAMES[code > 2999 ? code - 2984 : code < 1016 ? code - 1000 : -1]) || undefined;
}

/**
 * True when `code` may appear in a close frame on the wire: 1000–1014 except
 * 1004–1006, and 3000–4999 (RFC 6455 §7.4; what `ws` and undici accept).
 */
export function isSendableCode(code: number): boolean {
  return Number.isInteger(code) && ((code >= 1000 && code <= 1014 && (code < 1004 || code > 1006)) || (code >= 3000 && code <= 4999));
}

/** A close code a browser's `close()` accepts: 1000 or 3000–4999. */
export function isClientCloseCode(code: number): boolean {
  return code === 1000 || (Number.isInteger(code) && code >= 3000 && code <= 4999);
}

// ---- the app's own codes ---------------------------------------------------

type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';
type PrivateCodeText = `${3 | 4}${Digit}${Digit}${Digit}`;

/**
 * `N` when it is a literal in 3000–4999 (or a plain `number`, which can only
 * be checked at run time); `never` otherwise, so a literal such as `1008` or
 * `5000` in `defineCloseCodes` is a compile-time error.
 */
export type PrivateCode<N extends number> = number extends N ? N : `${N}` extends PrivateCodeText ? N : never;

/**
 * For a contract name that is also one of {@link CloseCode}'s names: `N` when
 * it names that same code (`Forbidden: 3003`), otherwise an object type whose
 * one key is the reason, so `defineCloseCodes({ Forbidden: 4003 })` fails to
 * compile and the compiler's message says why.
 */
export type NameOfOwnCode<K extends CloseCodeName, N extends number> = number extends N
  ? N
  : N extends (typeof CloseCode)[K]
    ? PrivateCode<N>
    : { readonly [Why in `${K} is closekit's name for ${(typeof CloseCode)[K]}: give ${N} a name of its own`]: never };

/** The map an app passes to {@link defineCloseCodes}: name → code in 3000–4999. */
export type CloseCodeMap = Readonly<Record<string, number>>;

/**
 * An app's close-code contract, shared by server and client: the frozen
 * name → code map plus lookups both ways. Made by {@link defineCloseCodes}.
 */
export interface CloseCodeContract<M extends CloseCodeMap = CloseCodeMap> {
  /** name → code, frozen (e.g. `AppCodes.codes.TokenExpired === 4001`). */
  readonly codes: Readonly<M>;
  /** Every name, in declaration order. */
  readonly names: readonly (keyof M & string)[];
  /** The name of `code` in this contract, or undefined. */
  nameOf(code: number): (keyof M & string) | undefined;
  /** The code for `name`; throws a `CloseCodeError` (`unknown-name`) for a name not in the contract. */
  codeOf<K extends keyof M & string>(name: K): M[K];
  /** True when `code` is one of this contract's codes. */
  has(code: number): boolean;
}

/** The names of a contract (`'TokenExpired' | 'AccessDenied'`), or `never` for none. */
export type ContractNames<C> = C extends CloseCodeContract<infer M> ? keyof M & string : never;

/**
 * Declares the app's private close codes once, for server and client.
 * Validates that every value is an integer in 3000–4999, that values are
 * unique and names non-empty, and that no name is one of {@link CloseCode}'s
 * names for another code (`Unauthorized` is 3000, `Forbidden` 3003, `Timeout`
 * 3008, `GoingAway` 1001…), so a name always means one code; throws a
 * {@link CloseCodeError} naming the offending entry otherwise (a literal map
 * fails to compile already). The returned contract is frozen and typed, so
 * results, policy rules and socket events know its names.
 *
 * @example
 * export const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4029 });
 * AppCodes.codes.RateLimited // 4029
 * AppCodes.nameOf(4003)      // 'AccessDenied'
 */
export function defineCloseCodes<const M extends CloseCodeMap>(map: M & { readonly [K in keyof M]: K extends CloseCodeName ? NameOfOwnCode<K, M[K]> : PrivateCode<M[K]> }): CloseCodeContract<M> {
  if (map === null || typeof map !== 'object' || Array.isArray(map)) {
    throw new CloseCodeError('invalid-name', map, `defineCloseCodes expects an object of name → code, got ${show(map)}.`);
  }
  const byCode = new Map<number, keyof M & string>();
  const names = Object.keys(map) as (keyof M & string)[];
  for (const name of names) {
    const code: unknown = map[name];
    if (name.trim() === '') {
      throw new CloseCodeError('invalid-name', name, `defineCloseCodes: a close code name must be a non-empty string, got ${show(name)} (code ${show(code)}).`);
    }
    if (typeof code !== 'number' || !Number.isInteger(code)) {
      throw new CloseCodeError('not-integer', code, `defineCloseCodes: ${name} must be an integer close code in 3000–4999, got ${show(code)}.`);
    }
    if (code < 3000 || code > 4999) {
      throw new CloseCodeError(
        'private-range',
        code,
        `defineCloseCodes: ${name} is ${code}, but an app's own close codes must be in 3000–4999 (4000–4999 for private use, 3000–3999 for IANA-registered library codes).`,
      );
    }
    // A name means one code everywhere: `result.name === 'Forbidden'` is 3003 and nothing else, and
    // closeWith(ws, 'Unauthorized') sends 3000 with or without a contract. Naming the same code is fine.
    if (Object.prototype.hasOwnProperty.call(CloseCode, name) && CloseCode[name as CloseCodeName] !== code) {
      const own = CloseCode[name as CloseCodeName];
      throw new CloseCodeError(
        'reserved-name',
        name,
        `defineCloseCodes: ${name} is closekit's name for ${own}, so it cannot name ${code}; give ${code} a name of its own (such as TokenExpired or AccessDenied).`,
      );
    }
    const taken = byCode.get(code);
    if (taken !== undefined) {
      throw new CloseCodeError('duplicate-code', code, `defineCloseCodes: ${name} and ${taken} both use ${code}; each code must have one name.`);
    }
    byCode.set(code, name);
  }
  // From the values checked above, not a second read of `map` (a getter or Proxy may answer otherwise).
  const codes = Object.freeze(Object.fromEntries(Array.from(byCode, ([code, name]) => [name, code]))) as Readonly<M>;
  return Object.freeze({
    codes,
    names: Object.freeze(names),
    nameOf: (code: number) => byCode.get(code),
    has: (code: number) => byCode.has(code),
    codeOf<K extends keyof M & string>(name: K): M[K] {
      if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(codes, name)) {
        throw new CloseCodeError('unknown-name', name, `Unknown close code name ${show(name)}; this contract defines: ${names.join(', ') || '(none)'}.`);
      }
      return codes[name];
    },
  });
}
