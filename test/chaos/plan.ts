// The seeded fault plan. The fate of attempt k of client c depends only on
// (seed, c, k), not on the order upgrades happen to arrive in, so one seed
// replays the same faults for the same attempts.
import { createSeededRandom } from '../../src/testing';
import type { ConnectionFault, FaultPlan, UpgradeFate } from './fault-server';

/** Close codes the server uses, with weights: mostly transient, some asking for re-authentication, some final. */
const CLOSE_CODES: readonly (readonly [code: number, weight: number])[] = [
  [1001, 3],
  [1011, 2],
  [1012, 3],
  [1013, 1],
  [3008, 1],
  [4000, 2],
  [4029, 2],
  [4999, 1],
  // re-authenticate: 3000 (closekit's default) and the app's 4001
  [3000, 2],
  [4001, 2],
  // final: 1000 and 1008 (closekit's defaults), 3003, and the app's 4003
  [1000, 1],
  [1008, 1],
  [3003, 0.5],
  [4003, 1],
];

/** A weighted choice. */
function weighted<T>(random: () => number, options: readonly (readonly [T, number])[]): T {
  const total = options.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [value, weight] of options) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return (options[options.length - 1] as readonly [T, number])[0];
}

/** Mixes the seed with the client and attempt into one 32-bit seed. */
const mix = (seed: number, client: number, attempt: number): number => (Math.imul(seed ^ 0x9e3779b9, 31) + Math.imul(client + 1, 0x85ebca6b) + Math.imul(attempt + 1, 0xc2b2ae35)) | 0;

/** The plan for one run: `hasHeartbeat(c)` says whether client c can notice half-open silence. */
export function createFaultPlan(seed: number, hasHeartbeat: (client: number) => boolean): FaultPlan {
  return (client, attempt): UpgradeFate => {
    const random = createSeededRandom(mix(seed, client, attempt));
    const code = (): number => weighted(random, CLOSE_CODES);
    const kind = weighted(random, [
      ['accept', 62],
      ['close-at-once', 14],
      ['http 401', 6],
      ['http 503', 6],
      ['stall', 6],
      ['destroy-at-once', 6],
    ] as const);
    switch (kind) {
      case 'close-at-once':
        return { kind, code: code() };
      case 'http 401':
        return { kind: 'http', status: 401 };
      case 'http 503':
        return { kind: 'http', status: 503 };
      case 'stall':
      case 'destroy-at-once':
        return { kind };
      case 'accept':
        break;
    }
    const afterMessages = Math.floor(random() * 10);
    const afterMs = 80 + Math.floor(random() * 1400);
    const faultKind = weighted(random, [
      ['none', 25],
      ['close', 40],
      ['destroy', 15],
      ['silence', 20],
    ] as const);
    const fault: ConnectionFault =
      faultKind === 'none'
        ? { kind: 'none' }
        : faultKind === 'close' || (faultKind === 'silence' && !hasHeartbeat(client))
          ? { kind: 'close', code: code(), afterMessages, afterMs }
          : { kind: faultKind, afterMessages, afterMs };
    return { kind: 'accept', fault, greet: random() < 0.3, batchAcks: random() < 0.4 };
  };
}
