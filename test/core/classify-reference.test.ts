// classify, nameOfCode and retryAfterOf were made smaller (issue #13: classify alone ≤ 560 B gzip).
// The implementations they replaced are kept here, verbatim in behaviour, as the oracle: the
// smaller code must answer exactly what they answered, for every code and for hostile input.
import fc from 'fast-check';
import { describe as group, expect, it } from 'vitest';
import { CloseCode, classify, defineCloseCodes, nameOfCode, rangeOf, type CloseCodeName, type CloseResult } from '../../src/index';
import { retryAfterOf } from '../../src/retry-hint';
import { hostile, oddNumber, throwingGetter, throwingProxy } from '../sweep/support';

// ---- the reference implementations (as they were before the size work) -------------------------

const referenceNames: Partial<Record<number, CloseCodeName>> = {};
for (const name in CloseCode) referenceNames[CloseCode[name as CloseCodeName]] = name as CloseCodeName;

function referenceNameOfCode(code: number): CloseCodeName | undefined {
  return typeof code === 'number' ? referenceNames[code] : undefined;
}

const REFERENCE_HINT = /(?:^| )retry-after=(\d{1,7})(m?s)$/;

function referenceRetryAfterOf(reason: string): number | undefined {
  const match = reason.indexOf('retry-after=') === reason.lastIndexOf('retry-after=') && REFERENCE_HINT.exec(reason);
  return match ? Number(match[1]) * (match[2] === 's' ? 1000 : 1) : undefined;
}

function referenceClassify(event: unknown, options?: unknown): CloseResult {
  const e = event as { code?: unknown; reason?: unknown; wasClean?: unknown } | null | undefined;
  const o = options as { opened?: unknown; codes?: { nameOf?: unknown } } | null | undefined;
  let rawCode: unknown;
  let rawReason: unknown;
  let clean: unknown;
  let opened: unknown;
  let appName: unknown;
  try {
    rawCode = e?.code;
    rawReason = e?.reason;
    clean = e?.wasClean;
  } catch {}
  const reason = typeof rawReason === 'string' ? rawReason : '';
  const code = typeof rawCode === 'number' ? rawCode : NaN;
  const range = rangeOf(code);
  const custom = range === 'library' || range === 'application';
  try {
    opened = o?.opened;
    if (custom) appName = (o?.codes?.nameOf as ((code: number) => unknown) | undefined)?.(code);
  } catch {}
  const name = (typeof appName === 'string' ? appName : undefined) ?? referenceNameOfCode(code);
  const kind = custom ? range : range === 'standard' && name !== undefined ? 'standard' : range === 'invalid' ? 'invalid' : 'reserved';
  return {
    code,
    reason,
    wasClean: clean === true,
    opened: opened === true,
    kind,
    name,
    range,
    local: code === 1005 || code === 1006 || code === 1015,
    retryAfterMs: referenceRetryAfterOf(reason),
  } as CloseResult;
}

// ---- inputs ---------------------------------------------------------------------------------------

const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4029, Legacy: 3500, Timeout: 3008 });

/** Reasons near the hint grammar: a valid hint, its near misses, and anything. */
const reason: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc
    .tuple(
      fc.constantFrom('', 'busy ', 'busy;', 'x\n', 'retry-after=1s ', '€ '),
      fc.constantFrom('retry-after=', 'Retry-After=', 'retry-after:', 'retry-after=retry-after='),
      fc.oneof(fc.stringMatching(/^\d{0,9}$/), fc.constantFrom('-5', '+5', '1.5', '1e3', '0x10', '\u0665')),
      fc.constantFrom('s', 'ms', 'm', 'S', '', ' s', 's ', 'ss', 'mms'),
    )
    .map((parts) => parts.join('')),
);

const code: fc.Arbitrary<unknown> = fc.oneof(fc.integer({ min: -1, max: 65536 }), fc.integer({ min: 990, max: 1020 }), fc.integer({ min: 2990, max: 3010 }), oddNumber, hostile);

const event: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ code, reason: fc.oneof(reason, hostile), wasClean: fc.oneof(fc.boolean(), hostile) }, { requiredKeys: [] }) },
  hostile,
  fc.constantFrom('code', 'reason', 'wasClean').map((key) => throwingGetter(key, { code: 3000, reason: 'retry-after=5s', wasClean: true }) as unknown),
);

/** A nameOf that answers anything, or throws. */
const nameOf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(AppCodes.nameOf),
  fc.anything().map((answer) => () => answer),
  fc.constant(() => {
    throw new Error('nameOf failed');
  }),
  hostile,
);

const options: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.record({ codes: fc.oneof(fc.constant(AppCodes as unknown), fc.record({ nameOf }), hostile), opened: fc.oneof(fc.boolean(), hostile) }, { requiredKeys: [] }),
  fc.constantFrom('opened', 'codes').map((key) => throwingGetter(key, { opened: true, codes: AppCodes }) as unknown),
  fc.constant(null).map(() => throwingProxy() as unknown),
  hostile,
);

// ---- the comparisons ------------------------------------------------------------------------------

group('the compact forms agree with what they replaced', () => {
  it('nameOfCode agrees with CloseCode for every 16-bit code, its neighbours and fractions', () => {
    for (let value = -70_000; value <= 70_000; value++) {
      for (const candidate of [value, value + 0.5, value - 1e-9]) {
        if (nameOfCode(candidate) !== referenceNameOfCode(candidate)) expect.fail(`nameOfCode(${candidate}): ${nameOfCode(candidate)}, expected ${referenceNameOfCode(candidate)}`);
      }
    }
    for (const [name, value] of Object.entries(CloseCode)) expect(nameOfCode(value)).toBe(name);
    expect(Object.keys(CloseCode)).toHaveLength(18);
  });

  it('nameOfCode agrees for anything else a caller can pass', () => {
    for (const value of [NaN, Infinity, -Infinity, -0, '1000', '3000', 1000n, null, undefined, {}, [1000], Number.MAX_VALUE]) {
      expect(nameOfCode(value as number)).toBe(referenceNameOfCode(value as number));
    }
    fc.assert(
      fc.property(fc.oneof(oddNumber, hostile), (value) => {
        expect(nameOfCode(value as number)).toBe(referenceNameOfCode(value as number));
      }),
      { numRuns: 2000 },
    );
  });

  it('retryAfterOf answers what the previous parser answered, for any reason', () => {
    fc.assert(
      fc.property(reason, (text) => {
        expect(retryAfterOf(text)).toBe(referenceRetryAfterOf(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('classify answers what the previous classify answered for all 65,536 codes, with and without a contract', () => {
    for (let value = 0; value <= 65535; value++) {
      for (const opts of [undefined, { codes: AppCodes, opened: true }]) {
        const event = { code: value, reason: 'bye retry-after=2s', wasClean: true };
        const got = classify(event, opts);
        const want = referenceClassify(event, opts);
        if (got.kind !== want.kind || got.name !== want.name || got.range !== want.range || got.local !== want.local) {
          expect(got, `code ${value}`).toStrictEqual(want);
        }
      }
    }
    expect(classify({ code: 4029, reason: 'retry-after=250ms' }, { codes: AppCodes })).toStrictEqual(referenceClassify({ code: 4029, reason: 'retry-after=250ms' }, { codes: AppCodes }));
  });

  it('classify answers what the previous classify answered for hostile events and options (same fields, same reads)', () => {
    fc.assert(
      fc.property(event, options, (e, o) => {
        expect(classify(e as never, o as never)).toStrictEqual(referenceClassify(e, o));
      }),
      { numRuns: 5000 },
    );
  });

  it('a field that cannot be read loses only its own group of reads', () => {
    const codes = { opened: true, codes: AppCodes };
    // The event's fields are read together, then the options: a throwing code getter still lets `opened` through.
    expect(classify(throwingGetter('code', { reason: 'x', wasClean: true }) as never, codes)).toStrictEqual(referenceClassify(throwingGetter('code', { reason: 'x', wasClean: true }), codes));
    expect(classify(throwingGetter('code') as never, codes)).toMatchObject({ kind: 'invalid', opened: true, reason: '' });
    // A throwing `opened` getter leaves the event's fields and the IANA name.
    expect(classify({ code: 3000, reason: 'r', wasClean: true }, throwingGetter('opened', { codes: AppCodes }) as never)).toMatchObject({
      name: 'Unauthorized',
      reason: 'r',
      wasClean: true,
      opened: false,
    });
    // A nameOf that throws names nothing of the app's, but the IANA name stays.
    const throwingNameOf = {
      opened: true,
      codes: {
        nameOf: () => {
          throw new Error('no');
        },
      },
    };
    expect(classify({ code: 3008 }, throwingNameOf as never)).toMatchObject({ kind: 'library', name: 'Timeout', opened: true });
    expect(classify({ code: 4001 }, throwingNameOf as never)).toMatchObject({ kind: 'application', name: undefined, opened: true });
  });
});
