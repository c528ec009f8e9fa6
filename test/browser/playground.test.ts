// npm run demo:browser, checked in each engine: the page loads closekit from
// the built dist/, a click makes the server close the page's socket, and the
// timeline shows the classified result and the decision. Everything is read
// and clicked through the engine driver's evaluate, the one call all three
// engines share.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPlayground, type Playground } from '../../demo/browser/playground-server';
import { waitInPage, type EngineDriver, type EnginePage } from './support/engines/driver';
import { describeEngines, startEngine } from './support/suite';

interface Row {
  readonly event: string;
  readonly code: string;
  readonly name: string;
  readonly kind: string;
  readonly decision: string;
  readonly delay: string;
  readonly note: string;
}

function rows(page: EnginePage): Promise<Row[]> {
  return page.evaluate(
    () =>
      Array.from(document.querySelectorAll('#timeline tr')).map((tr) => {
        const text = (name: string) => tr.querySelector(`td.${name}`)?.textContent ?? '';
        return { event: text('event'), code: text('code'), name: text('name'), kind: text('kind'), decision: text('decision'), delay: text('delay'), note: text('note') };
      }),
    undefined,
  );
}

function click(page: EnginePage, selector: string): Promise<void> {
  return page.evaluate((selector: string) => {
    const element = document.querySelector(selector);
    if (!(element instanceof HTMLElement)) throw new Error(`no element ${selector}`);
    element.click();
  }, selector);
}

function textOf(page: EnginePage, selector: string): Promise<string | null> {
  return page.evaluate((selector: string) => document.querySelector(selector)?.textContent ?? null, selector);
}

/** Types into the policy editor the way a user would: set the value, fire `input`. */
function fill(page: EnginePage, selector: string, value: string): Promise<void> {
  return page.evaluate(
    ({ selector, value }) => {
      const element = document.querySelector(selector) as HTMLTextAreaElement;
      element.value = value;
      element.dispatchEvent(new Event('input', { bubbles: true }));
    },
    { selector, value },
  );
}

/** Clicks, then waits for a row matching `until` after the rows already there; returns the new rows. */
async function clickAndWait(page: EnginePage, selector: string, until: (row: Row) => boolean): Promise<Row[]> {
  const before = (await rows(page)).length;
  await click(page, selector);
  let fresh: Row[] = [];
  await expect
    .poll(
      async () => {
        fresh = (await rows(page)).slice(before);
        return fresh.some(until);
      },
      { timeout: 10_000 },
    )
    .toBe(true);
  return fresh;
}

describeEngines('demo:browser playground', (engine) => {
  let playground: Playground;
  let driver: EngineDriver;
  let page: EnginePage;

  beforeAll(async () => {
    playground = await startPlayground();
    driver = await startEngine(engine);
    page = await driver.open(playground.url);
    await waitInPage(page, () => document.querySelector('#timeline tr[data-event="open"]') !== null, undefined, 'the playground connects');
    // Uncaught errors from here on; the page reaching `open` shows its script ran.
    await page.evaluate(() => {
      const errors: string[] = [];
      Object.assign(globalThis, { pageErrors: errors });
      addEventListener('error', (event) => errors.push(String(event.message)));
      addEventListener('unhandledrejection', (event) => errors.push(String(event.reason)));
    }, undefined);
  });

  afterAll(async () => {
    await page?.close();
    await driver?.close();
    await playground?.close();
  });

  it("4001: classified as the app's TokenExpired, re-authenticates, and opens again", async () => {
    const fresh = await clickAndWait(page, 'button[data-code="4001"]', (row) => row.event === 'open');
    expect(fresh).toContainEqual(expect.objectContaining({ event: 'close', code: '4001', name: 'TokenExpired', kind: 'application', decision: 'reauth' }));
    expect(fresh.map((row) => row.event)).toEqual(expect.arrayContaining(['server closes', 'close', 'rejected', 'reauth', 'server token', 'connecting', 'open']));
    expect(await textOf(page, '#state')).toBe('open');
  });

  it('1012: reconnects after a backoff delay', async () => {
    const fresh = await clickAndWait(page, 'button[data-code="1012"]', (row) => row.event === 'open');
    const close = fresh.find((row) => row.event === 'close');
    if (engine === 'webkit') {
      // Engine difference (docs/browser-support.md): WebKitGTK turns a server's 1012 into 1006.
      expect(close).toMatchObject({ code: '1006', name: 'AbnormalClosure', kind: 'standard', decision: 'reconnect' });
    } else {
      expect(close).toMatchObject({ code: '1012', name: 'ServiceRestart', kind: 'standard', decision: 'reconnect' });
      expect(close?.note).toContain('The server is restarting (1012 Service Restart)');
    }
    expect(close?.delay).toMatch(/^\d+ ms$/);
  });

  it('5000, a code no server may send: the raw frame arrives unchanged and classifies as invalid (WebKitGTK: 1006)', async () => {
    const fresh = await clickAndWait(page, 'button[data-code="5000"]', (row) => row.event === 'open');
    expect(fresh).toContainEqual(expect.objectContaining({ event: 'server closes', note: expect.stringContaining('raw close frame with 5000') }));
    // Engine difference: WebKitGTK fails the connection on a code invalid on the wire.
    const seen = engine === 'webkit' ? { code: '1006', kind: 'standard', decision: 'reconnect' } : { code: '5000', kind: 'invalid', decision: 'reconnect' };
    expect(fresh).toContainEqual(expect.objectContaining({ event: 'close', ...seen }));
  });

  it('a policy edit applies at once, and a bad one shows the PolicyError', async () => {
    const edit = async (policy: object) => {
      const edits = async () => Number(await page.evaluate(() => document.querySelector('#policy-status')?.getAttribute('data-edits'), undefined));
      const before = await edits();
      await fill(page, '#policy', JSON.stringify(policy));
      await expect.poll(edits).toBeGreaterThan(before);
      return textOf(page, '#policy-status');
    };
    expect(await edit({ rules: { TokenExpired: 'reauth', 1012: 'stop' } })).toMatch(/^✓ applied/);
    expect(await edit({ rules: { '4200-4100': 'stop' } })).toMatch(/^PolicyError \(rules\.4200-4100\): /);
    expect(await edit({ maxAttempts: 0 })).toMatch(/^PolicyError \(maxAttempts\): /);
    expect(await edit({ rules: '{' })).toMatch(/^PolicyError \(rules\): /);
    if (engine === 'webkit') {
      // Engine difference: the page sees 1006, not 1012, so the app's `1012: 'stop'` rule
      // never applies there and the socket reconnects; closing from the page stops it.
      const fresh = await clickAndWait(page, 'button[data-code="1012"]', (row) => row.event === 'open');
      expect(fresh).toContainEqual(expect.objectContaining({ event: 'close', code: '1006', decision: 'reconnect' }));
      await clickAndWait(page, '#page-close', (row) => row.event === 'stopped');
    } else {
      // The last good policy stays in force: 1012 now stops.
      const fresh = await clickAndWait(page, 'button[data-code="1012"]', (row) => row.event === 'stopped');
      expect(fresh).toContainEqual(expect.objectContaining({ event: 'close', code: '1012', decision: 'stop (policy)' }));
    }
    expect(await textOf(page, '#state')).toBe('stopped');
  });

  it('reconnect() starts again after a stop, and the page threw nothing', async () => {
    await clickAndWait(page, '#page-reconnect', (row) => row.event === 'open');
    expect(await page.evaluate(() => (globalThis as unknown as { pageErrors: string[] }).pageErrors, undefined)).toEqual([]);
  });
});
