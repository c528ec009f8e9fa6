// npm run demo:browser [-- --port <n> | --once | --help]
// Serves the playground on 127.0.0.1 until Ctrl-C.
import { parseArgs } from 'node:util';
import { startPlayground } from './playground-server';

const USAGE = `Usage: npm run demo:browser [-- options]

Serves the closekit playground on 127.0.0.1: a page whose buttons make the
server close the page's WebSocket with any code, and a live timeline of what
closekit decided. Open the printed URL in a browser; Ctrl-C stops it.

Options:
  --port <n>   listen on this port (default: any free port)
  --once       check that the page and its script are served, then exit
  --help       show this help`;

function fail(message: string): never {
  process.stderr.write(`demo:browser: ${message}\nRun with --help to see the options.\n`);
  process.exit(2);
}

let values: { port?: string | undefined; once?: boolean | undefined; help?: boolean | undefined };
try {
  ({ values } = parseArgs({
    options: { port: { type: 'string' }, once: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

if (values.help === true) {
  process.stdout.write(`${USAGE}\n`);
} else {
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a whole number in 0–65535, got "${values.port ?? ''}".`);
  const playground = await startPlayground({ port });
  if (values.once === true) {
    const page = await fetch(playground.url);
    const script = await fetch(new URL('page.js', playground.url));
    const ok = page.ok && script.ok && (await page.text()).includes('closekit playground') && (await script.text()).length > 0;
    process.stdout.write(`${ok ? 'ok' : 'FAILED'}: playground served at ${playground.url}\n`);
    await playground.close();
    process.exitCode = ok ? 0 : 1;
  } else {
    process.stdout.write(`closekit playground: ${playground.url}\nOpen it in a browser and click a close code. Ctrl-C to stop.\n`);
    const stop = () => {
      void playground.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
}
