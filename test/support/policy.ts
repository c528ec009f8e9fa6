// Tests write a socket's policy as createPolicy's options, next to the rest of
// its options; createSocket itself takes a compiled policy (so that apps
// without rules never bundle the rule compiler). This compiles it the way an
// app would, with the socket's preset, codes and random as the defaults the
// test's own policy options override.
import { createPolicy } from '../../src/policy';
import type { Policy, PolicyOptions, Preset } from '../../src/policy/types';
import type { RandomSource } from '../../src/environment';
import type { CloseCodeContract } from '../../src/codes';

/** Options of type `T` whose `policy` may also be createPolicy's options. */
export type WithPolicyOptions<T> = Omit<T, 'policy'> & { readonly policy?: Policy<string> | PolicyOptions };

interface Compilable {
  readonly policy?: unknown;
  readonly preset?: unknown;
  readonly codes?: unknown;
  readonly random?: unknown;
}

/**
 * `options` with `policy` compiled by createPolicy when it is given as options
 * (or, with a `random` and a preset, the preset's rules drawn with that random).
 */
export function compilePolicy<T>(options: T): T {
  const { policy, preset, codes, random } = options as Compilable;
  const given = policy as { decide?: unknown } | undefined;
  // Anything but a plain object of options (a policy, or a wrong value a test hands over on purpose) goes through as it is.
  const isOptions = typeof given === 'object' && given !== null && !Array.isArray(given) && typeof given.decide !== 'function';
  if (given !== undefined ? !isOptions : typeof preset !== 'object' || preset === null || random === undefined) return options;
  return {
    ...options,
    policy: createPolicy({
      ...(preset !== undefined && { preset: preset as Preset }),
      ...(codes !== undefined && { codes: codes as CloseCodeContract }),
      ...(random !== undefined && { random: random as RandomSource }),
      ...(given as PolicyOptions),
    }),
  };
}
