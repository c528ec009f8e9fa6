// Every row of FACTS.md's browser table, reproduced in each engine against a
// real server on loopback, through the built dist/ bundle: what the page
// sees, and what closekit reports for it. Where an engine differs from
// Chromium, ./support/facts.ts pins that engine's own behaviour.
import { beforeAll, expect, it } from 'vitest';
import { factRowsFor, outcomeFor } from './support/facts';
import { clientCloseInPage, observeInPage } from './support/page';
import { planUrl } from './support/plan';
import { refusedUrl } from './support/server';
import { describeEngines, useEngineSuite } from './support/suite';

describeEngines('FACTS.md, through dist/', (engine) => {
  const suite = useEngineSuite(engine);
  let keys = 0;

  // The engine and version this table was measured in (docs/browser-support.md quotes them).
  beforeAll(() => {
    console.info(`facts measured in ${suite.driver.version} (offline emulation: ${suite.driver.offline})`);
  });

  // One test per FACTS.md row (a fresh page each); every code or variant in
  // the row is checked, and a soft failure names the case.
  for (const { row, cases } of factRowsFor(engine)) {
    it(`the server ${row}`, async () => {
      for (const engineFact of cases) {
        const key = `fact-${keys++}`;
        const first = engineFact.outcomes[0];
        if (first === undefined) throw new Error(`${engineFact.title}: no outcome`);
        const url = first.server === 'refused' ? await refusedUrl() : planUrl(suite.server.wsBase, key, first.server);
        const seen = await observeInPage(suite.page, url, first.greet === undefined ? {} : { greet: first.greet });
        // An engine that varies from run to run lists every outcome; the events pick one, and all of it must hold.
        const fact = outcomeFor(engineFact, seen.events);
        const label = `${fact.title}${engineFact.difference === undefined ? '' : ' (engine difference)'}:`;

        expect.soft(seen.events, `${label} events`).toEqual(fact.events);
        expect.soft(seen.close, `${label} close event`).toEqual({ code: fact.code, reason: fact.reason, wasClean: fact.wasClean });
        expect.soft(seen.result, `${label} classify`).toEqual({
          code: fact.code,
          reason: fact.reason,
          wasClean: fact.wasClean,
          opened: fact.opened,
          ...fact.result,
        });
        expect.soft(seen.decision, `${label} decision`).toMatchObject(fact.decision);
        if (fact.decision.action === 'stop') expect.soft(seen.decision?.cause, `${label} stop cause`).toBe('policy');
        else expect.soft(seen.decision, `${label} retry`).toMatchObject({ attempt: 1, delayMs: expect.any(Number) });
        // 1013 Try Again Later keeps a 5 s floor even on a first attempt.
        if (fact.code === 1013) expect.soft(seen.decision?.delayMs, `${label} 1013 floor`).toBeGreaterThanOrEqual(5000);
        // The server may record the page's answer just after the page's close event.
        await expect.poll(() => suite.server.closesFor(key).length, { message: `${label} what the server got` }).toBe(fact.serverGot.length);
        expect.soft(suite.server.closesFor(key), `${label} what the server got`).toMatchObject(fact.serverGot);
      }
    });
  }

  const echo = () => planUrl(suite.server.wsBase, `client-close-${keys++}`, [{ do: 'echo' }]);

  it('close(code) with a code other than 1000 or 3000–4999 throws InvalidAccessError natively, closekit throws CloseCodeError first, and the socket stays open', async () => {
    for (const code of [1001, 1002, 1011, 2000, 2999, 5000, 999]) {
      const outcome = await clientCloseInPage(suite.page, echo(), code, undefined);
      expect.soft(outcome.nativeThrew, `close(${code}) natively`).toEqual({ name: 'InvalidAccessError', isDOMException: true, isCloseCodeError: false, rule: null });
      expect.soft(outcome.closekitThrew, `close(${code}) in closekit`).toEqual({ name: 'CloseCodeError', isDOMException: false, isCloseCodeError: true, rule: 'client-range' });
      expect.soft(outcome.readyStateAfter, `close(${code}) leaves the socket open`).toBe(1);
    }
  });

  it('a reason of 41 × "€" (123 UTF-8 bytes) passes both, and the server receives it', async () => {
    const key = `client-close-${keys++}`;
    const reason = '€'.repeat(41);
    const outcome = await clientCloseInPage(suite.page, planUrl(suite.server.wsBase, key, [{ do: 'echo' }]), 4000, reason);
    expect(outcome).toEqual({ nativeThrew: null, closekitThrew: null, readyStateAfter: 2, close: { code: 4000, reason, wasClean: true } });
    await expect.poll(() => suite.server.closesFor(key)).toEqual([{ code: 4000, reason }]);
  });

  it('a reason of 42 × "€" (126 UTF-8 bytes) throws SyntaxError natively, closekit says reason-too-long, and the socket stays open', async () => {
    const outcome = await clientCloseInPage(suite.page, echo(), 4000, '€'.repeat(42));
    expect(outcome.nativeThrew).toEqual({ name: 'SyntaxError', isDOMException: true, isCloseCodeError: false, rule: null });
    expect(outcome.closekitThrew).toEqual({ name: 'CloseCodeError', isDOMException: false, isCloseCodeError: true, rule: 'reason-too-long' });
    expect(outcome.readyStateAfter).toBe(1);
  });

  it('close(1000 | 3000 | 4999, reason) is accepted by both and reaches the server', async () => {
    for (const code of [1000, 3000, 4999]) {
      const key = `client-close-${keys++}`;
      const outcome = await clientCloseInPage(suite.page, planUrl(suite.server.wsBase, key, [{ do: 'echo' }]), code, 'bye');
      expect.soft(outcome.nativeThrew, `close(${code}) natively`).toBeNull();
      expect.soft(outcome.closekitThrew, `close(${code}) in closekit`).toBeNull();
      expect.soft(outcome.close, `close(${code}) event`).toEqual({ code, reason: 'bye', wasClean: true });
      // The server records the close when its TCP connection ends, which may be just after the page's close event.
      await expect.poll(() => suite.server.closesFor(key), { message: `close(${code}) at the server` }).toEqual([{ code, reason: 'bye' }]);
    }
  });

  it('close() with no code gives 1005 on both ends', async () => {
    const key = `client-close-${keys++}`;
    const outcome = await clientCloseInPage(suite.page, planUrl(suite.server.wsBase, key, [{ do: 'echo' }]), undefined, undefined);
    expect(outcome.close).toEqual({ code: 1005, reason: '', wasClean: true });
    await expect.poll(() => suite.server.closesFor(key)).toEqual([{ code: 1005, reason: '' }]);
  });
});
