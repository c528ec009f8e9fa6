// closekit/react in real Chromium: React 19 + react-dom (development builds)
// under <StrictMode>, the built dist/, against the loopback server.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { buildReactPageBundle } from '../react/bundle';
import type { ReactTestApi, StatusProps } from '../react/page-app';
import { assertBuilt } from './support/bundle';
import { launchChromiumAt } from '../../demo/browser/chromium';
import { enginePath } from './support/locate';
import { describeEngines } from './support/suite';
import { planUrl, type Step } from './support/plan';
import { startLoopbackServer, type LoopbackServer } from './support/server';

type Api = { reactTest: ReactTestApi };

// playwright's page API (locators, waitForFunction) drives React here, so this suite is Chromium's alone.
describeEngines('closekit/react, under StrictMode', () => {
  let server: LoopbackServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let keys = 0;

  beforeAll(async () => {
    assertBuilt();
    server = await startLoopbackServer(await buildReactPageBundle());
    browser = await launchChromiumAt(enginePath('chromium', 'CHROME_PATH'));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.pageUrl);
    await page
      .waitForFunction(() => 'reactTest' in globalThis, undefined, { timeout: 10_000 })
      .catch((error: unknown) => {
        throw new Error(`the React test page did not load: ${errors.join('; ') || String(error)}`);
      });
  });
  afterEach(async () => {
    await page.evaluate(() => (globalThis as unknown as Api).reactTest.unmount());
    await context.close();
  });

  /** Mounts the app on a fresh server key; returns the key. */
  async function mount(steps: readonly Step[], props: Partial<Omit<StatusProps, 'url'>> = {}): Promise<string> {
    const key = `react-${keys++}`;
    const full: StatusProps = { url: planUrl(server.wsBase, key, steps), token: 't0', restartDelayMs: 60_000, ...props };
    await page.evaluate((p) => (globalThis as unknown as Api).reactTest.mount(p), full);
    return key;
  }

  const text = (id: string) => page.locator(`#${id}`).textContent();
  const waitForText = (id: string, expected: string | RegExp) =>
    page.waitForFunction(
      ([selector, source, isRegExp]) => {
        const value = document.querySelector(selector)?.textContent ?? '';
        return isRegExp ? new RegExp(source).test(value) : value === source;
      },
      [`#${id}`, typeof expected === 'string' ? expected : expected.source, typeof expected !== 'string'] as const,
      { timeout: 5000 },
    );
  const api = <T>(fn: (api: ReactTestApi) => T) => page.evaluate(`(${fn.toString()})(globalThis.reactTest)`) as Promise<T>;

  it('opens exactly one connection, and re-renders with new options and url arrows do not reconnect', async () => {
    const key = await mount([{ do: 'echo' }]);
    await waitForText('state', 'open');
    for (let i = 0; i < 5; i++) await page.evaluate((n) => (globalThis as unknown as Api).reactTest.update({ token: `t${n}` }), i + 1);
    // A round trip after the re-renders: a second socket would have connected by now (sockets start on the next tick).
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(await text('state')).toBe('open');
    expect(await api((a) => a.constructedWebSockets())).toBe(1);
    expect(server.connectionsFor(key)).toHaveLength(1);

    // The url function called on reconnect is the latest render's: token t5.
    await page.click('#reconnect');
    await page.waitForFunction(() => (globalThis as unknown as Api).reactTest.constructedWebSockets() === 2);
    await waitForText('state', 'open');
    expect(server.connectionsFor(key).map((c) => c.token)).toEqual(['t0', 't5']);
  });

  it('a 4001 rejection shows the typed name, the stop cause and the describe() text', async () => {
    const key = await mount([{ do: 'close', code: 4001, reason: 'token expired' }]);
    await waitForText('state', 'stopped');
    expect(await text('name')).toBe('TokenExpired');
    expect(await text('status')).toBe('stopped: TokenExpired (policy)');
    expect(await text('text')).toBe('The server closed the connection with application code 4001 TokenExpired: "token expired".');
    expect(server.connectionsFor(key)).toHaveLength(1);
  });

  it('a 1012 shows "reconnecting" with the countdown and the attempt', async () => {
    const key = await mount([{ do: 'close', code: 1012, reason: 'restarting' }, { do: 'echo' }]);
    await waitForText('status', /^reconnecting in (60|59) s \(attempt 1\)$/);
    expect(await text('state')).toBe('waiting');
    expect(await text('name')).toBe('ServiceRestart');
    expect(server.connectionsFor(key)).toHaveLength(1);
  });

  it('unmount closes the socket and leaves no timers, also while a retry is scheduled', async () => {
    const openKey = await mount([{ do: 'echo' }]);
    await waitForText('state', 'open');
    expect(await api((a) => a.pendingTimers())).toBe(0);
    await api((a) => a.unmount());
    await expect.poll(() => server.closesFor(openKey), { timeout: 5000 }).toEqual([{ code: 1000, reason: 'disposed' }]);
    expect(await api((a) => a.pendingTimers())).toBe(0);

    await mount([{ do: 'close', code: 1012 }]);
    await waitForText('state', 'waiting');
    expect(await api((a) => a.pendingTimers())).toBe(1);
    await api((a) => a.unmount());
    expect(await api((a) => a.pendingTimers())).toBe(0);
    expect(await api((a) => a.constructedWebSockets())).toBe(2);
  });
}, ['chromium']);
