// Shared pieces of the random-input sweep of issue #11: hostile values, the
// rule every call is judged by, the seed, and a collector of unhandled
// rejections.
//
// The rule: a call either works, or throws one of closekit's typed errors
// (CloseCodeError, PolicyError, SocketError, recognised by `name`). Anything
// else thrown from inside closekit (a TypeError such as "Cannot read
// properties of null", a RangeError, a DOMException, a plain Error) breaks
// the promise "bad input gets a clear typed error naming what was wrong".
// One allowance: when a getter or proxy trap of the caller's own object
// throws, closekit may let that very error through unchanged (it is the
// caller's error, not closekit's) — except where a function is documented
// never to throw (classify, policy.decide), which must not throw at all.
import fc from 'fast-check';
import { afterAll, beforeAll, expect } from 'vitest';

const given = process.env['CLOSEKIT_SWEEP_SEED'];
/** The fast-check seed of this run: CLOSEKIT_SWEEP_SEED, else a fresh one (printed in each suite's name and by fast-check on failure). */
export const SWEEP_SEED = given !== undefined && given !== '' ? Number(given) : Math.floor(Math.random() * 2 ** 31);

/** fast-check parameters for every property: the run's seed, a bounded number of runs, the counterexample in the message. */
export const params = (numRuns = 200): fc.Parameters<unknown> => ({ seed: SWEEP_SEED, numRuns, verbose: 1, includeErrorInReport: true });

/** The error a hostile getter or proxy trap throws: recognisable, so it can be told from closekit's own. */
export class HostileError extends Error {
  override readonly name = 'HostileError';
  constructor(what: string) {
    super(`hostile ${what}`);
  }
}

/** closekit's typed errors, by `name`. */
export type TypedErrorName = 'CloseCodeError' | 'PolicyError' | 'SocketError';

export type Outcome = { readonly threw: false; readonly value: unknown } | { readonly threw: true; readonly error: unknown };

/** Runs `call`, capturing what it returned or threw. */
export function outcome(call: () => unknown): Outcome {
  try {
    return { threw: false, value: call() };
  } catch (error) {
    return { threw: true, error };
  }
}

const describeError = (error: unknown): string => {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return `a thrown ${typeof error}: ${String(error)}`;
  } catch {
    return `a thrown ${typeof error}`;
  }
};

/**
 * Asserts the rule: `call` works or throws one of `allowed`; a HostileError
 * passes through only when `hostileMayPass`. Returns the outcome.
 */
export function worksOrThrowsTyped(what: string, call: () => unknown, allowed: readonly TypedErrorName[], hostileMayPass = true, argumentErrors: readonly string[] = []): Outcome {
  const result = outcome(call);
  if (!result.threw) return result;
  const { error } = result;
  const name = error instanceof Error ? error.name : undefined;
  if (name !== undefined && (allowed as readonly string[]).includes(name)) {
    expect((error as Error).message, `${what}: a typed error needs a message`).not.toBe('');
    return result;
  }
  // The Node-side helpers (closekit/server, closekit/testing) answer an argument of the wrong shape as Node's own
  // APIs do: a TypeError or RangeError of their own, whose message starts with the function's name and says what
  // was wrong (docs/guarantees.md). Never one thrown by the engine from inside them ("Cannot read properties…").
  if ((name === 'TypeError' || name === 'RangeError') && argumentErrors.some((prefix) => (error as Error).message.startsWith(prefix))) return result;
  if (hostileMayPass && error instanceof HostileError) return result;
  throw new Error(`${what} threw ${describeError(error)} — expected it to work or throw ${allowed.join(' / ')}`);
}

/** Asserts that `call` does not throw at all (documented never to throw). */
export function neverThrows<T>(what: string, call: () => T): T {
  const result = outcome(call);
  if (result.threw) throw new Error(`${what} is documented never to throw, but threw ${describeError(result.error)}`);
  return result.value as T;
}

/** An object whose property `key` is a getter that throws. */
export function throwingGetter(key: string, base: Record<string, unknown> = {}): Record<string, unknown> {
  const object = Object.defineProperty({ ...base }, key, {
    enumerable: true,
    get() {
      throw new HostileError(`getter '${key}'`);
    },
  });
  // So fast-check can print a counterexample without tripping the getter itself.
  return Object.defineProperty(object, fc.toStringMethod, { value: () => `throwingGetter(${JSON.stringify(key)}, ${fc.stringify(base)})` });
}

/** A proxy whose every trap throws. */
export function throwingProxy(): object {
  const trap = (name: string) => () => {
    throw new HostileError(`proxy trap ${name}`);
  };
  return new Proxy(
    {},
    {
      // Symbol keys get an answer, so fast-check can clone and print it; every string key throws.
      get: (_target, key) => {
        if (key === fc.toStringMethod) return () => 'throwingProxy()';
        if (typeof key === 'symbol') return undefined;
        throw new HostileError(`proxy trap get ${key}`);
      },
      has: (_target, key) => {
        if (typeof key === 'symbol') return false;
        throw new HostileError(`proxy trap has ${key}`);
      },
      ownKeys: trap('ownKeys'),
      getOwnPropertyDescriptor: trap('getOwnPropertyDescriptor'),
      getPrototypeOf: trap('getPrototypeOf'),
      set: trap('set'),
      defineProperty: trap('defineProperty'),
      deleteProperty: trap('deleteProperty'),
      apply: trap('apply'),
      construct: trap('construct'),
    },
  );
}

/** Numbers that break careless code: NaN, infinities, -0, 2^31 (setTimeout's limit) and around it, huge and tiny values. */
export const oddNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, -1, 0.5, 1e-9, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE),
  fc.double(),
  fc.integer({ min: -(2 ** 31), max: 2 ** 32 }),
);

/** Durations at or beyond 2^31 ms, which setTimeout fires after ~1 ms instead (issue #11, problem 2). */
export const hugeDuration: fc.Arbitrary<number> = fc.oneof(fc.constantFrom(2 ** 31, 2 ** 31 + 1, 2 ** 32, 2 ** 53, 1e15), fc.integer({ min: 2 ** 31, max: 2 ** 40 }));

/** Anything at all a plain-JS caller could pass, hostile objects included. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true }),
  },
  { weight: 2, arbitrary: oddNumber },
  fc.constantFrom<unknown>(null, undefined, '', 'ws://', Symbol('hostile'), () => undefined, [], [null], new Date(NaN), /x/g, Promise.resolve()),
  fc.string().map((key) => throwingGetter(key === '' ? 'code' : key) as unknown),
  fc.constant(null).map(() => throwingProxy() as unknown),
);

/** A misspelling of `key`: one character dropped, doubled or swapped, or the case changed. */
export function misspell(key: string): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom('drop', 'double', 'swap', 'case'), fc.nat(Math.max(0, key.length - 2)))
    .map(([how, i]) => {
      if (how === 'drop') return key.slice(0, i) + key.slice(i + 1);
      if (how === 'double') return key.slice(0, i) + (key[i] ?? '') + key.slice(i);
      if (how === 'swap') return key.slice(0, i) + (key[i + 1] ?? '') + (key[i] ?? '') + key.slice(i + 2);
      return key.toLowerCase() === key ? key.toUpperCase() : key.toLowerCase();
    })
    .filter((spelt) => spelt !== key);
}

/** Collects unhandled rejections over a suite; asserts none at its end. */
export function collectUnhandledRejections(): readonly unknown[] {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => void seen.push(reason);
  beforeAll(() => {
    process.on('unhandledRejection', listener);
  });
  afterAll(async () => {
    // Let rejections of promises made by the last property surface first.
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.off('unhandledRejection', listener);
    expect(seen.map(describeError), 'unhandled rejections during the sweep').toEqual([]);
  });
  return seen;
}
