// The seeded chaos run of issue #11 (see run.ts for what it does and checks).
// A failure prints the seed; replay it with CLOSEKIT_CHAOS_SEED=<seed>.
import { describe, expect, it } from 'vitest';
import { runChaos } from './run';

const given = process.env['CLOSEKIT_CHAOS_SEED'];
const seed = given !== undefined && given !== '' ? Number(given) : Math.floor(Math.random() * 2 ** 31);

describe('chaos: real ws server with seeded faults, tens of undici clients', () => {
  it(`keeps every promise (seed ${seed})`, { timeout: 50_000 }, async () => {
    expect(Number.isSafeInteger(seed), `CLOSEKIT_CHAOS_SEED must be an integer, got ${given}`).toBe(true);
    const { violations, figures } = await runChaos({ seed, clients: 32, chaosMs: 6000, settleMs: 10_000 });
    const summary = figures.join('\n  ');
    console.log(`chaos run\n  ${summary}`);
    const shown = violations.slice(0, 40).join('\n  ') + (violations.length > 40 ? `\n  … and ${violations.length - 40} more` : '');
    expect(violations.length, `chaos run broke promises (seed ${seed})\n  ${summary}\n violations:\n  ${shown}\n`).toBe(0);
  });
});
