// The preamble every browser suite shares: one describe block per engine
// (the same scenarios in each), the engine started once per file and stopped
// after it, the loopback server with the test page's bundle, and a fresh
// page for each test.
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { buildPageBundle } from './bundle';
import { waitInPage, type EngineDriver, type EnginePage } from './engines/driver';
import { ENGINES, ENGINE_NAMES, browserRequired, findEngine, installHint, missingEngineMessage, type EngineName } from './locate';
import { startLoopbackServer, type LoopbackServer } from './server';

/** Starts an engine's driver (imported lazily, so a run without puppeteer's engine never loads it). */
export async function startEngine(engine: EngineName): Promise<EngineDriver> {
  switch (engine) {
    case 'chromium':
      return (await import('./engines/chromium')).startChromium();
    case 'firefox':
      return (await import('./engines/firefox')).startFirefox();
    case 'webkit':
      return (await import('./engines/webkit')).startWebKit();
  }
}

/** The engines this run selects: all three, or the comma-separated `CLOSEKIT_ENGINES` list (a developer's shortcut). */
export function selectedEngines(): readonly EngineName[] {
  const list = process.env['CLOSEKIT_ENGINES'];
  if (list === undefined || list.trim() === '') return ENGINE_NAMES;
  const names = list.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(ENGINE_NAMES as readonly string[]).includes(name)) throw new Error(`CLOSEKIT_ENGINES: unknown engine ${JSON.stringify(name)} (known: ${ENGINE_NAMES.join(', ')})`);
  }
  return ENGINE_NAMES.filter((name) => names.includes(name));
}

/**
 * Registers `body` once per engine, each in its own describe block named
 * after the engine: run when the engine is installed, skipped with the
 * install hint in its title when it is not, and a collection error (a failed
 * file) when it is missing but required (CI, CLOSEKIT_REQUIRE_BROWSER=1).
 * `engines` narrows the list for a suite about one engine (parity with Node).
 */
export function describeEngines(title: string, body: (engine: EngineName) => void, engines: readonly EngineName[] = ENGINE_NAMES): void {
  const selected = selectedEngines();
  for (const engine of engines) {
    const label = ENGINES[engine].label;
    if (!selected.includes(engine)) {
      describe.skip(`${title} in ${label} (not in CLOSEKIT_ENGINES)`, () => body(engine));
    } else if (findEngine(engine) !== undefined) {
      describe(`${title} in ${label}`, () => body(engine));
    } else if (browserRequired()) {
      throw new Error(missingEngineMessage(engine));
    } else {
      describe.skip(`${title} in ${label} (${installHint(engine)})`, () => body(engine));
    }
  }
}

/** What a browser test works with; read it in tests and hooks, not while the suite is being collected. */
export interface EngineSuite {
  readonly engine: EngineName;
  /** The running engine (its version, how it goes offline). */
  readonly driver: EngineDriver;
  /** The scripted loopback server, one per engine block. */
  readonly server: LoopbackServer;
  /** The current test's page, with the bundle loaded. */
  readonly page: EnginePage;
}

function ready<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not ready: read it in a test or a hook of a suite that called useEngineSuite()`);
  return value;
}

/** Opens the test page and waits for its bundle; reports the page's errors when it does not load. */
export async function openTestPage(driver: EngineDriver, pageUrl: string): Promise<EnginePage> {
  const page = await driver.open(pageUrl);
  try {
    await waitInPage(page, () => 'probe' in globalThis, undefined, 'the test page loads its bundle');
  } catch (error) {
    const errors = await page.evaluate(() => (globalThis as unknown as { pageErrors?: string[] }).pageErrors ?? [], undefined).catch(() => []);
    await page.close();
    throw new Error(`${driver.version}: the test page did not load the bundle: ${errors.join('; ') || String(error)}`);
  }
  return page;
}

/**
 * Registers the hooks of one engine block; call it first inside
 * `describeEngines`. The server and the engine start before the block's first
 * test and stop after its last; each test gets its own page, closed after it.
 */
export function useEngineSuite(engine: EngineName): EngineSuite {
  let server: LoopbackServer | undefined;
  let driver: EngineDriver | undefined;
  let page: EnginePage | undefined;

  beforeAll(async () => {
    server = await startLoopbackServer(await buildPageBundle());
    driver = await startEngine(engine);
  });
  afterAll(async () => {
    await driver?.close();
    await server?.close();
  });
  beforeEach(async () => {
    page = await openTestPage(ready(driver, ENGINES[engine].label), ready(server, 'the loopback server').pageUrl);
  });
  afterEach(async () => {
    await page?.close();
    page = undefined;
  });

  return {
    engine,
    get driver() {
      return ready(driver, ENGINES[engine].label);
    },
    get server() {
      return ready(server, 'the loopback server');
    },
    get page() {
      return ready(page, 'the page');
    },
  };
}
