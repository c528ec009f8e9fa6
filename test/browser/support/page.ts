// Calls into the test page. The functions passed to page.evaluate are
// serialised into the engine, so they only touch their argument and what the
// page bundle put on globalThis (see ./bundle.ts).
import type { EnginePage as Page } from './engines/driver';
import type * as Probe from './probe';
import type * as Driver from './socket-driver';

/** What the page bundle puts on globalThis. */
export interface PageGlobals {
  readonly closekit: Probe.ClosekitModule;
  readonly probe: typeof Probe;
  readonly driver: typeof Driver;
}

/** `observe()` in the page, with the engine's WebSocket. */
export function observeInPage(page: Page, url: string, options: Probe.ObserveOptions = {}): Promise<Probe.Observation> {
  return page.evaluate(
    ({ url, options }) => {
      const page = globalThis as unknown as PageGlobals;
      return page.probe.observe({ closekit: page.closekit, WebSocket }, url, options);
    },
    { url, options },
  );
}

/** `clientClose()` in the page, with the engine's WebSocket. */
export function clientCloseInPage(page: Page, url: string, code: number | undefined, reason: string | undefined): Promise<Probe.ClientCloseOutcome> {
  return page.evaluate(
    ({ url, code, reason }) => {
      const page = globalThis as unknown as PageGlobals;
      return page.probe.clientClose({ closekit: page.closekit, WebSocket }, url, code, reason);
    },
    { url, code, reason },
  );
}

/** `startSocket()` in the page, with the engine's WebSocket. */
export function startSocketInPage(page: Page, id: string, scenario: Driver.SocketScenario): Promise<void> {
  return page.evaluate(
    ({ id, scenario }) => {
      const page = globalThis as unknown as PageGlobals;
      page.driver.startSocket({ closekit: page.closekit, WebSocket }, id, scenario);
    },
    { id, scenario },
  );
}

/** `waitFor()` in the page. */
export function waitForInPage(page: Page, id: string, type: string, count = 1, timeoutMs = 5000): Promise<Driver.LoggedEvent[]> {
  return page.evaluate(({ id, type, count, timeoutMs }) => (globalThis as unknown as PageGlobals).driver.waitFor(id, type, count, timeoutMs), { id, type, count, timeoutMs });
}

/** `act()` in the page. */
export function actInPage(page: Page, id: string, action: Driver.Action): Promise<Driver.ActOutcome> {
  return page.evaluate(({ id, action }) => (globalThis as unknown as PageGlobals).driver.act(id, action), { id, action });
}

/** `eventsOf()` in the page. */
export function eventsInPage(page: Page, id: string): Promise<Driver.LoggedEvent[]> {
  return page.evaluate((id: string) => (globalThis as unknown as PageGlobals).driver.eventsOf(id), id);
}

/** `stateOf()` in the page. */
export function stateInPage(page: Page, id: string): Promise<string> {
  return page.evaluate((id: string) => (globalThis as unknown as PageGlobals).driver.stateOf(id), id);
}
