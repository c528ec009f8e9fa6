// A small W3C WebDriver client: just the commands the suite needs (new
// session, navigate, execute async script, delete session), over Node's fetch
// to a driver on 127.0.0.1. Command shapes follow the W3C WebDriver
// recommendation (https://www.w3.org/TR/webdriver2/): every response body is
// `{ value }`, and an error's value carries `error` and `message` (§6.6).

/** An error the remote end reported (W3C error code and message). */
export class WebDriverError extends Error {
  constructor(
    readonly command: string,
    readonly error: string,
    message: string,
  ) {
    super(`WebDriver ${command}: ${error}: ${message}`);
    this.name = 'WebDriverError';
  }
}

interface Reply {
  readonly value: unknown;
}

/** Sends one command; returns its `value`, or throws the remote end's error. */
async function command(base: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${base}${path}`, body === undefined ? { method } : { method, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) });
  const text = await response.text();
  let reply: Reply;
  try {
    reply = JSON.parse(text) as Reply;
  } catch {
    throw new WebDriverError(`${method} ${path}`, `HTTP ${response.status}`, text.slice(0, 200));
  }
  // §6.6: an error is a non-2xx status with `{ error, message }` as the value.
  const value = reply.value as { error?: unknown; message?: unknown } | null;
  if (!response.ok) {
    throw new WebDriverError(`${method} ${path}`, String(value?.error ?? `HTTP ${response.status}`), String(value?.message ?? text.slice(0, 200)));
  }
  return reply.value;
}

/** One WebDriver session. */
export interface WebDriverSession {
  readonly id: string;
  /** The capabilities the remote end matched (browserName, browserVersion, …). */
  readonly capabilities: Readonly<Record<string, unknown>>;
  /** Navigate to `url` and wait for its load (§10.1). */
  navigate(url: string): Promise<void>;
  /**
   * Execute Async Script (§13.2.2): `body` is a function body that gets its
   * arguments as `arguments`, the last one being the callback that resolves
   * the command.
   */
  executeAsync(body: string, args: readonly unknown[]): Promise<unknown>;
  /** Delete Session (§8.2): the driver closes the browser. */
  delete(): Promise<void>;
}

/** Opens a session on the driver at `base` (`http://127.0.0.1:<port>`). */
export async function newSession(base: string, alwaysMatch: Readonly<Record<string, unknown>>, scriptTimeoutMs: number): Promise<WebDriverSession> {
  const created = (await command(base, 'POST', '/session', { capabilities: { alwaysMatch } })) as {
    sessionId: string;
    capabilities: Record<string, unknown>;
  };
  const id = created.sessionId;
  const path = `/session/${encodeURIComponent(id)}`;
  await command(base, 'POST', `${path}/timeouts`, { script: scriptTimeoutMs, pageLoad: 30_000 });
  return {
    id,
    capabilities: created.capabilities,
    navigate: async (url) => {
      await command(base, 'POST', `${path}/url`, { url });
    },
    executeAsync: (body, args) => command(base, 'POST', `${path}/execute/async`, { script: body, args }),
    delete: async () => {
      await command(base, 'DELETE', path);
    },
  };
}

/** Polls the driver's Status endpoint (§8.3) until it is ready or `timeoutMs` passes. */
export async function waitUntilReady(base: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const status = (await command(base, 'GET', '/status')) as { ready?: boolean };
      if (status.ready !== false) return;
      last = 'not ready';
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`WebDriver at ${base} not ready within ${timeoutMs} ms: ${String(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
