// Firefox ESR through puppeteer-core 24 over WebDriver BiDi (puppeteer 25
// needs Node 22): a fresh browser context (BiDi user context) per page.
import puppeteer, { type Page } from 'puppeteer-core';
import { enginePath } from '../locate';
import { emulateOnline, type EngineDriver, type EnginePage, type PageFunction } from './driver';

/** Preferences that keep Firefox from calling home, on top of puppeteer's own. */
const QUIET_PREFS: Readonly<Record<string, unknown>> = {
  'network.dns.disableIPv6': true,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'browser.safebrowsing.update.enabled': false,
  'app.update.enabled': false,
};

/** Takes the page offline through BiDi's `emulation.setNetworkConditions`; false when this Firefox lacks it. */
async function nativeOffline(page: Page, offline: boolean): Promise<boolean> {
  try {
    await page.setOfflineMode(offline);
    return true;
  } catch {
    return false;
  }
}

export async function startFirefox(): Promise<EngineDriver> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: enginePath('firefox', 'FIREFOX_PATH'),
    headless: true,
    extraPrefsFirefox: { ...QUIET_PREFS },
    timeout: 30_000,
  });
  let closed = false;
  const version = (await browser.version()).replace(/^firefox\//i, '');
  // Probe once whether BiDi offline emulation works in this Firefox.
  const offline = await (async (): Promise<'native' | 'events'> => {
    const page = await browser.newPage();
    try {
      return (await nativeOffline(page, false)) ? 'native' : 'events';
    } finally {
      await page.close();
    }
  })();
  return {
    engine: 'firefox',
    version: `Firefox ${version}`,
    offline,
    open: async (url): Promise<EnginePage> => {
      const context = await browser.createBrowserContext();
      try {
        const page = await context.newPage();
        await page.goto(url);
        return {
          // Puppeteer types the argument through its handle machinery; the suite passes plain JSON.
          evaluate: <A, R>(fn: PageFunction<A, R>, arg: A) => page.evaluate(fn as never, arg as never) as Promise<R>,
          setOffline: async (value) => {
            if (offline === 'native') await page.setOfflineMode(value);
            else await page.evaluate(emulateOnline, !value);
          },
          close: () => context.close(),
        };
      } catch (error) {
        await context.close();
        throw error;
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await browser.close();
    },
  };
}
