// npm run docs:screenshot — renders the playground in headless Chromium after
// a few clicks and writes docs/playground.png for the README.
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { startPlayground } from './playground-server';

const OUT = fileURLToPath(new URL('../../docs/playground.png', import.meta.url));

/** Clicks `selector`, then waits for a new timeline row containing `until`. */
async function click(page: Page, selector: string, until: string): Promise<void> {
  const before = await page.locator('#timeline tr').count();
  await page.click(selector);
  await page.waitForFunction(
    ({ before, until }) =>
      Array.from(document.querySelectorAll('#timeline tr'))
        .slice(before)
        .some((tr) => tr.textContent?.includes(until)),
    { before, until },
    { timeout: 10_000 },
  );
}

const playground = await startPlayground();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(playground.url);
  await page.waitForSelector('#timeline tr[data-event="open"]');
  await click(page, 'button[data-code="4001"]', 'open');
  await click(page, 'button[data-code="1012"]', 'open');
  await click(page, 'button[data-code="5000"]', 'open');
  await click(page, 'button[data-code="4003"]', 'stopped');
  await page.screenshot({ path: OUT });
  console.log(`wrote ${fileURLToPath(new URL('../../docs/playground.png', import.meta.url)).replace(`${process.cwd()}/`, '')}`);
} finally {
  await browser.close();
  await playground.close();
}
