// WebKitGTK through its WebDriver (WebKitWebDriver, which starts MiniBrowser
// in automation mode) on a private Xvfb display. The suite starts Xvfb and the
// driver itself, each in its own process group, and stops both by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { enginePath } from '../locate';
import { emulateOnline, type EngineDriver, type EnginePage, type PageFunction } from './driver';
import { newSession, waitUntilReady, type WebDriverSession } from './webdriver';

const HOST = '127.0.0.1';

/** A free TCP port on loopback (the driver takes a port number, not a listening socket). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Process groups started here and not yet stopped: killed if the test process exits early. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/** Stops a process group this suite started: SIGTERM, then SIGKILL if it lingers. */
async function stop(child: ChildProcess): Promise<void> {
  live.delete(child);
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** Starts Xvfb on the first free display (`-displayfd`: the server writes the number it took). */
async function startXvfb(): Promise<{ child: ChildProcess; display: string }> {
  const child = spawn(enginePath('webkit', 'XVFB_PATH'), ['-displayfd', '3', '-screen', '0', '1024x768x24', '-nolisten', 'tcp'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb gave no display within 10 s: ${stderr.trim()}`)), 10_000);
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${out.trim()}`);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${String(code)}): ${stderr.trim()}`));
    });
  });
  return { child, display };
}

/** The WebDriver script that runs a page function with its argument and reports its result or error. */
function asyncScript(source: string): string {
  return [
    // esbuild's keepNames (vitest, tsx) wraps named functions in `__name(…)`; give the page one.
    'const __name = (target) => target;',
    'const arg = arguments[0];',
    'const done = arguments[arguments.length - 1];',
    `Promise.resolve().then(() => (${source})(arg)).then(`,
    '  (value) => done({ ok: true, value: value === undefined ? null : value }),',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: this is page code sent as a string; the template runs in the page.
    '  (error) => done({ ok: false, error: error instanceof Error ? `${error.name}: ${error.message} ${error.stack}` : String(error) }),',
    ');',
  ].join('\n');
}

async function evaluate<A, R>(session: WebDriverSession, fn: PageFunction<A, R>, arg: A): Promise<R> {
  const reply = (await session.executeAsync(asyncScript(fn.toString()), [arg === undefined ? null : arg])) as { ok: boolean; value?: R; error?: string };
  if (!reply.ok) throw new Error(`in the WebKitGTK page: ${reply.error ?? 'unknown error'}`);
  return reply.value as R;
}

export async function startWebKit(): Promise<EngineDriver> {
  const xvfb = await startXvfb();
  let driver: ChildProcess | undefined;
  let session: WebDriverSession | undefined;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    try {
      await session?.delete();
    } catch {
      // The driver may already be gone; its process group is stopped below.
    }
    if (driver !== undefined) await stop(driver);
    await stop(xvfb.child);
  };
  try {
    const port = await freePort();
    driver = spawn(enginePath('webkit', 'WEBKIT_DRIVER_PATH'), [`--port=${port}`, `--host=${HOST}`], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, DISPLAY: xvfb.display },
    });
    live.add(driver);
    const base = `http://${HOST}:${port}`;
    const started = driver;
    // Fail at once, with a clear message, if the driver exits (a port taken in between, a broken install).
    const exited = new Promise<never>((_, reject) => {
      started.once('exit', (code, signal) => reject(new Error(`WebKitWebDriver exited before its session started (${String(signal ?? code)})`)));
    });
    exited.catch(() => {});
    await Promise.race([waitUntilReady(base, 15_000), exited]);
    session = await newSession(
      base,
      {
        'webkitgtk:browserOptions': { binary: enginePath('webkit', 'WEBKIT_BROWSER_PATH'), args: ['--automation'] },
      },
      60_000,
    );
  } catch (error) {
    await close();
    throw error;
  }
  const current = session;
  const name = String(current.capabilities['browserName'] ?? 'WebKitGTK');
  const version = String(current.capabilities['browserVersion'] ?? '?');
  let open = false;
  return {
    engine: 'webkit',
    version: `WebKitGTK ${version}${name === 'MiniBrowser' ? '' : ` (${name})`}`,
    offline: 'events',
    open: async (url): Promise<EnginePage> => {
      if (open) throw new Error('the WebKitGTK driver has one page; close the last one first');
      await current.navigate(url);
      open = true;
      return {
        evaluate: (fn, arg) => evaluate(current, fn, arg),
        setOffline: (offline) => evaluate(current, emulateOnline, !offline),
        close: async () => {
          open = false;
          // A new document ends the old one, and its WebSockets with it.
          await current.navigate('about:blank');
        },
      };
    },
    close,
  };
}
