// Where Chromium is, and whether this run may go without it. No vitest or
// playwright imports: the global setup loads this in vitest's main process.
import { accessSync, constants, existsSync } from 'node:fs';

/** Printed once per run when no browser is found outside CI. */
export const SKIP_MESSAGE = 'browser tests skipped: install Chromium (apt-get install chromium) or set CHROME_PATH';

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

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
