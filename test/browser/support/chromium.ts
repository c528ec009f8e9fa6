// Finding and launching Chromium, and the skip-or-fail rule: without a
// browser a developer's run skips this suite (with a hint), while CI fails.
import { accessSync, constants, existsSync } from 'node:fs';
import { describe } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Printed once per run when no browser is found outside CI. */
export const SKIP_MESSAGE = 'browser tests skipped: install Chromium (apt-get install chromium) or set CHROME_PATH';

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

// Flags that keep a headless run quiet and local: no GPU, no background
// fetches, no component updates, no QUIC probing.
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The binary to use: `CHROME_PATH`, else Debian's chromium. */
export function chromiumPath(): string {
  const configured = process.env['CHROME_PATH'];
  return configured !== undefined && configured !== '' ? configured : DEFAULT_CHROMIUM;
}

/** True in CI (`CI=true`/`CI=1`) or with `CLOSEKIT_REQUIRE_BROWSER=1`: a missing browser is a failure. */
export function browserRequired(): boolean {
  const ci = process.env['CI'];
  return ci === 'true' || ci === '1' || process.env['CLOSEKIT_REQUIRE_BROWSER'] === '1';
}

/** The Chromium binary when it exists and is executable, else undefined. */
export function findChromium(): string | undefined {
  const path = chromiumPath();
  if (!existsSync(path)) return undefined;
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

/** Explains what is missing, for the failure in CI. */
export function missingBrowserMessage(): string {
  return `Chromium not found at ${chromiumPath()} and the browser suite is required here (CI or CLOSEKIT_REQUIRE_BROWSER=1): install it (apt-get install chromium) or set CHROME_PATH.`;
}

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
  return chromium.launch({ executablePath, headless: true, args: LAUNCH_ARGS, timeout: 30_000 });
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
