// Sweep of the pure entry points: classify, describe, defineCloseCodes, the
// code helpers, the close/reason validators and the backoff functions, with
// random and hostile input (see support.ts for the rule).
import fc from 'fast-check';
import { describe as suite, expect, it } from 'vitest';
import {
  baseDelayMs,
  classify,
  computeDelay,
  createBackoff,
  defineCloseCodes,
  describe,
  expectedDelayMs,
  isClientCloseCode,
  isSendableCode,
  nameOfCode,
  rangeOf,
  resolveBackoff,
  utf8ByteLength,
  validateClientClose,
  validateReason,
} from '../../src/index';
import { SWEEP_SEED, collectUnhandledRejections, hostile, neverThrows, oddNumber, params, throwingGetter, throwingProxy, worksOrThrowsTyped } from './support';

collectUnhandledRejections();

const KINDS = ['standard', 'library', 'application', 'reserved', 'invalid'];
const RANGES = ['unused', 'standard', 'future', 'extension', 'library', 'application', 'invalid'];
const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4029 });

/** A CloseEvent-like value: a real-looking one with odd fields, or anything at all. */
const closeEvent: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ code: fc.oneof(fc.integer({ min: 0, max: 65535 }), oddNumber, hostile), reason: fc.oneof(fc.string(), hostile), wasClean: fc.oneof(fc.boolean(), hostile) }, { requiredKeys: [] }),
  hostile,
  fc.constantFrom('code', 'reason', 'wasClean').map((key) => throwingGetter(key, { code: 1000 }) as unknown),
);

/** classify's options: real ones, contracts that are not from defineCloseCodes, or anything. */
const classifyOptions: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.record({ codes: fc.oneof(fc.constant(AppCodes as unknown), hostile, fc.constant({ Unauthorized: 4001 })), opened: fc.oneof(fc.boolean(), hostile) }, { requiredKeys: [] }),
  hostile,
);

suite(`sweep: classify, describe and the code helpers (seed ${SWEEP_SEED})`, () => {
  it('classify never throws, for any event and any options, and always answers a well-formed result', () => {
    fc.assert(
      fc.property(closeEvent, classifyOptions, (event, options) => {
        // docs/guarantees.md: unreadable fields count as missing, a `codes` that is not a contract names nothing.
        const r = neverThrows('classify(event, options)', () => classify(event as never, options as never)) as unknown as Record<string, unknown>;
        expect(KINDS).toContain(r['kind']);
        expect(RANGES).toContain(r['range']);
        expect(typeof r['code']).toBe('number');
        expect(typeof r['reason']).toBe('string');
        expect(typeof r['wasClean']).toBe('boolean');
        expect(typeof r['opened']).toBe('boolean');
      }),
      params(500),
    );
  });

  it('classify without options never throws for any event', () => {
    fc.assert(
      fc.property(closeEvent, (event) => {
        neverThrows('classify(event)', () => classify(event as never));
      }),
      params(300),
    );
  });

  it('describe gives one non-empty sentence for every result classify can make', () => {
    fc.assert(
      fc.property(closeEvent, fc.boolean(), fc.boolean(), (event, opened, withCodes) => {
        const result = neverThrows('classify(event)', () => classify(event as never, withCodes ? { codes: AppCodes, opened } : { opened }));
        const sentence = neverThrows('describe(classify(event))', () => describe(result));
        expect(sentence.length).toBeGreaterThan(0);
      }),
      params(300),
    );
  });

  it('describe of something that is not a result works or throws a typed error', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        worksOrThrowsTyped('describe(value)', () => describe(value as never), ['CloseCodeError']);
      }),
      params(),
    );
  });

  it('rangeOf never throws (documented: whatever is passed); nameOfCode, isSendableCode and isClientCloseCode work or throw a typed error', () => {
    fc.assert(
      fc.property(fc.oneof(oddNumber, hostile), (code) => {
        expect(RANGES).toContain(neverThrows('rangeOf', () => rangeOf(code as never)));
        const name = worksOrThrowsTyped('nameOfCode', () => nameOfCode(code as never), ['CloseCodeError']);
        if (!name.threw) expect(name.value === undefined || typeof name.value === 'string').toBe(true);
        const sendable = worksOrThrowsTyped('isSendableCode', () => isSendableCode(code as never), ['CloseCodeError']);
        if (!sendable.threw) expect(typeof sendable.value).toBe('boolean');
        const client = worksOrThrowsTyped('isClientCloseCode', () => isClientCloseCode(code as never), ['CloseCodeError']);
        if (!client.threw) expect(typeof client.value).toBe('boolean');
      }),
      params(),
    );
  });

  it('defineCloseCodes accepts a valid map or throws a CloseCodeError', () => {
    const entry = fc.tuple(fc.oneof(fc.string(), fc.constantFrom('', ' ', '__proto__', 'constructor', 'toString')), fc.oneof(fc.integer({ min: 2990, max: 5010 }), oddNumber, hostile));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(entry, { maxLength: 6 }).map((entries) => Object.fromEntries(entries) as unknown),
          hostile,
        ),
        (map) => {
          const result = worksOrThrowsTyped('defineCloseCodes(map)', () => defineCloseCodes(map as never), ['CloseCodeError']);
          if (result.threw) return;
          // What it accepted is a working contract: every name maps to its code and back.
          const contract = result.value as ReturnType<typeof defineCloseCodes>;
          for (const name of contract.names) {
            const code = contract.codeOf(name as never);
            expect(Number.isInteger(code) && code >= 3000 && code <= 4999).toBe(true);
            expect(contract.nameOf(code)).toBe(name);
          }
        },
      ),
      params(),
    );
  });

  it("a contract's lookups work or throw a typed error for any argument", () => {
    fc.assert(
      fc.property(hostile, (value) => {
        worksOrThrowsTyped('contract.nameOf', () => AppCodes.nameOf(value as never), []);
        worksOrThrowsTyped('contract.has', () => AppCodes.has(value as never), []);
        worksOrThrowsTyped('contract.codeOf', () => AppCodes.codeOf(value as never), ['CloseCodeError']);
      }),
      params(),
    );
  });

  it('validateClientClose and validateReason accept or throw a CloseCodeError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 5100 }), oddNumber, hostile), fc.oneof(fc.string({ unit: 'binary', maxLength: 130 }), hostile), (code, reason) => {
        worksOrThrowsTyped('validateClientClose(code, reason)', () => validateClientClose(code, reason), ['CloseCodeError']);
        worksOrThrowsTyped('validateReason(reason)', () => validateReason(reason), ['CloseCodeError']);
      }),
      params(),
    );
  });

  it('utf8ByteLength works for any string and throws a typed error for anything else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), hostile), (text) => {
        const result = worksOrThrowsTyped('utf8ByteLength(text)', () => utf8ByteLength(text as never), ['CloseCodeError']);
        if (typeof text === 'string') expect(result.threw).toBe(false);
      }),
      params(),
    );
  });
});

suite(`sweep: backoff functions (seed ${SWEEP_SEED})`, () => {
  const backoffOptions: fc.Arbitrary<unknown> = fc.oneof(
    fc.record(
      {
        initialMs: fc.oneof(fc.integer({ min: 0, max: 60_000 }), oddNumber, hostile),
        maxMs: fc.oneof(fc.integer({ min: 0, max: 60_000 }), oddNumber, hostile),
        factor: fc.oneof(fc.double({ min: 1, max: 10, noNaN: true }), oddNumber, hostile),
        jitter: fc.oneof(fc.constantFrom('none', 'full', 'equal', 'decorrelated'), hostile),
        minMs: fc.oneof(fc.integer({ min: 0, max: 60_000 }), oddNumber, hostile),
      },
      { requiredKeys: [] },
    ),
    hostile,
  );

  it('createBackoff and resolveBackoff validate with a PolicyError; what they accept gives delays that are whole ms in [minMs, maxMs] and below 2^31', () => {
    fc.assert(
      fc.property(backoffOptions, fc.oneof(fc.integer({ min: -5, max: 100 }), oddNumber, hostile), fc.oneof(oddNumber, hostile), (options, attempt, previous) => {
        worksOrThrowsTyped('resolveBackoff(options)', () => resolveBackoff(options), ['PolicyError']);
        const made = worksOrThrowsTyped('createBackoff(options)', () => createBackoff(options as never, () => 0.5), ['PolicyError']);
        if (made.threw) return;
        const backoff = made.value as ReturnType<typeof createBackoff>;
        const delay = neverThrows('backoff.delay', () => backoff.delay(attempt as never, previous as never));
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(backoff.options.minMs);
        expect(delay).toBeLessThanOrEqual(backoff.options.maxMs);
        // A delay is handed to setTimeout: from 2^31 ms on it fires at once (issue #11, problem 2).
        expect(delay).toBeLessThan(2 ** 31);
      }),
      params(),
    );
  });

  it('computeDelay, baseDelayMs and expectedDelayMs never throw, and answer a number of ms, for any argument', () => {
    // Settings objects of the right shape with wrong, odd or unreadable fields, besides everything hostile.
    const field = fc.oneof(fc.constant(undefined), hostile, fc.double(), fc.constantFrom('none', 'full', 'equal', 'decorrelated'));
    const oddSettings = fc.record({ initialMs: field, maxMs: field, factor: field, jitter: field, minMs: field }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 50 }), hostile), fc.oneof(fc.constant(undefined), hostile, oddSettings), hostile, (attempt, backoff, random) => {
        const delay = neverThrows('computeDelay', () => computeDelay(attempt as never, backoff as never, random as never));
        expect(Number.isInteger(delay) && delay >= 0 && delay < 2 ** 31, `computeDelay answered ${delay}`).toBe(true);
        for (const [name, value] of [
          ['baseDelayMs', neverThrows('baseDelayMs', () => baseDelayMs(attempt as never, backoff as never))],
          ['expectedDelayMs', neverThrows('expectedDelayMs', () => expectedDelayMs(attempt as never, backoff as never))],
        ] as const) {
          expect(Number.isFinite(value) && value >= 0, `${name} answered ${value}`).toBe(true);
        }
      }),
      params(),
    );
  });

  it('the delay functions read settings with throwing getters as defaults', () => {
    const trap = Object.defineProperty({}, 'jitter', {
      get() {
        throw new Error('x');
      },
    });
    expect(computeDelay(1, trap as never, () => 0.5)).toBe(250);
    expect(baseDelayMs(1, trap as never)).toBe(500);
    expect(expectedDelayMs(1, trap as never)).toBe(250);
    expect(computeDelay(1, { initialMs: 'x', maxMs: Number.NaN, factor: -1, jitter: 'none', minMs: null } as never)).toBe(500);
  });

  it('a random source that throws or answers nonsense never breaks a delay', () => {
    const random = fc.oneof(
      fc.constant(() => {
        throw new Error('random failed');
      }),
      fc.constant(() => NaN),
      fc.constant(() => -1),
      fc.constant(() => 7),
      fc.constant(() => 'x'),
      fc.constant(() => throwingProxy()),
    );
    fc.assert(
      fc.property(random, fc.integer({ min: 1, max: 40 }), fc.constantFrom('full', 'equal', 'decorrelated'), (source, attempt, jitter) => {
        const backoff = createBackoff({ jitter }, source as never);
        const delay = neverThrows('backoff.delay', () => backoff.delay(attempt));
        expect(Number.isInteger(delay) && delay >= 0 && delay <= 30_000).toBe(true);
      }),
      params(100),
    );
  });
});
