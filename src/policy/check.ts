// Table-driven checks shared by the policy and backoff options. Every failure is a PolicyError
// whose message reads "<option> must be <what is valid>; got <value>."
import { PolicyError, show } from '../errors';

/** A test for one option, and what would be valid (for the message when it fails). */
export type Check = readonly [test: (value: unknown) => boolean, valid: string];

/** Every option an object may hold, with its check, or 0 when the caller checks it. */
export type Spec = Readonly<Record<string, Check | 0>>;

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Throws a PolicyError for `path`, saying what would be valid. */
export function fail(path: string, value: unknown, valid: string): never {
  throw new PolicyError(path, value, `${path} must be ${valid}; got ${show(value)}.`);
}

/** `value` when it passes `check`, else a PolicyError for `path`. */
export function check<T>(value: unknown, [test, valid]: Check, path: string): T {
  return test(value) ? (value as T) : fail(path, value, valid);
}

/** A number ≥ `min`: finite, or with `whole` a whole number or Infinity. */
export function numberCheck(min: number, whole?: boolean): Check {
  return [
    // Math.floor keeps Infinity as it is, so the one comparison admits whole numbers and Infinity.
    (value) => typeof value === 'number' && value >= min && (whole ? Math.floor(value) === value : value < Infinity),
    whole ? `a whole number ≥ ${min}, or Infinity for no limit` : `a finite number ≥ ${min}`,
  ];
}

/** One of the strings in `valid`. */
export function oneOf(valid: readonly string[], or = ''): Check {
  return [(value) => valid.includes(value as string), `one of '${valid.join("', '")}'${or}`];
}

/** A random source: a function returning a number in [0, 1). */
export const randomSource: Check = [(value) => typeof value === 'function', 'a function such as Math.random'];

/**
 * Checks `given` against `spec` and returns its fields that are set. A key not
 * in `spec` throws, with a hint for a near miss (`maxAttempt`) and the list of
 * valid keys; a set value must pass its check.
 */
export function checkFields(given: Record<string, unknown>, spec: Spec, prefix: string): Record<string, unknown> {
  const valid = Object.keys(spec);
  for (const key of Object.keys(given)) {
    if (valid.includes(key)) continue;
    const lower = key.toLowerCase();
    const near = valid.find((option) => option.toLowerCase().startsWith(lower) || lower.startsWith(option.toLowerCase()));
    throw new PolicyError(prefix + key, given[key], `${prefix}${key} is not an option here. ${near ? `Did you mean '${near}'? ` : ''}Valid: ${valid.join(', ')}.`);
  }
  const fields: Record<string, unknown> = {};
  for (const key of valid) {
    const value = given[key];
    const rule = spec[key];
    if (value !== undefined) fields[key] = rule ? check(value, rule, prefix + key) : value;
  }
  return fields;
}
