// Finding and launching Chromium, and the skip-or-fail rule: without a
// browser a developer's run skips this suite (with a hint), while CI fails.
import { describe } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromiumAt } from '../../../demo/browser/chromium';
import { browserRequired, findChromium, missingBrowserMessage } from './locate';

/**
 * `describe` when Chromium is available, `describe.skip` when it is not;
 * throws when it is missing but required, so CI cannot pass without it.
 */
export function describeWithChromium(): typeof describe | typeof describe.skip {
  if (findChromium() !== undefined) return describe;
  if (browserRequired()) throw new Error(missingBrowserMessage());
  return describe.skip;
}

/** Launches headless Chromium; one per test file. */
export function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error(missingBrowserMessage());
  // Same flags as the demo's screenshot tool: quiet, local, no host name resolves.
  return launchChromiumAt(executablePath);
}

/** A fresh context and page on the test page, with the bundle loaded. */
export async function openPage(browser: Browser, pageUrl: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(pageUrl);
  try {
    await page.waitForFunction(() => 'probe' in globalThis, undefined, { timeout: 10_000 });
  } catch (error) {
    await context.close();
    throw new Error(`the test page did not load the bundle: ${errors.join('; ') || String(error)}`);
  }
  return { context, page };
}
