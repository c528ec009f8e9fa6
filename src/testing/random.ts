/**
 * A seeded random source in [0, 1) for the `random` option of `createPolicy`
 * and `createSocket`: the same seed gives the same jittered delays on every
 * run, so a test can assert exact waits and a failure replays exactly.
 * (mulberry32: small and fast; not for anything that needs secrecy.)
 *
 * @example
 * const socket = createSocket(url, { WebSocket: server.WebSocket, clock, timers: clock, random: createSeededRandom(42) });
 */
export function createSeededRandom(seed: number): () => number {
  if (typeof seed !== 'number') throw new TypeError(`createSeededRandom: seed must be a number, got ${typeof seed}.`);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
