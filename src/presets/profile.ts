import { createPolicy } from '../policy/createPolicy';
import type { Profile } from './types';

/**
 * A protocol profile, frozen, with its rules compiled once into `policy`: a
 * socket given the profile decides with it and needs no compiler of its own.
 */
export function profile(data: Omit<Profile, 'policy'>): Profile {
  return Object.freeze({ ...data, policy: createPolicy({ preset: data }) });
}
