// Parity: the same probes (./support/probe.ts) run against the same server in
// Chromium and in Node with undici's WebSocket, both through the built dist/.
// Where the runtimes agree, their observations must be identical, down to the
// classified result and the decision. Where they truly differ, the difference
// is written out below, and a difference that stops being true fails too.
import { WebSocket as UndiciWebSocket } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importDist } from './support/bundle';
import { FACT_CASES, FACT_ROWS, type FactCase } from './support/facts';
import { actInPage, clientCloseInPage, eventsInPage, observeInPage, startSocketInPage, waitForInPage } from './support/page';
import { planUrl } from './support/plan';
import { clientClose, observe, type Observation, type Runtime } from './support/probe';
import { refusedUrl } from './support/server';
import * as driver from './support/socket-driver';
import { describeEngines, useEngineSuite } from './support/suite';

/** One run of a FACTS case in one runtime, plus how many upgrade requests the server got for it. */
interface Run extends Observation {
  readonly upgradeRequests: number;
}

type DeepPartial<T> = { readonly [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object | null ? DeepPartial<T[K]> : T[K] };

interface ExpectedDifference {
  /** The FACTS cases (by title) where Node differs from Chromium. */
  readonly cases: readonly string[];
  /** What differs, in words. */
  readonly difference: string;
  /** What Node reports instead, over Chromium's observation. */
  readonly node: DeepPartial<Run>;
}

const abnormal: DeepPartial<Run> = {
  events: ['open', 'error', 'close'],
  close: { code: 1006, reason: '', wasClean: false },
  result: { code: 1006, reason: '', wasClean: false, kind: 'standard', name: 'AbnormalClosure', range: 'standard', local: true },
  decision: { rule: { source: 'code', key: '1006', origin: 'defaults' } },
};

/** Every way undici's WebSocket (Node) and Chromium are known to differ here. */
const EXPECTED_DIFFERENCES: readonly ExpectedDifference[] = [
  {
    cases: ['raw close frame 999', 'raw close frame 1004', 'raw close frame 1016', 'raw close frame 2000', 'raw close frame 2999', 'raw close frame 5000'],
    difference:
      'Chromium passes a close code that is invalid on the wire through to CloseEvent.code (clean close); undici fails the connection instead: error, then 1006 with wasClean false — so closekit classifies it AbnormalClosure and reconnects under the 1006 rule, not the default rule.',
    node: abnormal,
  },
  {
    cases: ['accepted, then TCP destroyed', 'accepted, then TCP reset'],
    difference: 'when an open connection loses TCP, undici fires `error` before `close`; Chromium fires no `error` event. The close and what closekit makes of it are the same.',
    node: { events: ['open', 'error', 'close'] },
  },
  {
    cases: ['upgrade rejected with HTTP 401'],
    difference:
      'undici sends an upgrade request that the server rejects with 401 a second time, for one `new WebSocket()`; Chromium sends it once. Count attempts on the client side, never at the server.',
    node: { upgradeRequests: 2 },
  },
];

const differenceFor = (title: string): ExpectedDifference | undefined => EXPECTED_DIFFERENCES.find((entry) => entry.cases.includes(title));

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `base` with `patch` laid over it: objects merge key by key, anything else replaces. */
function overlay<T>(base: T, patch: DeepPartial<T>): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch as T;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) merged[key] = overlay(base[key], value as never);
  return merged as T;
}

// Node against Chromium only: Firefox and WebKitGTK are held to their own rows in facts.test.ts.
describeEngines(
  'parity with Node (undici) through dist/',
  (engine) => {
    const suite = useEngineSuite(engine);
    let node: Runtime;
    let keys = 0;

    beforeAll(async () => {
      node = { closekit: await importDist(), WebSocket: UndiciWebSocket as unknown as Runtime['WebSocket'] };
    });
    // Runs before the suite's own teardown (after-hooks run last-registered first).
    afterAll(() => {
      driver.disposeAll();
    });

    async function run(fact: FactCase, inRuntime: (url: string) => Promise<Observation>): Promise<Run> {
      const key = `parity-${keys++}`;
      const url = fact.server === 'refused' ? await refusedUrl() : planUrl(suite.server.wsBase, key, fact.server);
      const observation = await inRuntime(url);
      return { ...observation, upgradeRequests: suite.server.connectionsFor(key).length };
    }

    it('every expected difference names FACTS cases that exist', () => {
      const titles = FACT_CASES.map((fact) => fact.title);
      for (const entry of EXPECTED_DIFFERENCES) for (const title of entry.cases) expect(titles).toContain(title);
    });

    // One test per FACTS.md row (a fresh page each); a soft failure names the case.
    for (const { row, cases } of FACT_ROWS) {
      const differing = cases.filter((fact) => differenceFor(fact.title) !== undefined).map((fact) => fact.title);
      const label = differing.length === 0 ? 'identical' : `identical except the documented difference (${differing.length} of ${cases.length} cases)`;
      it(`the server ${row}: ${label}`, async () => {
        for (const fact of cases) {
          const difference = differenceFor(fact.title);
          const options = fact.greet === undefined ? {} : { greet: fact.greet };
          const chromium = await run(fact, (url) => observeInPage(suite.page, url, options));
          const undici = await run(fact, (url) => observe(node, url, options));

          // Chromium is the reference: it must still match FACTS.md.
          expect.soft(chromium.close, `${fact.title}: Chromium close event`).toEqual({ code: fact.code, reason: fact.reason, wasClean: fact.wasClean });
          expect.soft(chromium.upgradeRequests, `${fact.title}: Chromium upgrade requests`).toBe(fact.server === 'refused' ? 0 : 1);

          if (difference === undefined) {
            expect.soft(undici, `${fact.title}: Node must match Chromium`).toEqual(chromium);
          } else {
            const expected = overlay(chromium, difference.node);
            expect.soft(expected, `stale entry in EXPECTED_DIFFERENCES: Node now matches Chromium for ${fact.title}`).not.toEqual(chromium);
            expect.soft(undici, `${fact.title}: ${difference.difference}`).toEqual(expected);
          }
        }
      });
    }

    /**
     * What undici answers to the server's close, where that differs from
     * Chromium's answer (FACTS cases' `serverGot`, checked in facts.test.ts).
     */
    const UNDICI_REPLIES: readonly { readonly cases: (fact: FactCase) => boolean; readonly difference: string; readonly reply: (fact: FactCase) => { code: number; reason: string }[] }[] = [
      {
        cases: (fact) => Array.isArray(fact.server) && fact.server[0]?.do === 'close',
        difference: 'undici echoes the close code with an empty reason; Chromium echoes the reason too',
        reply: (fact) => [{ code: fact.code, reason: '' }],
      },
      {
        cases: (fact) => Array.isArray(fact.server) && fact.server[0]?.do === 'raw-close',
        difference:
          "undici answers any code that is invalid on the wire (999, 1004–1006, 1015, 1016, 2000, 2999, 5000) with 1002 'Invalid status code'; Chromium echoes 999–5000 and answers 1005/1006/1015 with a bare 1002",
        reply: () => [{ code: 1002, reason: 'Invalid status code' }],
      },
      {
        cases: (fact) => Array.isArray(fact.server) && fact.server[0]?.do === 'bad-utf8-close',
        difference: "undici answers a reason that is not UTF-8 with 1007 'Invalid UTF-8'; Chromium with 1002",
        reply: () => [{ code: 1007, reason: 'Invalid UTF-8' }],
      },
    ];

    it('what the server hears back: as Chromium, except the documented undici replies', async () => {
      for (const fact of FACT_CASES) {
        if (fact.server === 'refused') continue;
        const key = `parity-${keys++}`;
        await observe(node, planUrl(suite.server.wsBase, key, fact.server), fact.greet === undefined ? {} : { greet: fact.greet });
        const difference = UNDICI_REPLIES.find((entry) => entry.cases(fact));
        const expected = difference === undefined ? fact.serverGot : difference.reply(fact);
        await expect.poll(() => suite.server.closesFor(key).length, { message: `${fact.title}: replies at the server` }).toBe(expected.length);
        if (difference === undefined) expect.soft(suite.server.closesFor(key), `${fact.title}: same reply as Chromium`).toMatchObject(fact.serverGot);
        else {
          expect.soft(suite.server.closesFor(key), `${fact.title}: ${difference.difference}`).toEqual(expected);
          expect.soft(expected, `stale entry in UNDICI_REPLIES for ${fact.title}`).not.toMatchObject(fact.serverGot);
        }
      }
    });

    const clientCloseCases: readonly (readonly [string, number | undefined, string | undefined])[] = [
      ['close(1001)', 1001, undefined],
      ['close(5000)', 5000, undefined],
      ['close(4000, 41 × "€")', 4000, '€'.repeat(41)],
      ['close(4000, 42 × "€")', 4000, '€'.repeat(42)],
      ['close()', undefined, undefined],
      ['close(1000, "bye")', 1000, 'bye'],
    ];
    it(`client close(): identical in both (native exception, closekit's CloseCodeError, readyState, close event, what the server got)`, async () => {
      for (const [title, code, reason] of clientCloseCases) {
        const chromiumKey = `parity-${keys++}`;
        const undiciKey = `parity-${keys++}`;
        const chromium = await clientCloseInPage(suite.page, planUrl(suite.server.wsBase, chromiumKey, [{ do: 'echo' }]), code, reason);
        const undici = await clientClose(node, planUrl(suite.server.wsBase, undiciKey, [{ do: 'echo' }]), code, reason);
        expect.soft(undici, `${title}: in the page`).toEqual(chromium);
        // A throwing close() leaves the socket open; the probe then closes it without a code.
        await expect.poll(() => suite.server.closesFor(undiciKey).length).toBe(1);
        await expect.poll(() => suite.server.closesFor(chromiumKey).length).toBe(1);
        expect.soft(suite.server.closesFor(undiciKey), `${title}: at the server`).toEqual(suite.server.closesFor(chromiumKey));
      }
    });

    /** createSocket scenarios that do not depend on the browser's network emulation. */
    const socketScenarios: readonly {
      readonly title: string;
      readonly scenario: Omit<driver.SocketScenario, 'base' | 'key'>;
      readonly until: readonly [type: string, count: number];
      readonly then?: readonly driver.Action[];
    }[] = [
      {
        title: 're-auth with a refreshed token',
        scenario: {
          steps: [{ do: 'auth', token: 'fresh-1', code: 4001, reason: 'token expired' }],
          auth: { initialToken: 'stale-0', refreshedToken: 'fresh-1' },
          rules: { TokenExpired: 'reauth' },
        },
        until: ['open', 2],
      },
      {
        title: 'queued messages after a 1012 restart',
        scenario: {
          steps: [{ do: 'close', code: 1012, reason: 'restarting' }, { do: 'echo' }],
          rules: { 1012: { action: 'reconnect', delayMs: 100 } },
          sendWhenWaiting: ['m1', 'm2', 'm3'],
        },
        until: ['message', 3],
      },
      {
        title: 'close(1001) refused, then close(4000)',
        scenario: { steps: [{ do: 'echo' }] },
        until: ['open', 1],
        // biome-ignore lint/suspicious/noThenProperty: a scenario's steps after `until`, not a thenable.
        then: [
          { do: 'close', code: 1001 },
          { do: 'close', code: 4000, reason: 'bye' },
        ],
      },
      {
        title: 'heartbeat unanswered',
        scenario: { steps: [{ do: 'echo', pongs: 1, ping: 'ping' }, { do: 'echo' }], heartbeat: { intervalMs: 100, timeoutMs: 300 }, rules: { 1006: { action: 'reconnect', delayMs: 0 } } },
        until: ['open', 2],
      },
      {
        title: 'upgrade never answered',
        scenario: { steps: [{ do: 'hold' }, { do: 'echo' }], connectTimeoutMs: 1000, rules: { 1006: { action: 'reconnect', delayMs: 0 } } },
        until: ['open', 1],
      },
      {
        title: 'typed refusal 4003',
        scenario: { steps: [{ do: 'close', code: 4003, reason: 'not yours' }], rules: { AccessDenied: 'stop' } },
        until: ['stopped', 1],
      },
    ];

    /** A log without timings: what happened, in order. */
    const sequence = (log: readonly driver.LoggedEvent[]) => log.map(({ type, data }) => ({ type, data }));

    it('createSocket: the same scenarios give the same events, results and decisions in both', async () => {
      for (const [index, { title, scenario, until, then = [] }] of socketScenarios.entries()) {
        const chromiumKey = `parity-socket-${keys++}`;
        const undiciKey = `parity-socket-${keys++}`;
        const id = `socket-${index}`;
        await startSocketInPage(suite.page, id, { base: suite.server.wsBase, key: chromiumKey, ...scenario });
        driver.startSocket(node, id, { base: suite.server.wsBase, key: undiciKey, ...scenario });
        await Promise.all([waitForInPage(suite.page, id, ...until), driver.waitFor(id, ...until)]);

        for (const action of then) {
          expect.soft(driver.act(id, action), `${title}: ${JSON.stringify(action)}`).toEqual(await actInPage(suite.page, id, action));
        }
        if (then.length > 0) await Promise.all([waitForInPage(suite.page, id, 'stopped'), driver.waitFor(id, 'stopped')]);

        expect.soft(sequence(driver.eventsOf(id)), `${title}: socket events`).toEqual(sequence(await eventsInPage(suite.page, id)));
        const seenBy = (key: string) => suite.server.connectionsFor(key).map(({ index: attempt, token }) => ({ attempt, token }));
        expect.soft(seenBy(undiciKey), `${title}: connections at the server`).toEqual(seenBy(chromiumKey));
        expect.soft(suite.server.messagesFor(undiciKey), `${title}: messages at the server`).toEqual(suite.server.messagesFor(chromiumKey));
      }
    });
  },
  ['chromium'],
);
