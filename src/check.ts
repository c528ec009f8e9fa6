// One validator for every option object closekit takes (the policy's, the
// backoff's and the socket's): a spec per object, unknown keys refused with a
// "did you mean", and every failure a typed error whose `option` names the
// path. Only the error class differs between callers. The text of what would
// be valid is development-only (see dev.ts); production keeps the path.
import { show } from './errors';

/** A test for one option, and what would be valid (for the message when it fails). */
export type Check = readonly [test: (value: unknown) => boolean, valid: string];

/** Every option an object may hold, with its check, or 0 when the caller checks it. */
export type Spec = Readonly<Record<string, Check | 0>>;

/** Makes the typed error for a bad option (a PolicyError, a SocketError…). */
export type OptionError = (option: string, value: unknown, message: string) => Error;

/**
 * The longest delay a timer honours: browsers and Node store it as a signed
 * 32-bit integer, and a longer one fires at once.
 */
export const MAX_DELAY_MS = 2 ** 31 - 1;

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The three checks, bound to one error class. */
export interface Validator {
  /** Throws for `path`, saying what would be valid. */
  fail(path: string, value: unknown, valid: string): never;
  /** `value` when it passes `check`, else throws for `path`. */
  check<T>(value: unknown, check: Check, path: string): T;
  /**
   * Checks `given` against `spec` and returns its fields that are set. A key
   * not in `spec` throws, with a hint for a near miss (`maxAttempt`, or a key
   * that belongs one level down, see `elsewhere`) and the list of valid keys.
   */
  fields(given: Record<string, unknown>, spec: Spec, prefix: string, elsewhere?: Readonly<Record<string, string>>): Record<string, unknown>;
}

/** A {@link Validator} throwing the errors `error` makes. */
export function validator(error: OptionError): Validator {
  const fail = (path: string, value: unknown, valid: string): never => {
    throw error(path, value, __DEV__ ? `${path} must be ${valid}; got ${typeof value === 'function' ? 'a function' : show(value)}.` : path);
  };
  const check = <T>(value: unknown, [test, valid]: Check, path: string): T => (test(value) ? (value as T) : fail(path, value, valid));
  return {
    fail,
    check,
    fields(given, spec, prefix, elsewhere = {}) {
      const valid = Object.keys(spec);
      for (const key of Object.keys(given)) {
        if (valid.includes(key)) continue;
        let hint = '';
        if (__DEV__) {
          const lower = key.toLowerCase();
          const near = valid.find((option) => option.toLowerCase().startsWith(lower.slice(0, 4)) || lower.startsWith(option.toLowerCase()));
          // Own keys only: 'constructor' or 'toString' would find Object.prototype's.
          const where = Object.prototype.hasOwnProperty.call(elsewhere, key) && elsewhere[key];
          hint = `${where ? `It belongs in ${where}. ` : near ? `Did you mean '${near}'? ` : ''}Valid: ${valid.join(', ')}.`;
        }
        throw error(prefix + key, given[key], __DEV__ ? `${prefix}${key} is not an option here. ${hint}` : prefix + key);
      }
      const fields: Record<string, unknown> = {};
      for (const key of valid) {
        const value = given[key];
        const rule = spec[key];
        if (value !== undefined) fields[key] = rule ? check(value, rule, prefix + key) : value;
      }
      return fields;
    },
  };
}

/** A number ≥ `min`: finite, or with `whole` a whole number or Infinity. */
export function numberCheck(min: number, whole?: boolean): Check {
  return [
    // Math.floor keeps Infinity as it is, so the one comparison admits whole numbers and Infinity.
    (value) => typeof value === 'number' && value >= min && (whole ? Math.floor(value) === value : value < Infinity),
    __DEV__ ? (whole ? `a whole number ≥ ${min}, or Infinity for no limit` : `a finite number ≥ ${min}`) : '',
  ];
}

/**
 * A duration a timer can wait: from `min` (0, or 1 with `positive`) to
 * {@link MAX_DELAY_MS}; with `infinite`, Infinity too (a limit never reached).
 */
export function durationCheck(positive?: boolean, infinite?: boolean): Check {
  return [
    (value) => typeof value === 'number' && (positive ? value > 0 : value >= 0) && (value <= MAX_DELAY_MS || (infinite === true && value === Infinity)),
    __DEV__
      ? `a ${infinite ? '' : 'finite '}number of milliseconds ${positive ? '> 0' : '≥ 0'}, at most ${MAX_DELAY_MS} (about 24.8 days, the longest a timer can wait)${infinite ? ', or Infinity' : ''}`
      : '',
  ];
}

/** One of the strings in `valid`. */
export function oneOf(valid: readonly string[], or = ''): Check {
  return [(value) => valid.includes(value as string), __DEV__ ? `one of '${valid.join("', '")}'${or}` : ''];
}

/**
 * An object (or a function: `Date` is a clock) with these methods; with
 * `orFalse`, or `false`.
 */
export function withMethods(names: readonly string[], orFalse?: boolean): Check {
  return [
    (value) => (orFalse === true && value === false) || ((isRecord(value) || typeof value === 'function') && names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function')),
    __DEV__ ? `an object with ${names.join('() and ')}()${orFalse ? ', or false' : ''}` : '',
  ];
}

/** A plain object (an options object). */
export const anObject: Check = [isRecord, __DEV__ ? 'an object' : ''];

/** A function. */
export const isFunction: Check = [(value) => typeof value === 'function', __DEV__ ? 'a function' : ''];
