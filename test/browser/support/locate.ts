// Where each browser engine is, and whether this run may go without it. No
// vitest, playwright or puppeteer imports: the global setup loads this in
// vitest's main process.
import { accessSync, constants, existsSync } from 'node:fs';

/** The engines the browser suite runs in. */
export const ENGINE_NAMES = ['chromium', 'firefox', 'webkit'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** What an engine needs on this machine: executables, each with the variable that overrides it and its default. */
interface Requirement {
  readonly what: string;
  readonly env: string;
  readonly fallback: string;
}

/** The engine's display name, its Debian packages, and the executables they provide. */
export interface EngineInfo {
  readonly name: EngineName;
  readonly label: string;
  readonly apt: string;
  readonly needs: readonly Requirement[];
}

export const ENGINES: Readonly<Record<EngineName, EngineInfo>> = {
  chromium: {
    name: 'chromium',
    label: 'Chromium',
    apt: 'apt-get install chromium',
    needs: [{ what: 'Chromium', env: 'CHROME_PATH', fallback: '/usr/bin/chromium' }],
  },
  firefox: {
    name: 'firefox',
    label: 'Firefox',
    apt: 'apt-get install firefox-esr',
    needs: [{ what: 'Firefox', env: 'FIREFOX_PATH', fallback: '/usr/bin/firefox-esr' }],
  },
  webkit: {
    name: 'webkit',
    label: 'WebKitGTK',
    apt: 'apt-get install webkit2gtk-driver xvfb',
    needs: [
      { what: 'WebKitWebDriver', env: 'WEBKIT_DRIVER_PATH', fallback: '/usr/bin/WebKitWebDriver' },
      { what: 'MiniBrowser', env: 'WEBKIT_BROWSER_PATH', fallback: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser' },
      { what: 'Xvfb', env: 'XVFB_PATH', fallback: '/usr/bin/Xvfb' },
    ],
  },
};

function configured(requirement: Requirement): string {
  const value = process.env[requirement.env];
  return value !== undefined && value !== '' ? value : requirement.fallback;
}

function executable(path: string): boolean {
  if (!existsSync(path)) return false;
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The executables an engine needs, by variable name (e.g. `CHROME_PATH`), when every one exists; else undefined. */
export function findEngine(engine: EngineName): Readonly<Record<string, string>> | undefined {
  const found: Record<string, string> = {};
  for (const requirement of ENGINES[engine].needs) {
    const path = configured(requirement);
    if (!executable(path)) return undefined;
    found[requirement.env] = path;
  }
  return found;
}

/** The path an engine uses for one of its executables (by its variable name), found or not. */
export function enginePath(engine: EngineName, env: string): string {
  const requirement = ENGINES[engine].needs.find((need) => need.env === env);
  if (requirement === undefined) throw new Error(`${engine} has no executable configured by ${env}`);
  return configured(requirement);
}

/** True in CI (`CI=true`/`CI=1`) or with `CLOSEKIT_REQUIRE_BROWSER=1`: a missing engine is a failure. */
export function browserRequired(): boolean {
  const ci = process.env['CI'];
  return ci === 'true' || ci === '1' || process.env['CLOSEKIT_REQUIRE_BROWSER'] === '1';
}

function missingParts(engine: EngineName): string {
  return ENGINES[engine].needs
    .filter((need) => !executable(configured(need)))
    .map((need) => `${need.what} (${configured(need)}; set ${need.env})`)
    .join(', ');
}

/** One line for a developer's run: why this engine's tests are skipped, and the install hint. */
export function skipMessage(engine: EngineName): string {
  const info = ENGINES[engine];
  return `${info.label} browser tests skipped: missing ${missingParts(engine)}; install with \`${info.apt}\``;
}

/** The short form, for the title of the skipped block: what to install or set. */
export function installHint(engine: EngineName): string {
  const info = ENGINES[engine];
  return `skipped: install with \`${info.apt}\` or set ${info.needs.map((need) => need.env).join('/')}`;
}

/** Explains what is missing, for the failure in CI. */
export function missingEngineMessage(engine: EngineName): string {
  const info = ENGINES[engine];
  return `${info.label} is required here (CI or CLOSEKIT_REQUIRE_BROWSER=1) but missing: ${missingParts(engine)}. Install it (${info.apt}) or point the variable at it.`;
}
