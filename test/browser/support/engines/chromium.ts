// Chromium through playwright-core, with the demo's launch flags (quiet, no
// host name resolves): a fresh browser context per page.
import type { CDPSession } from 'playwright-core';
import { launchChromiumAt } from '../../../../demo/browser/chromium';
import { enginePath } from '../locate';
import type { EngineDriver, EnginePage, PageFunction } from './driver';

/** Launch options. */
export interface ChromiumOptions {
  /** Keep the back/forward cache on (playwright-core turns it off with `--disable-back-forward-cache`). @default false */
  readonly backForwardCache?: boolean;
}

export async function startChromium(options: ChromiumOptions = {}): Promise<EngineDriver> {
  const browser = await launchChromiumAt(enginePath('chromium', 'CHROME_PATH'), options.backForwardCache ? ['--disable-back-forward-cache'] : undefined);
  let closed = false;
  return {
    engine: 'chromium',
    version: `Chromium ${browser.version()}`,
    offline: 'native',
    open: async (url): Promise<EnginePage> => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        let cdp: CDPSession | undefined;
        await page.goto(url);
        return {
          // Playwright types the argument through its handle machinery; the suite passes plain JSON.
          evaluate: <A, R>(fn: PageFunction<A, R>, arg: A) => page.evaluate(fn as never, arg as never) as Promise<R>,
          setOffline: (offline) => context.setOffline(offline),
          // Page Lifecycle freeze/resume through the DevTools protocol (fires the document's freeze and resume).
          setLifecycleState: async (state) => {
            cdp ??= await context.newCDPSession(page);
            await cdp.send('Page.setWebLifecycleState', { state });
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
