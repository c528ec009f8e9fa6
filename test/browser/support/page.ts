// Calls into the test page. The functions passed to page.evaluate are
// serialised into Chromium, so they only touch what the page bundle put on
// globalThis (see ./bundle.ts).
import type { Page } from 'playwright-core';
import type * as Probe from './probe';

/** What the page bundle puts on globalThis. */
export interface PageGlobals {
  readonly closekit: Probe.ClosekitModule;
  readonly probe: typeof Probe;
}

/** `observe()` in the page, with Chromium's WebSocket. */
export function observeInPage(page: Page, url: string, options: Probe.ObserveOptions = {}): Promise<Probe.Observation> {
  return page.evaluate(
    ({ url, options }) => {
      const page = globalThis as unknown as PageGlobals;
      return page.probe.observe({ closekit: page.closekit, WebSocket }, url, options);
    },
    { url, options },
  );
}

/** `clientClose()` in the page, with Chromium's WebSocket. */
export function clientCloseInPage(page: Page, url: string, code: number | undefined, reason: string | undefined): Promise<Probe.ClientCloseOutcome> {
  return page.evaluate(
    ({ url, code, reason }) => {
      const page = globalThis as unknown as PageGlobals;
      return page.probe.clientClose({ closekit: page.closekit, WebSocket }, url, code, reason);
    },
    { url, code, reason },
  );
}
