// FACTS.md's browser table as data: for every row, the server behaviour that
// produces it and what a page must see, including what closekit must report.
// Names, kinds and ranges are written out, not computed with closekit, so the
// suite checks the bundle rather than agreeing with itself.
import type { EngineName } from './locate';
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
  /** What the page reports (Chromium's, per FACTS.md, unless an engine difference below says otherwise). */
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
export const FACT_ROWS: readonly { readonly row: string; readonly cases: readonly FactCase[] }[] = FACT_CASES.reduce<{ row: string; cases: FactCase[] }[]>((rows, fact) => {
  const last = rows[rows.length - 1];
  if (last !== undefined && last.row === fact.row) last.cases.push(fact);
  else rows.push({ row: fact.row, cases: [fact] });
  return rows;
}, []);

/** The code the server put in its close frame. */
function sentCode(fact: FactCase): number {
  const step = fact.server === 'refused' ? undefined : fact.server[0];
  return step !== undefined && 'code' in step ? step.code : fact.code;
}

/** One way an engine differs from Chromium on some FACTS cases. */
export interface EngineDifference {
  /** The FACT_CASES titles it applies to. */
  readonly cases: readonly string[];
  /** What differs, in words (docs/browser-support.md says the same). */
  readonly difference: string;
  /**
   * The engine's case, from Chromium's. Several when the engine varies from
   * run to run: the test picks the one whose events match what the page saw,
   * and every field of that one must hold.
   */
  readonly outcomes: readonly ((fact: FactCase) => FactCase)[];
}

/** Every way Firefox and WebKitGTK differ from Chromium here, as measured by facts.test.ts. A difference that stops being true fails. */
export const ENGINE_DIFFERENCES: Readonly<Record<EngineName, readonly EngineDifference[]>> = {
  chromium: [],
  firefox: [
    {
      cases: ['raw close frame 1005', 'raw close frame 1006', 'raw close frame 1015'],
      difference:
        'Firefox passes a raw 1005, 1006 or 1015 from the wire through as a clean close with that code and reason (no error event) and answers with an empty close frame; ' +
        'closekit classifies it as the standard code (local: true, wasClean: true) and the default policy reconnects on 1005 and 1006 but stops on 1015 (TLS handshake), where Chromium reports 1006 and reconnects.',
      outcomes: [
        (fact) => {
          const code = sentCode(fact);
          const names: Record<number, string> = { 1005: 'NoStatusReceived', 1006: 'AbnormalClosure', 1015: 'TLSHandshake' };
          return {
            ...fact,
            events: ['open', 'close'],
            code,
            reason: `raw ${code}`,
            wasClean: true,
            result: standard(names[code] ?? '?', true),
            decision: byCode(code === 1015 ? 'stop' : 'reconnect', code),
            serverGot: [{ code: 1005, reason: '' }],
          };
        },
      ],
    },
    {
      cases: ['close reason that is not UTF-8'],
      difference:
        'Firefox fails the connection (error, then 1006, not clean) without answering with a close frame, and sometimes before the page saw `open` (the 101 and the close frame arrive together): then closekit reports opened: false. Either way the 1006 rule reconnects.',
      outcomes: [(fact) => ({ ...fact, serverGot: [] }), (fact) => ({ ...fact, events: ['error', 'close'], opened: false, serverGot: [] })],
    },
    {
      cases: ['accepted, then TCP reset'],
      difference: 'Firefox fires `error` before `close` when an open connection is reset; Chromium fires no error event. The close and what closekit makes of it are the same.',
      outcomes: [(fact) => ({ ...fact, events: ['open', 'error', 'close'] })],
    },
  ],
  webkit: [
    {
      cases: ['close 1012', 'close 1013', 'close 1014'],
      difference:
        'WebKitGTK (libsoup) fails the connection on a well-formed 1012, 1013 or 1014 close from the server: error, then 1006, not clean, and it answers 1002. ' +
        'closekit sees AbnormalClosure and reconnects under the 1006 rule: the app loses the code (a 1013 no longer keeps its 5 s floor, a 1012 rule does not apply).',
      outcomes: [(fact) => ({ ...abnormalClose({ ...fact, events: ['open', 'error', 'close'], serverGot: [{ code: 1002, reason: '' }] }) })],
    },
    {
      cases: ['raw close frame 999', 'raw close frame 1004', 'raw close frame 1016', 'raw close frame 2000', 'raw close frame 2999', 'raw close frame 5000'],
      difference:
        'WebKitGTK fails the connection on a close code that is invalid on the wire (error, then 1006, not clean; it answers 1002) where Chromium and Firefox pass the code through; closekit reconnects under the 1006 rule instead of the default rule.',
      outcomes: [(fact) => ({ ...abnormalClose({ ...fact, events: ['open', 'error', 'close'], serverGot: [{ code: 1002, reason: '' }] }) })],
    },
    {
      cases: ['empty close frame'],
      difference: 'WebKitGTK answers an empty close frame with 1000 (Chromium and Firefox answer with an empty one). The page sees the same 1005, clean.',
      outcomes: [(fact) => ({ ...fact, serverGot: [{ code: 1000, reason: '' }] })],
    },
    {
      cases: ['accepted, then TCP reset'],
      difference: 'WebKitGTK fires `error` before `close` when an open connection is reset; Chromium fires no error event. The close and what closekit makes of it are the same.',
      outcomes: [(fact) => ({ ...fact, events: ['open', 'error', 'close'] })],
    },
  ],
};

/** A FACTS case in one engine: the outcomes it may show (one, unless the engine varies from run to run). */
export interface EngineFact {
  readonly title: string;
  readonly outcomes: readonly FactCase[];
  /** The difference from Chromium that applies, if any. */
  readonly difference: string | undefined;
}

/** Picks the outcome whose events match what the page saw (else the first, so a mismatch is reported against it). */
export function outcomeFor(fact: EngineFact, events: readonly string[]): FactCase {
  const same = fact.outcomes.find((outcome) => outcome.events.join() === events.join());
  return same ?? (fact.outcomes[0] as FactCase);
}

/** FACT_ROWS as one engine shows them: each case with the engine's own outcome(s). */
export function factRowsFor(engine: EngineName): readonly { readonly row: string; readonly cases: readonly EngineFact[] }[] {
  const differences = ENGINE_DIFFERENCES[engine];
  for (const { cases } of differences) {
    for (const title of cases) if (!FACT_CASES.some((fact) => fact.title === title)) throw new Error(`ENGINE_DIFFERENCES.${engine}: no FACTS case ${JSON.stringify(title)}`);
  }
  return FACT_ROWS.map(({ row, cases }) => ({
    row,
    cases: cases.map((fact) => {
      const applies = differences.find((entry) => entry.cases.includes(fact.title));
      return applies === undefined
        ? { title: fact.title, outcomes: [fact], difference: undefined }
        : { title: fact.title, outcomes: applies.outcomes.map((outcome) => outcome(fact)), difference: applies.difference };
    }),
  }));
}
