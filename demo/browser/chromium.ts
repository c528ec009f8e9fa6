// Launches the Chromium the repository's browser tests use: CHROME_PATH, else
// Debian's /usr/bin/chromium, headless, with flags that keep it local and quiet.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Pages are on the 127.0.0.1 literal; no host name is resolved, so nothing leaves the machine.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** The browser binary: `CHROME_PATH`, else `/usr/bin/chromium`. */
export function chromiumPath(): string {
  const configured = process.env['CHROME_PATH'];
  return configured !== undefined && configured !== '' ? configured : '/usr/bin/chromium';
}

/**
 * Headless Chromium from `executablePath`, with the flags above. The browser tests launch through this too;
 * `ignoreDefaultArgs` drops some of playwright's own flags (its `--disable-back-forward-cache`, say).
 */
export function launchChromiumAt(executablePath: string, ignoreDefaultArgs?: string[]): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: LAUNCH_ARGS, timeout: 30_000, ...(ignoreDefaultArgs && { ignoreDefaultArgs }) });
}

/** Headless Chromium, or an error that says how to get one. */
export function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: install it (apt-get install chromium) or set CHROME_PATH.`);
  }
  return launchChromiumAt(executablePath);
}
