// Small checks shared by the policy and backoff validation. Every failure is a
// PolicyError whose message reads "<option> must be <what is valid>; got <value>."
import { PolicyError, show } from '../errors';

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Throws a PolicyError for `path`, saying what would be valid. */
export function fail(path: string, value: unknown, valid: string): never {
  throw new PolicyError(path, value, `${path} must be ${valid}; got ${show(value)}.`);
}

/** Throws for the first key of `given` that is not in `valid`, with a hint for a near miss (`maxAttempt`). */
export function checkKeys(given: Record<string, unknown>, valid: readonly string[], prefix: string): void {
  for (const key of Object.keys(given)) {
    if (valid.includes(key)) continue;
    const lower = key.toLowerCase();
    const near = valid.find((v) => v.toLowerCase().startsWith(lower) || lower.startsWith(v.toLowerCase()));
    const hint = near === undefined ? '' : `Did you mean '${near}'? `;
    throw new PolicyError(prefix + key, given[key], `${prefix}${key} is not an option here. ${hint}Valid: ${valid.join(', ')}.`);
  }
}

/** A number ≥ `min`: finite (`valid` describes it), or with `count` a whole number or Infinity. */
export function checkNumber(value: unknown, path: string, min: number, count?: boolean, valid = `a finite number of milliseconds ≥ ${min}`): number {
  if (typeof value === 'number' && value >= min && (count ? Number.isInteger(value) || value === Infinity : Number.isFinite(value))) return value;
  return fail(path, value, count ? `a whole number ≥ ${min}, or Infinity for no limit` : valid);
}

/** `value` when it is one of `valid`, else a PolicyError listing them. */
export function checkOneOf<T extends string>(value: unknown, valid: readonly T[], path: string, or = ''): T {
  if (valid.includes(value as T)) return value as T;
  return fail(path, value, `one of ${valid.map((v) => `'${v}'`).join(', ')}${or}`);
}
