// The playground's server: serves the page (its script bundled from the built
// dist/, as an app's bundler would), a WebSocket endpoint the page's closekit
// socket connects to, and a small control API the page's buttons call to make
// the server close that connection — with any code, even ones a browser's
// close() refuses and ones `ws` will not send (those go out as raw frames).
import { readFileSync } from 'node:fs';
import { STATUS_CODES, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { isSendableCode, utf8ByteLength } from 'closekit';
import { createCloser } from 'closekit/server';
import { build } from 'esbuild';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppCodes } from '../contract';

const { closeWith, rejectAfterAccept } = createCloser(AppCodes);

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const ROOT = here('../../');

/** What a button asks the server to do to the page's live connection. */
export type Control =
  | { readonly action: 'close'; readonly code: number; readonly reason?: string }
  | { readonly action: 'empty' }
  | { readonly action: 'drop' }
  | { readonly action: 'refuse'; readonly status: number };

export interface Playground {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Bundles demo/browser/page.ts with 'closekit' resolved through the package's
 * own exports map to dist/index.js (eventemitter3 and tslib from node_modules).
 */
export async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [here('./page.ts')],
    absWorkingDir: ROOT,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    alias: { closekit: here('../../dist/index.js') },
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no page bundle');
  return output.text;
}

/** A server → client close frame (FIN + opcode 8, unmasked): a 2-byte code and the reason. */
export function closeFrame(code: number, reason: string): Buffer {
  const payload = Buffer.concat([Buffer.from([(code >> 8) & 0xff, code & 0xff]), Buffer.from(reason, 'utf8')]);
  return Buffer.concat([Buffer.from([0x88, payload.length]), payload]);
}

// `ws` refuses to send codes RFC 6455 forbids on the wire (1004–1006, 1015,
// 0–999, 1016–2999, 5000+), yet browsers pass them through from a frame.
// The playground writes such a frame on the connection's socket itself.
function rawClose(ws: WebSocket, frame: Buffer): void {
  const socket = (ws as unknown as { _socket: Socket | null })._socket;
  if (socket === null) return;
  socket.write(frame);
  // The server closes TCP first after the closing handshake (RFC 6455 §7.1.1).
  socket.once('data', () => socket.end());
  setTimeout(() => socket.destroy(), 2000).unref();
}

function readBody(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > 10_000) request.destroy(new Error('body too large'));
    });
    request.on('end', () => {
      try {
        resolve(text === '' ? {} : JSON.parse(text));
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

/** Starts the playground on 127.0.0.1 (`port` 0: any free port). */
export async function startPlayground(options: { port?: number } = {}): Promise<Playground> {
  const html = readFileSync(here('./index.html'), 'utf8');
  const script = await bundlePage();

  // Each page load is a session: its live connection, its valid token, its armed refusals.
  interface Session {
    live: WebSocket | undefined;
    token: string;
    refuseNext: number;
    refuseStatus: number;
  }
  const sessions = new Map<string, Session>();
  let tokens = 0;
  const session = (id: string): Session => {
    let found = sessions.get(id);
    if (found === undefined) {
      found = { live: undefined, token: '', refuseNext: 0, refuseStatus: 401 };
      sessions.set(id, found);
    }
    return found;
  };

  const wss = new WebSocketServer({ noServer: true });
  const http = createServer((request, response) => {
    void route(request, response).catch((error: unknown) => {
      if (!response.headersSent) json(response, 400, { error: error instanceof Error ? error.message : String(error) });
    });
  });

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(html);
      return;
    }
    if (request.method === 'GET' && url.pathname === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      response.end(script);
      return;
    }
    if (request.method === 'POST' && url.pathname === '/token') {
      // The stand-in for an auth endpoint: a fresh token, the old one no longer valid.
      const s = session(url.searchParams.get('session') ?? '');
      s.token = `t${++tokens}`;
      json(response, 200, { token: s.token });
      return;
    }
    if (request.method === 'POST' && url.pathname === '/control') {
      const s = session(url.searchParams.get('session') ?? '');
      json(response, 200, act(s, (await readBody(request)) as Control));
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  };

  const act = (s: Session, control: Control): { done: string } | { error: string } => {
    if (control === null || typeof control !== 'object') return { error: 'expected a JSON object such as { "action": "close", "code": 4001 }' };
    if (!['close', 'empty', 'drop', 'refuse'].includes(control.action)) {
      return { error: `unknown action ${JSON.stringify(control.action)}; use close, empty, drop or refuse` };
    }
    if (control.action === 'refuse') {
      if (!Number.isInteger(control.status) || control.status < 400 || control.status > 599) return { error: `an HTTP error status is 400–599, not ${control.status}` };
      s.refuseNext = 1;
      s.refuseStatus = control.status;
      s.live?.terminate();
      return { done: `dropped the connection; the next handshake gets HTTP ${control.status}` };
    }
    const ws = s.live;
    if (ws === undefined || ws.readyState !== ws.OPEN) return { error: 'no open connection to close' };
    switch (control.action) {
      case 'drop':
        ws.terminate();
        return { done: 'cut the TCP connection, no close frame' };
      case 'empty':
        rawClose(ws, Buffer.from([0x88, 0x00]));
        return { done: 'sent an empty close frame (no code)' };
      case 'close': {
        const code = control.code;
        const reason = control.reason ?? '';
        if (!Number.isInteger(code) || code < 0 || code > 65535) return { error: `a close frame carries a 16-bit code (0–65535), not ${code}` };
        if (isSendableCode(code)) {
          closeWith(ws, code, reason);
          if (code === AppCodes.codes.TokenExpired) s.token = '';
          return { done: `closeWith(ws, ${code}${reason === '' ? '' : `, "${reason}"`})` };
        }
        if (utf8ByteLength(reason) > 123) return { error: 'a close reason may be at most 123 UTF-8 bytes' };
        rawClose(ws, closeFrame(code, reason));
        return { done: `wrote a raw close frame with ${code} (ws refuses to send it)` };
      }
    }
  };

  http.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/live') {
      socket.destroy();
      return;
    }
    const s = session(url.searchParams.get('session') ?? '');
    if (s.refuseNext > 0) {
      s.refuseNext--;
      socket.end(`HTTP/1.1 ${s.refuseStatus} ${STATUS_CODES[s.refuseStatus] ?? 'Refused'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      // A raw close frame makes ws meet codes it considers invalid; that is expected here.
      ws.on('error', () => undefined);
      if (s.token === '' || url.searchParams.get('token') !== s.token) {
        rejectAfterAccept(ws, 'TokenExpired', 'token expired');
        return;
      }
      s.live = ws;
      ws.send('welcome');
      ws.on('close', () => {
        if (s.live === ws) s.live = undefined;
      });
    });
  });

  await new Promise<void>((resolve) => http.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
