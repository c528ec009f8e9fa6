// Sweep of closekit/testing's factories and their methods with random and
// hostile input (see support.ts for the rule): an app's tests feed them
// whatever their own code produces, and a crash inside the fake would be
// read as a bug in the app.
import fc from 'fast-check';
import { describe as suite, expect, it } from 'vitest';
import { defineCloseCodes } from '../../src/index';
import { createFakeClock, createFakeServer, createSeededRandom } from '../../src/testing';
import { SWEEP_SEED, collectUnhandledRejections, hostile, oddNumber, params, worksOrThrowsTyped } from './support';

/** How the testing kit's own argument errors begin (see worksOrThrowsTyped). */
const TESTING_ARGUMENT_ERRORS = ['createSeededRandom', 'createFakeClock', 'clock.', 'createFakeServer', 'A fake server behaviour', 'restart:', 'setAutoPong'];

collectUnhandledRejections();

const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003 });
const TYPED = ['CloseCodeError', 'SocketError', 'PolicyError'] as const;

suite(`sweep: closekit/testing (seed ${SWEEP_SEED})`, () => {
  it('createSeededRandom gives numbers in [0, 1) for any seed, or throws a typed error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), oddNumber, hostile), (seed) => {
        const made = worksOrThrowsTyped('createSeededRandom(seed)', () => createSeededRandom(seed as never), TYPED, true, TESTING_ARGUMENT_ERRORS);
        if (made.threw) return;
        const random = made.value as () => number;
        for (let i = 0; i < 5; i++) {
          const r = random();
          expect(r >= 0 && r < 1, `random() gave ${r}`).toBe(true);
        }
      }),
      params(),
    );
  });

  it('createFakeClock and its methods work or throw a typed error for any argument', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant(undefined), fc.integer(), oddNumber, hostile), fc.oneof(fc.nat(1000), oddNumber, hostile), hostile, (start, ms, callback) => {
        const made = worksOrThrowsTyped('createFakeClock(start)', () => createFakeClock(start as never), TYPED, true, TESTING_ARGUMENT_ERRORS);
        if (made.threw) return;
        const clock = made.value as ReturnType<typeof createFakeClock>;
        worksOrThrowsTyped('clock.setTimeout(callback, ms)', () => clock.setTimeout(callback as never, ms as never), TYPED, true, TESTING_ARGUMENT_ERRORS);
        worksOrThrowsTyped('clock.advance(ms)', () => clock.advance(ms as never), TYPED, true, TESTING_ARGUMENT_ERRORS);
        worksOrThrowsTyped('clock.clearTimeout(value)', () => clock.clearTimeout(callback as never), TYPED, true, TESTING_ARGUMENT_ERRORS);
        worksOrThrowsTyped('clock.runAll(limit)', () => clock.runAll(ms as never), TYPED, true, TESTING_ARGUMENT_ERRORS);
      }),
      params(),
    );
  });

  it('createFakeServer and its scripting methods work or throw a typed error for any argument', () => {
    const behaviour = fc.oneof(fc.constantFrom('accept', 'refuse', 'hang', { reject: 4001 }, { reject: 'TokenExpired' }, { reject: 1006 }, { reject: 70000 }), hostile);
    fc.assert(
      fc.property(
        fc.oneof(fc.record({ latencyMs: fc.oneof(fc.nat(100), oddNumber, hostile), default: behaviour, autoPong: fc.oneof(fc.boolean(), hostile) }, { requiredKeys: [] }), hostile),
        behaviour,
        fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.constantFrom('TokenExpired', 'Unauthorized'), oddNumber, hostile),
        fc.oneof(fc.nat(5000), oddNumber, hostile),
        (options, next, code, downForMs) => {
          const made = worksOrThrowsTyped('createFakeServer(options)', () => createFakeServer({ codes: AppCodes, ...(options as object) } as never), TYPED, true, TESTING_ARGUMENT_ERRORS);
          if (made.threw) return;
          const server = made.value as ReturnType<typeof createFakeServer>;
          worksOrThrowsTyped('server.setDefault(behaviour)', () => server.setDefault(next as never), TYPED, true, TESTING_ARGUMENT_ERRORS);
          worksOrThrowsTyped('server.rejectNext(code)', () => server.rejectNext(code as never), TYPED, true, TESTING_ARGUMENT_ERRORS);
          worksOrThrowsTyped('server.closeAll(code)', () => server.closeAll(code as never), TYPED, true, TESTING_ARGUMENT_ERRORS);
          worksOrThrowsTyped('server.restart({ downForMs })', () => server.restart({ downForMs } as never), TYPED, true, TESTING_ARGUMENT_ERRORS);
          worksOrThrowsTyped('server.setAutoPong(value)', () => server.setAutoPong(next as never), TYPED, true, TESTING_ARGUMENT_ERRORS);
        },
      ),
      params(),
    );
  });
});
