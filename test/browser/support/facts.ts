// FACTS.md's browser table as data: for every row, the server behaviour that
// produces it and what a page must see, including what closekit must report.
// Names, kinds and ranges are written out, not computed with closekit, so the
// suite checks the bundle rather than agreeing with itself.
import type { Step } from './plan';
import type { WireEvent } from './probe';

/** What closekit's `classify` must return for the row (besides code, reason, wasClean). */
export interface ExpectedResult {
  readonly kind: 'standard' | 'library' | 'application' | 'reserved' | 'invalid';
  readonly name: string | undefined;
  readonly range: 'unused' | 'standard' | 'future' | 'extension' | 'library' | 'application' | 'invalid';
  readonly local: boolean;
}

/** What closekit's policy must decide (defaults plus the app's `TokenExpired: 'reauth'`). */
export interface ExpectedDecision {
  readonly action: 'reconnect' | 'reauth' | 'stop';
  /** The matched rule: where it was found, under which key, from whose table. */
  readonly rule: { readonly source: string; readonly key: string; readonly origin: string };
}

export interface FactCase {
  /** A short test name. */
  readonly title: string;
  /** The FACTS.md row this case belongs to (its "the server…" cell). */
  readonly row: string;
  /** The server's behaviour, or `refused` for a port nobody listens on. */
  readonly server: readonly Step[] | 'refused';
  /** A message to send on open (the destroy/reset steps wait for it so the page surely saw `open`). */
  readonly greet?: string;
  /** What Chromium reports, per FACTS.md. */
  readonly events: readonly WireEvent[];
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  readonly opened: boolean;
  readonly result: ExpectedResult;
  readonly decision: ExpectedDecision;
  /**
   * What the server learns: the code (and reason) of the page's answering
   * close frame, or `ws`'s own 1006 when the TCP connection went away; empty
   * when no WebSocket connection was made.
   */
  readonly serverGot: readonly { readonly code: number; readonly reason?: string }[];
}

const standard = (name: string, local = false): ExpectedResult => ({ kind: 'standard', name, range: 'standard', local });
const library = (name: string | undefined): ExpectedResult => ({ kind: 'library', name, range: 'library', local: false });
const application = (name: string | undefined): ExpectedResult => ({ kind: 'application', name, range: 'application', local: false });
const reserved = (range: ExpectedResult['range']): ExpectedResult => ({ kind: 'reserved', name: undefined, range, local: false });

// DESIGN.md's default table, decision by decision.
const byCode = (action: ExpectedDecision['action'], code: number): ExpectedDecision => ({
  action,
  rule: { source: 'code', key: String(code), origin: 'defaults' },
});
const byDefault: ExpectedDecision = { action: 'reconnect', rule: { source: 'default', key: 'default', origin: 'defaults' } };
const byAppName = (action: ExpectedDecision['action'], name: string): ExpectedDecision => ({
  action,
  rule: { source: 'name', key: name, origin: 'app' },
});

const ROW_CLOSE = 'closes with 1000–1003, 1007–1014, 3000, 3999, 4000, 4001, 4999';
const ROW_RAW_PASS = 'writes a raw close frame with 999, 1004, 1016, 2000, 2999 or 5000';
const ROW_RAW_LOCAL = 'writes a raw close frame with 1005, 1006 or 1015';
const ROW_EMPTY = 'sends an empty close frame';
const ROW_BAD_UTF8 = 'sends a close reason that is not valid UTF-8';
const ROW_REJECT = 'rejects the HTTP upgrade (e.g. 401)';
const ROW_DESTROY = 'accepts, then destroys the TCP socket (or resets it)';
const ROW_REFUSED = 'refuses the TCP connection';

/** Codes `ws` sends itself, with what closekit must call them (the app contract names 4001). */
const SENT_BY_WS: readonly (readonly [number, ExpectedResult, ExpectedDecision])[] = [
  [1000, standard('NormalClosure'), byCode('stop', 1000)],
  [1001, standard('GoingAway'), byCode('reconnect', 1001)],
  [1002, standard('ProtocolError'), byCode('stop', 1002)],
  [1003, standard('UnsupportedData'), byCode('stop', 1003)],
  [1007, standard('InvalidFramePayloadData'), byCode('stop', 1007)],
  [1008, standard('PolicyViolation'), byCode('stop', 1008)],
  [1009, standard('MessageTooBig'), byCode('stop', 1009)],
  [1010, standard('MandatoryExtension'), byCode('stop', 1010)],
  [1011, standard('InternalError'), byCode('reconnect', 1011)],
  [1012, standard('ServiceRestart'), byCode('reconnect', 1012)],
  [1013, standard('TryAgainLater'), byCode('reconnect', 1013)],
  [1014, standard('BadGateway'), byCode('reconnect', 1014)],
  [3000, library('Unauthorized'), byCode('reauth', 3000)],
  [3999, library(undefined), byDefault],
  [4000, application(undefined), byDefault],
  [4001, application('TokenExpired'), byAppName('reauth', 'TokenExpired')],
  [4999, application(undefined), byDefault],
];

/** Codes `ws` refuses to send, written by hand; Chromium passes them through. */
const PASSED_THROUGH: readonly (readonly [number, ExpectedResult, ExpectedDecision])[] = [
  [999, reserved('unused'), byDefault],
  [1004, reserved('standard'), byDefault],
  [1016, reserved('future'), byDefault],
  [2000, reserved('extension'), byDefault],
  [2999, reserved('extension'), byDefault],
  [5000, { kind: 'invalid', name: undefined, range: 'invalid', local: false }, byDefault],
];

/** A close the page sees cleanly (`open`, then `close` with the server's code and reason), and answers with the same code and reason. */
const cleanClose = (fact: Pick<FactCase, 'title' | 'row' | 'server' | 'code' | 'reason' | 'result' | 'decision'>): FactCase => ({
  ...fact,
  events: ['open', 'close'],
  wasClean: true,
  opened: true,
  serverGot: [{ code: fact.code, reason: fact.reason }],
});

/** A connection that fails: the page sees 1006 with no reason, not clean; closekit calls it AbnormalClosure and reconnects under the 1006 rule. */
const abnormalClose = (fact: Pick<FactCase, 'title' | 'row' | 'server' | 'greet' | 'events' | 'opened' | 'serverGot'>): FactCase => ({
  ...fact,
  code: 1006,
  reason: '',
  wasClean: false,
  result: standard('AbnormalClosure', true),
  decision: byCode('reconnect', 1006),
});

/** Every FACTS.md browser row, one case per code or variant. */
export const FACT_CASES: readonly FactCase[] = [
  // The page echoes the server's code and reason.
  ...SENT_BY_WS.map(([code, result, decision]) =>
    cleanClose({ title: `close ${code}`, row: ROW_CLOSE, server: [{ do: 'close', code, reason: `reason ${code}` }], code, reason: `reason ${code}`, result, decision }),
  ),
  // Even a code that is invalid on the wire is echoed back.
  ...PASSED_THROUGH.map(([code, result, decision]) =>
    cleanClose({ title: `raw close frame ${code}`, row: ROW_RAW_PASS, server: [{ do: 'raw-close', code, reason: `raw ${code}` }], code, reason: `raw ${code}`, result, decision }),
  ),
  ...[1005, 1006, 1015].map((code) =>
    abnormalClose({
      title: `raw close frame ${code}`,
      row: ROW_RAW_LOCAL,
      server: [{ do: 'raw-close', code, reason: `raw ${code}` }],
      events: ['open', 'error', 'close'],
      opened: true,
      // FACTS.md: the browser replies 1002 Protocol Error (with no reason).
      serverGot: [{ code: 1002, reason: '' }],
    }),
  ),
  // Answered with an empty close frame too.
  cleanClose({
    title: 'empty close frame',
    row: ROW_EMPTY,
    server: [{ do: 'empty-close' }],
    code: 1005,
    reason: '',
    result: standard('NoStatusReceived', true),
    decision: byCode('reconnect', 1005),
  }),
  abnormalClose({
    title: 'close reason that is not UTF-8',
    row: ROW_BAD_UTF8,
    server: [{ do: 'bad-utf8-close', code: 4000 }],
    events: ['open', 'error', 'close'],
    opened: true,
    // Failing the connection, the browser says 1002 (its reason text is its own).
    serverGot: [{ code: 1002 }],
  }),
  ...[401, 403].map((status) =>
    abnormalClose({
      title: `upgrade rejected with HTTP ${status}`,
      row: ROW_REJECT,
      server: [{ do: 'reject', status }],
      events: ['error', 'close'],
      opened: false,
      serverGot: [],
    }),
  ),
  ...(['destroy', 'reset'] as const).map((action) =>
    abnormalClose({
      title: `accepted, then TCP ${action === 'destroy' ? 'destroyed' : 'reset'}`,
      row: ROW_DESTROY,
      server: [{ do: action }],
      greet: 'hello',
      events: ['open', 'close'],
      opened: true,
      // No close frame either way: `ws` reports 1006 itself.
      serverGot: [{ code: 1006, reason: '' }],
    }),
  ),
  abnormalClose({ title: 'connection refused', row: ROW_REFUSED, server: 'refused', events: ['error', 'close'], opened: false, serverGot: [] }),
];

/** The cases grouped by FACTS.md row, in table order: one test per row, one page per test. */
export const FACT_ROWS: readonly { readonly row: string; readonly cases: readonly FactCase[] }[] = FACT_CASES.reduce<{ row: string; cases: FactCase[] }[]>(
  (rows, fact) => {
    const last = rows[rows.length - 1];
    if (last !== undefined && last.row === fact.row) last.cases.push(fact);
    else rows.push({ row: fact.row, cases: [fact] });
    return rows;
  },
  [],
);
