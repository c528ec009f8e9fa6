import fc from 'fast-check';
import { describe as group, expect, it } from 'vitest';
import { CLOSE_CODE_RANGES, CloseCode, classify, defineCloseCodes, describe, rangeOf, type CloseResult } from '../../src/index';

const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4029, Legacy: 3500 });

// What DESIGN.md says each band is, written out independently of src/codes.ts.
function expectedRange(code: number): CloseResult['range'] {
  if (!Number.isInteger(code) || code < 0 || code > 4999) return 'invalid';
  if (code <= 999) return 'unused';
  if (code <= 1015) return 'standard';
  if (code <= 1999) return 'future';
  if (code <= 2999) return 'extension';
  if (code <= 3999) return 'library';
  return 'application';
}

function expectedKind(code: number): CloseResult['kind'] {
  const range = expectedRange(code);
  if (range === 'invalid') return 'invalid';
  if (range === 'standard') return code === 1004 ? 'reserved' : 'standard';
  if (range === 'library' || range === 'application') return range;
  return 'reserved';
}

group('classify: every named code', () => {
  it.each([
    [1000, 'NormalClosure', false],
    [1001, 'GoingAway', false],
    [1002, 'ProtocolError', false],
    [1003, 'UnsupportedData', false],
    [1005, 'NoStatusReceived', true],
    [1006, 'AbnormalClosure', true],
    [1007, 'InvalidFramePayloadData', false],
    [1008, 'PolicyViolation', false],
    [1009, 'MessageTooBig', false],
    [1010, 'MandatoryExtension', false],
    [1011, 'InternalError', false],
    [1012, 'ServiceRestart', false],
    [1013, 'TryAgainLater', false],
    [1014, 'BadGateway', false],
    [1015, 'TLSHandshake', true],
  ] as const)('%i is standard %s (local: %s)', (code, name, local) => {
    const result = classify({ code, reason: 'r', wasClean: true }, { opened: true });
    expect(result).toEqual({ code, reason: 'r', wasClean: true, opened: true, kind: 'standard', name, range: 'standard', local });
    expect(CloseCode[name]).toBe(code);
  });

  it.each([
    [3000, 'Unauthorized'],
    [3003, 'Forbidden'],
    [3008, 'Timeout'],
  ] as const)('%i is library %s', (code, name) => {
    expect(classify({ code })).toMatchObject({ kind: 'library', name, range: 'library', local: false });
  });

  it('1004 is reserved inside the standard band, with no name', () => {
    expect(classify({ code: 1004 })).toMatchObject({ kind: 'reserved', name: undefined, range: 'standard', local: false });
  });
});

group('classify: range boundaries', () => {
  it.each([
    [0, 'reserved', 'unused'],
    [999, 'reserved', 'unused'],
    [1000, 'standard', 'standard'],
    [1015, 'standard', 'standard'],
    [1016, 'reserved', 'future'],
    [1999, 'reserved', 'future'],
    [2000, 'reserved', 'extension'],
    [2999, 'reserved', 'extension'],
    [3000, 'library', 'library'],
    [3999, 'library', 'library'],
    [4000, 'application', 'application'],
    [4999, 'application', 'application'],
    [5000, 'invalid', 'invalid'],
    [65535, 'invalid', 'invalid'],
  ] as const)('%i → kind %s, range %s', (code, kind, range) => {
    const result = classify({ code });
    expect(result.kind).toBe(kind);
    expect(result.range).toBe(range);
    expect(rangeOf(code)).toBe(range);
  });

  it('the exported range table covers 0–4999 without gaps or overlaps, and rangeOf agrees with it', () => {
    let next = 0;
    for (const band of CLOSE_CODE_RANGES) {
      expect(band.min).toBe(next);
      // rangeOf is a compare chain, not a walk over the table: each band's edges must land in it.
      expect([rangeOf(band.min), rangeOf(band.max)]).toEqual([band.range, band.range]);
      next = band.max + 1;
    }
    expect(next).toBe(5000);
  });
});

group('classify: the app contract names its codes', () => {
  it('names application and library codes from the contract', () => {
    expect(classify({ code: 4001 }, { codes: AppCodes })).toMatchObject({ kind: 'application', name: 'TokenExpired' });
    expect(classify({ code: 4002 }, { codes: AppCodes })).toMatchObject({ kind: 'application', name: undefined });
    expect(classify({ code: 3500 }, { codes: AppCodes })).toMatchObject({ kind: 'library', name: 'Legacy' });
    expect(classify({ code: 3003 }, { codes: AppCodes })).toMatchObject({ kind: 'library', name: 'Forbidden' });
  });

  it('leaves application names undefined without a contract', () => {
    expect(classify({ code: 4001 })).toMatchObject({ kind: 'application', name: undefined });
  });
});

group('classify: odd input never throws', () => {
  it('classifies all 65,536 16-bit codes as DESIGN.md says', () => {
    for (let code = 0; code <= 65535; code++) {
      const result = classify({ code, reason: '', wasClean: true }, { codes: AppCodes });
      if (result.code !== code || result.kind !== expectedKind(code) || result.range !== expectedRange(code)) {
        expect.fail(`code ${code}: got kind ${result.kind}, range ${result.range}`);
      }
      if ((result.kind === 'reserved' || result.kind === 'invalid') && result.name !== undefined) expect.fail(`code ${code} has a name`);
    }
  });

  it.each([
    ['negative', { code: -1 }],
    ['fractional', { code: 1000.5 }],
    ['NaN', { code: NaN }],
    ['+Infinity', { code: Infinity }],
    ['-Infinity', { code: -Infinity }],
    ['a string code', { code: '1000' }],
    ['no code', {}],
  ])('%s is invalid', (_label, event) => {
    const result = classify(event);
    expect(result.kind).toBe('invalid');
    expect(result.range).toBe('invalid');
    expect(result.name).toBeUndefined();
  });

  it('a synthetic CloseEvent (code 0, no reason) is reserved/unused', () => {
    expect(classify({ code: 0, reason: '', wasClean: false })).toMatchObject({ kind: 'reserved', range: 'unused', reason: '', opened: false });
  });

  it('missing or non-string reason becomes "", wasClean only when true', () => {
    expect(classify({ code: 1000 })).toMatchObject({ reason: '', wasClean: false });
    expect(classify({ code: 1000, reason: 42, wasClean: 'yes' })).toMatchObject({ reason: '', wasClean: false });
    expect(classify(null).kind).toBe('invalid');
    expect(classify(undefined).kind).toBe('invalid');
  });

  it('property: any event-like value classifies to a consistent result and describes', () => {
    fc.assert(
      fc.property(
        fc.record({ code: fc.oneof(fc.integer({ min: -70000, max: 70000 }), fc.double(), fc.anything()), reason: fc.anything(), wasClean: fc.anything() }, { requiredKeys: [] }),
        fc.boolean(),
        (event, opened) => {
          const result = classify(event, { codes: AppCodes, opened });
          const code = typeof event.code === 'number' ? event.code : NaN;
          expect(Object.is(result.code, code)).toBe(true);
          expect(result.opened).toBe(opened);
          expect(typeof result.reason).toBe('string');
          expect(result.range).toBe(expectedRange(code));
          expect(result.kind).toBe(expectedKind(code));
          expect(result.local).toBe(code === 1005 || code === 1006 || code === 1015);
          expect(describe(result)).toMatch(/\.$/);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

group('describe', () => {
  it.each([
    [{ code: 1012 }, true, 'The server is restarting (1012 Service Restart).'],
    [{ code: 1000, reason: 'bye' }, true, 'The connection was closed normally (1000 Normal Closure): "bye".'],
    [{ code: 1006 }, false, 'The connection could not be established (1006 Abnormal Closure; the browser hides why: refused, rejected handshake, DNS or TLS).'],
    [{ code: 1006 }, true, 'The connection was lost without a close frame (1006 Abnormal Closure).'],
    [{ code: 3000 }, true, 'The server requires authentication (3000 Unauthorized).'],
    [{ code: 4001, reason: 'token expired' }, true, 'The server closed the connection with application code 4001 TokenExpired: "token expired".'],
    [{ code: 4002 }, true, 'The server closed the connection with application code 4002, which the app has not named.'],
    [{ code: 2000 }, true, 'The connection closed with 2000, a code reserved for WebSocket extensions.'],
    [{ code: 5000 }, true, 'The connection closed with 5000, which is not a valid WebSocket close code.'],
  ])('%o (opened %s)', (event, opened, sentence) => {
    expect(describe(classify(event, { codes: AppCodes, opened }))).toBe(sentence);
  });
});
