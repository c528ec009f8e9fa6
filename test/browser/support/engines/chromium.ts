// Chromium through playwright-core, with the demo's launch flags (quiet, no
// host name resolves): a fresh browser context per page.
import { launchChromiumAt } from '../../../../demo/browser/chromium';
import { enginePath } from '../locate';
import type { EngineDriver, EnginePage, PageFunction } from './driver';

export async function startChromium(): Promise<EngineDriver> {
  const browser = await launchChromiumAt(enginePath('chromium', 'CHROME_PATH'));
  let closed = false;
  return {
    engine: 'chromium',
    version: `Chromium ${browser.version()}`,
    offline: 'native',
    open: async (url): Promise<EnginePage> => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(url);
        return {
          // Playwright types the argument through its handle machinery; the suite passes plain JSON.
          evaluate: <A, R>(fn: PageFunction<A, R>, arg: A) => page.evaluate(fn as never, arg as never) as Promise<R>,
          setOffline: (offline) => context.setOffline(offline),
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
