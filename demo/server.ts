// The demo's embedded server: a `ws` server on 127.0.0.1 (an ephemeral port)
// that plays a script, one step per connection, using closekit's server half.
// It checks the token in the URL the way a real app would: an expired or
// unknown token is accepted and then closed with TokenExpired (4001), so the
// client learns *why* instead of reading a bare 1006.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCloser } from 'closekit/server';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppCodes } from './contract';

// Bound to the contract the client also imports, so both ends name codes alike.
const { closeWith, rejectAfterAccept } = createCloser(AppCodes);

/** What the server does with one connection. */
export type Step =
  /** Accept, greet, then close with `code` after `afterMs`. */
  | { readonly do: 'close'; readonly afterMs: number; readonly code: number; readonly reason: string; readonly expireToken?: boolean }
  /** Accept, then close at once with `code` (the accept-then-close pattern). */
  | { readonly do: 'reject'; readonly code: number; readonly reason: string }
  /** Accept, then cut the TCP connection without a close frame (the client sees 1006). */
  | { readonly do: 'drop'; readonly afterMs: number }
  /** Answer the upgrade with an HTTP error (the client sees 1006 and never opens). */
  | { readonly do: 'refuse'; readonly status: number }
  /** Accept and stay open until the client leaves. */
  | { readonly do: 'stay' };

/** What the server tells the timeline. */
export interface ServerEvent {
  readonly event: string;
  readonly code?: number;
  readonly note?: string;
}

export interface DemoServer {
  /** `ws://127.0.0.1:<port>/live` */
  readonly url: string;
  /** Hands out a fresh, valid token (the demo's stand-in for an auth endpoint). */
  issueToken(): string;
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

/**
 * Starts the server. The client passes `token` and `n` (its connection count)
 * in the query string; `n` picks the step, so the script does not depend on
 * how many HTTP requests a WebSocket implementation makes for one attempt.
 */
export async function startDemoServer(steps: readonly Step[], log: (event: ServerEvent) => void): Promise<DemoServer> {
  const valid = new Set<string>();
  let issued = 0;
  const issueToken = (): string => {
    const token = `t${++issued}`;
    valid.add(token);
    return token;
  };
  const refused = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const http: Server = createServer((_request, response) => response.writeHead(426).end('WebSocket only\n'));
  const wss = new WebSocketServer({ noServer: true });

  const query = (request: IncomingMessage) => new URL(request.url ?? '/', 'http://127.0.0.1').searchParams;
  const stepFor = (request: IncomingMessage): Step => steps[Number(query(request).get('n')) - 1] ?? { do: 'stay' };

  http.on('upgrade', (request, socket, head) => {
    const step = stepFor(request);
    if (step.do === 'refuse') {
      // undici sends a refused upgrade twice for one attempt; tell the story once.
      const n = query(request).get('n') ?? '';
      if (!refused.has(n)) log({ event: 'refuses', note: `HTTP ${step.status} on the upgrade (the client can only see 1006)` });
      refused.add(n);
      socket.end(`HTTP/1.1 ${step.status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => serve(ws, request, step));
  });

  const serve = (ws: WebSocket, request: IncomingMessage, step: Step) => {
    const token = query(request).get('token') ?? '';
    if (!valid.has(token)) {
      log({ event: 'rejects', code: AppCodes.codes.TokenExpired, note: `token ${token || '(none)'} is not valid` });
      rejectAfterAccept(ws, 'TokenExpired', 'token expired');
      return;
    }
    switch (step.do) {
      case 'reject':
        log({ event: 'rejects', code: step.code, note: `"${step.reason}"` });
        rejectAfterAccept(ws, step.code, step.reason);
        return;
      case 'close':
        ws.send(`hello, ${token}`);
        later(step.afterMs, () => {
          if (step.expireToken === true) valid.delete(token);
          log({ event: 'closes', code: step.code, note: `"${step.reason}"` });
          closeWith(ws, step.code, step.reason);
        });
        return;
      case 'drop':
        later(step.afterMs, () => {
          log({ event: 'drops', note: 'cuts the TCP connection, no close frame' });
          ws.terminate();
        });
        return;
      case 'stay':
      case 'refuse':
        return;
    }
  };

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  return {
    url: `ws://127.0.0.1:${port}/live`,
    issueToken,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const client of wss.clients) client.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
