// npm run demo:browser, checked in a real Chromium: the page loads closekit
// from the built dist/, a click makes the server close the page's socket, and
// the timeline shows the classified result and the decision.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPlayground, type Playground } from '../../demo/browser/playground-server';
import { describeWithChromium, launchChromium } from '../browser/support/chromium';
import { SKIP_MESSAGE, findChromium } from '../browser/support/locate';

// Without Chromium (and outside CI) the suite is skipped; say how to run it.
if (findChromium() === undefined) console.warn(`test/demo/playground.test.ts: ${SKIP_MESSAGE}`);

interface Row {
  readonly event: string;
  readonly code: string;
  readonly name: string;
  readonly kind: string;
  readonly decision: string;
  readonly delay: string;
  readonly note: string;
}

function rows(page: Page): Promise<Row[]> {
  return page.$$eval('#timeline tr', (trs) =>
    trs.map((tr) => {
      const text = (name: string) => tr.querySelector(`td.${name}`)?.textContent ?? '';
      return { event: text('event'), code: text('code'), name: text('name'), kind: text('kind'), decision: text('decision'), delay: text('delay'), note: text('note') };
    }),
  );
}

/** Clicks, then waits for a row matching `until` after the rows already there; returns the new rows. */
async function clickAndWait(page: Page, selector: string, until: (row: Row) => boolean): Promise<Row[]> {
  const before = (await rows(page)).length;
  await page.click(selector);
  let fresh: Row[] = [];
  await expect
    .poll(async () => {
      fresh = (await rows(page)).slice(before);
      return fresh.some(until);
    }, { timeout: 10_000 })
    .toBe(true);
  return fresh;
}

describeWithChromium()('demo:browser playground in Chromium', () => {
  let playground: Playground;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    playground = await startPlayground();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(playground.url);
    await page.waitForSelector('#timeline tr[data-event="open"]', { timeout: 10_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await playground?.close();
  });

  it('4001: classified as the app\'s TokenExpired, re-authenticates, and opens again', async () => {
    const fresh = await clickAndWait(page, 'button[data-code="4001"]', (row) => row.event === 'open');
    expect(fresh).toContainEqual(expect.objectContaining({ event: 'close', code: '4001', name: 'TokenExpired', kind: 'application', decision: 'reauth' }));
    expect(fresh.map((row) => row.event)).toEqual(expect.arrayContaining(['server closes', 'close', 'rejected', 'reauth', 'server token', 'connecting', 'open']));
    expect(await page.textContent('#state')).toBe('open');
  });

  it('1012: reconnects after a backoff delay', async () => {
    const fresh = await clickAndWait(page, 'button[data-code="1012"]', (row) => row.event === 'open');
    const close = fresh.find((row) => row.event === 'close');
    expect(close).toMatchObject({ code: '1012', name: 'ServiceRestart', kind: 'standard', decision: 'reconnect' });
    expect(close?.delay).toMatch(/^\d+ ms$/);
    expect(close?.note).toContain('The server is restarting (1012 Service Restart)');
  });

  it('5000, a code no server may send: the raw frame arrives unchanged and classifies as invalid', async () => {
    const fresh = await clickAndWait(page, 'button[data-code="5000"]', (row) => row.event === 'open');
    expect(fresh).toContainEqual(expect.objectContaining({ event: 'server closes', note: expect.stringContaining('raw close frame with 5000') }));
    expect(fresh).toContainEqual(expect.objectContaining({ event: 'close', code: '5000', kind: 'invalid', decision: 'reconnect' }));
  });

  it('a policy edit applies at once, and a bad one shows the PolicyError', async () => {
    const edit = async (policy: object) => {
      const before = Number(await page.getAttribute('#policy-status', 'data-edits'));
      await page.fill('#policy', JSON.stringify(policy));
      await expect.poll(async () => Number(await page.getAttribute('#policy-status', 'data-edits'))).toBeGreaterThan(before);
      return page.textContent('#policy-status');
    };
    expect(await edit({ rules: { TokenExpired: 'reauth', 1012: 'stop' } })).toMatch(/^✓ applied/);
    expect(await edit({ rules: { '4200-4100': 'stop' } })).toMatch(/^PolicyError \(rules\.4200-4100\): /);
    expect(await edit({ maxAttempts: 0 })).toMatch(/^PolicyError \(maxAttempts\): /);
    expect(await edit({ rules: '{' })).toMatch(/^PolicyError \(rules\): /);
    // The last good policy stays in force: 1012 now stops.
    const fresh = await clickAndWait(page, 'button[data-code="1012"]', (row) => row.event === 'stopped');
    expect(fresh).toContainEqual(expect.objectContaining({ event: 'close', code: '1012', decision: 'stop (policy)' }));
    expect(await page.textContent('#state')).toBe('stopped');
  });

  it('reconnect() starts again after a stop, and the page threw nothing', async () => {
    await clickAndWait(page, '#page-reconnect', (row) => row.event === 'open');
    expect(pageErrors).toEqual([]);
  });
});
