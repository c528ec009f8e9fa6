// Retry hints through a real browser: a reason written by closekit/server's
// reasonWithRetryHint crosses the wire to Chromium intact, the built classify
// in the page reads it as retryAfterMs, and a createSocket in the page waits
// as the server asked before reconnecting.
import { expect, it } from 'vitest';
import { reasonWithRetryHint } from '../../src/server/index';
import { startSocketInPage, waitForInPage, type PageGlobals } from './support/page';
import { planUrl } from './support/plan';
import { describeEngines, useEngineSuite } from './support/suite';

// WebKitGTK turns a server's 1012–1014 into a 1006 (docs/browser-support.md), so the hint on a 1013 never
// reaches its page: these run where the close arrives as sent.
describeEngines(
  'retry hints, through dist/',
  (engine) => {
    const suite = useEngineSuite(engine);

    it.each([
      ['restarting', 30_000, 30_000],
      ['€'.repeat(60), 1500, 1500],
      ['', 250, 250],
    ] as const)('reason %j with retryAfterMs %i: the page sees the reason intact and classifies it', async (human, retryAfterMs, expected) => {
      const reason = reasonWithRetryHint(human, retryAfterMs);
      const url = planUrl(suite.server.wsBase, `hint-${retryAfterMs}`, [{ do: 'close', code: 1013, reason }]);
      const seen = await suite.page.evaluate(
        (url) =>
          new Promise<{ code: number; reason: string; retryAfterMs: number | null }>((resolve) => {
            const { closekit } = globalThis as unknown as PageGlobals;
            const ws = new WebSocket(url);
            let opened = false;
            ws.onopen = () => (opened = true);
            ws.onclose = (event) => {
              const result = closekit.classify(event, { opened });
              resolve({ code: result.code, reason: result.reason, retryAfterMs: result.retryAfterMs ?? null });
            };
          }),
        url,
      );
      expect(seen).toEqual({ code: 1013, reason, retryAfterMs: expected });
    });

    it('a malformed hint reaches the page and is ignored', async () => {
      const url = planUrl(suite.server.wsBase, 'hint-bad', [{ do: 'close', code: 1013, reason: 'busy retry-after=-5s' }]);
      const retryAfterMs = await suite.page.evaluate(
        (url) =>
          new Promise<number | null>((resolve) => {
            const { closekit } = globalThis as unknown as PageGlobals;
            const ws = new WebSocket(url);
            ws.onclose = (event) => resolve(closekit.classify(event).retryAfterMs ?? null);
          }),
        url,
      );
      expect(retryAfterMs).toBeNull();
    });

    it('createSocket in the page waits as the hint asks: 1012 with retry-after=300ms reconnects after 450 ms, not 250', async () => {
      // With the page driver's fixed random 0.5: the backoff alone gives 250 ms; the hint's window [300, 600] gives 450.
      await startSocketInPage(suite.page, 'h', {
        base: suite.server.wsBase,
        key: 'hinted-socket',
        steps: [{ do: 'close', code: 1012, reason: reasonWithRetryHint('deploying', 300) }, { do: 'echo' }],
        rules: { 1012: 'reconnect' },
      });
      const log = await waitForInPage(suite.page, 'h', 'open', 2);
      const reconnecting = log.filter((event) => event.type === 'reconnecting').map((event) => event.data);
      expect(reconnecting).toEqual([{ attempt: 1, delayMs: 450, result: expect.objectContaining({ code: 1012, reason: 'deploying retry-after=300ms' }) }]);
      const opens = log.filter((event) => event.type === 'open').map((event) => event.atMs);
      expect((opens[1] as number) - (opens[0] as number)).toBeGreaterThanOrEqual(440);
      expect(suite.server.connectionsFor('hinted-socket')).toHaveLength(2);
    });
  },
  ['chromium', 'firefox'],
);
