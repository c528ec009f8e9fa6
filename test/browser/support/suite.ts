// The preamble every browser suite shares: the loopback server with the test
// page's bundle and one Chromium for the whole file, and a fresh context and
// page for each test.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildPageBundle } from './bundle';
import { launchChromium, openPage } from './chromium';
import { startLoopbackServer, type LoopbackServer } from './server';

/** What a browser test works with; read it in tests and hooks, not while the suite is being collected. */
export interface ChromiumSuite {
  /** The scripted loopback server, one for the file. */
  readonly server: LoopbackServer;
  /** The current test's browser context (for `setOffline`). */
  readonly context: BrowserContext;
  /** The current test's page, with the bundle loaded. */
  readonly page: Page;
}

function ready<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not ready: read it in a test or a hook of a suite that called useChromiumSuite()`);
  return value;
}

/**
 * Registers the suite's hooks; call it first in a `describeWithChromium()`
 * block. The server and Chromium start before the first test and close after
 * the last; each test gets its own context and page, closed after it.
 */
export function useChromiumSuite(): ChromiumSuite {
  let server: LoopbackServer | undefined;
  let browser: Browser | undefined;
  let current: { context: BrowserContext; page: Page } | undefined;

  beforeAll(async () => {
    server = await startLoopbackServer(await buildPageBundle());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    current = await openPage(ready(browser, 'Chromium'), ready(server, 'the loopback server').pageUrl);
  });
  afterEach(async () => {
    await current?.context.close();
    current = undefined;
  });

  return {
    get server() {
      return ready(server, 'the loopback server');
    },
    get context() {
      return ready(current, 'the page').context;
    },
    get page() {
      return ready(current, 'the page').page;
    },
  };
}
