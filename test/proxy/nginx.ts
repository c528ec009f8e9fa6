// A real nginx (Debian's package) in front of a `ws` upstream, for the proxy
// suite: its own config in a temp directory, listening on 127.0.0.1 only,
// started as a foreground process and stopped by its PID. Without nginx a
// developer's run skips the suite with the install hint; CI fails instead.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';

const INSTALL_HINT = 'install nginx (apt-get install nginx) or set NGINX_PATH';

/** `NGINX_PATH`, else Debian's nginx. */
export function nginxPath(): string {
  const configured = process.env['NGINX_PATH'];
  return configured !== undefined && configured !== '' ? configured : '/usr/sbin/nginx';
}

function findNginx(): string | undefined {
  const path = nginxPath();
  if (!existsSync(path)) return undefined;
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

/** True in CI (`CI=true`/`CI=1`) or with `CLOSEKIT_REQUIRE_NGINX=1`. */
function nginxRequired(): boolean {
  const ci = process.env['CI'];
  return ci === 'true' || ci === '1' || process.env['CLOSEKIT_REQUIRE_NGINX'] === '1';
}

/** `describe` with nginx; `describe.skip` (with the hint) without it; throws in CI without it. */
export function describeWithNginx(): typeof describe | typeof describe.skip {
  if (findNginx() !== undefined) return describe;
  if (nginxRequired()) throw new Error(`nginx not found at ${nginxPath()} and the proxy suite is required here (CI or CLOSEKIT_REQUIRE_NGINX=1): ${INSTALL_HINT}.`);
  console.warn(`proxy tests skipped: ${INSTALL_HINT}`);
  return describe.skip;
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function accepting(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface Nginx {
  /** `ws://127.0.0.1:<port>` of the proxy. */
  readonly url: string;
  /** Stops nginx by its PID and removes its directory. */
  stop(): Promise<void>;
}

export interface NginxOptions {
  /** The upstream `ws` server's port on 127.0.0.1 (nothing listening there: upstream down). */
  readonly upstreamPort: number;
  /** nginx's `proxy_read_timeout`, in seconds. @default 60 (nginx's own default) */
  readonly readTimeoutS?: number;
}

/** Starts nginx proxying WebSocket upgrades to the upstream, with the config the usual guides give. */
export async function startNginx(options: NginxOptions): Promise<Nginx> {
  const binary = findNginx();
  if (binary === undefined) throw new Error(`nginx not found: ${INSTALL_HINT}`);
  const dir = mkdtempSync(join(tmpdir(), 'closekit-nginx-'));
  const port = await freePort();
  const config = `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${options.upstreamPort};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout ${options.readTimeoutS ?? 60}s;
    }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), config);
  // -e: the error log from the very start (before the config is read); -p: paths relative to the temp dir.
  const child: ChildProcess = spawn(binary, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await accepting(port, 5000);
  } catch (error) {
    child.kill('SIGKILL');
    const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${log}`);
  }
  return {
    url: `ws://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null && child.pid !== undefined) {
        // SIGTERM to the master (by its PID): a fast shutdown that takes its worker along.
        process.kill(child.pid, 'SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
