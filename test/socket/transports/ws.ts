// The scenario transport on a real `ws` server on 127.0.0.1 (../../support/ws-server.ts)
// with a real WebSocket client (undici's or `ws`'s) and real time. Waits are
// bounded; a measured delay may run late by LATE_MS on a loaded machine.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { expect } from 'vitest';
import type { WebSocket as ServerSocket } from 'ws';
import type { TimerHandle, Timers } from '../../../src/environment';
import { createSocket, type ManagedSocket, type WebSocketClass } from '../../../src/socket';
import { compilePolicy } from '../../support/policy';
import { sleep, startTestServer, type Behaviour as WsBehaviour, type TestServer } from '../../support/ws-server';
import { AppCodes, baseOptions, record, type AppNames, type Behaviour, type Client, type ClientOptions, type ServerConnection, type Session, type Transport } from './transport';

/** How late a real timer or a real network step may be on a shared, loaded machine. */
const LATE_MS = 150;
/** Node starts a timer from the event loop's cached time, so it may fire this much early by a fresh clock. */
const EARLY_MS = 20;
const DEFAULT_BOUND_MS = 5000;

/** Real timers that know which are still pending. */
function trackedTimers(): Timers & { pending(): number } {
  const live = new Set<TimerHandle>();
  return {
    setTimeout(callback, delayMs) {
      const handle = setTimeout(() => {
        live.delete(handle);
        callback();
      }, delayMs);
      live.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      live.delete(handle);
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
    pending: () => live.size,
  };
}

/** What the server side knows about one accepted connection. */
interface Accepted {
  readonly ws: ServerSocket;
  readonly received: string[];
  endedBy: 'server' | 'network' | undefined;
  closedBy: ServerConnection['closedBy'];
  closeCode: number | undefined;
  closeReason: string;
}

export function wsTransport(clientName: string, WebSocket: WebSocketClass): Transport {
  const servers: TestServer[] = [];
  const sockets: ManagedSocket<AppNames>[] = [];
  return {
    name: `ws server, ${clientName} client`,
    async start(): Promise<Session> {
      const server = await startTestServer();
      servers.push(server);
      const accepted = new Map<Socket, Accepted>();

      const track = (ws: ServerSocket, request: IncomingMessage): Accepted => {
        const entry: Accepted = { ws, received: [], endedBy: undefined, closedBy: undefined, closeCode: undefined, closeReason: '' };
        accepted.set(request.socket, entry);
        ws.on('message', (data, isBinary) => {
          const text = isBinary ? '<binary>' : data.toString();
          if (text !== 'ping') entry.received.push(text);
        });
        ws.on('close', (code, reason) => {
          entry.closedBy = entry.endedBy ?? (code === 1006 ? 'network' : 'client');
          if (entry.closedBy === 'client') {
            entry.closeCode = code;
            entry.closeReason = reason.toString();
          }
        });
        return entry;
      };
      const script = (behaviour: Behaviour): WsBehaviour => {
        if (behaviour === 'hang') return 'hang';
        if (behaviour === 'refuse') return { http: 401 };
        return (ws, request) => {
          const entry = track(ws, request);
          if (behaviour === 'accept') return;
          if (behaviour === 'drop') {
            entry.endedBy = 'network';
            ws.terminate();
          } else if ('send' in behaviour) ws.send(behaviour.send);
          else {
            entry.endedBy = 'server';
            ws.close(typeof behaviour.close === 'number' ? behaviour.close : AppCodes.codeOf(behaviour.close), behaviour.reason);
          }
        };
      };
      server.setDefault(script('accept'));

      const view = (index: number): ServerConnection => {
        const tcp = server.upgradeSockets[index] as Socket;
        const entry = (): Accepted | undefined => accepted.get(tcp);
        return {
          url: server.requestUrls[index] ?? '',
          get state() {
            const ws = entry()?.ws;
            // A client that gives up on a hung handshake ends its side (FIN); the
            // server, which never answered, keeps its own open until it stops.
            if (ws === undefined) return tcp.closed || tcp.readableEnded ? 'closed' : 'connecting';
            return (['connecting', 'open', 'closing', 'closed'] as const)[ws.readyState] ?? 'closed';
          },
          get closedBy() {
            const known = entry();
            if (known !== undefined) return known.closedBy;
            return tcp.closed || tcp.readableEnded ? 'network' : undefined;
          },
          get closeCode() {
            return entry()?.closeCode;
          },
          get closeReason() {
            return entry()?.closeReason ?? '';
          },
          get received() {
            return entry()?.received ?? [];
          },
        };
      };
      const endAll = (by: 'server' | 'network'): void => {
        for (const entry of accepted.values()) if (entry.ws.readyState === entry.ws.OPEN) entry.endedBy = by;
      };

      const timers = trackedTimers();
      const waiters = new Set<() => void>();
      const now = (): number => performance.now();

      return {
        origin: server.url,
        server: {
          next: (...behaviours) => void server.next(...behaviours.map(script)),
          setDefault: (behaviour) => void server.setDefault(script(behaviour)),
          setPong: (on) => server.setPong(on),
          dropAll() {
            endAll('network');
            server.destroyAll();
          },
          restart({ downForMs }) {
            endAll('server');
            return server.restart({ downForMs });
          },
          get connections() {
            return server.requestUrls.map((_url, index) => view(index));
          },
          get received() {
            return server.received;
          },
          get pings() {
            return server.pings;
          },
        },
        connect(options: ClientOptions = {}): Client {
          const attemptTimes: number[] = [];
          const Base = WebSocket as unknown as new (url: string, protocols?: string | string[]) => object;
          const Counting = class extends Base {
            constructor(url: string, protocols?: string | string[]) {
              attemptTimes.push(now());
              super(url, protocols);
            }
          } as unknown as WebSocketClass;
          const socket = createSocket(
            options.url ?? `${server.url}/live`,
            compilePolicy({
              ...baseOptions(options),
              codes: AppCodes,
              WebSocket: Counting,
              timers,
            }) as never,
          );
          sockets.push(socket);
          const recorder = record(socket, now, () => {
            for (const check of [...waiters]) check();
          });
          return { socket, ...recorder, attempts: () => attemptTimes.length, attemptTimes };
        },
        now,
        until(predicate, what, boundMs = DEFAULT_BOUND_MS) {
          if (predicate()) return Promise.resolve();
          return new Promise<void>((resolve, reject) => {
            // Checked after every socket event as well as every few ms, so a
            // passing state (such as `waiting`) is not missed between polls.
            const check = (): void => {
              let done: boolean;
              try {
                done = predicate();
              } catch (error) {
                finish();
                reject(error);
                return;
              }
              if (!done) return;
              finish();
              resolve();
            };
            const poll = setInterval(check, 5);
            const timeout = setTimeout(() => {
              finish();
              reject(new Error(`Timed out after ${boundMs} ms waiting for ${what}.`));
            }, boundMs);
            const finish = (): void => {
              waiters.delete(check);
              clearInterval(poll);
              clearTimeout(timeout);
            };
            waiters.add(check);
          });
        },
        pass: sleep,
        pendingTimers: timers.pending,
        expectDelay(actualMs, ms) {
          expect(actualMs).toBeGreaterThanOrEqual(ms - EARLY_MS);
          expect(actualMs).toBeLessThanOrEqual(ms + LATE_MS);
        },
        expectAtMost: (actualMs, ms) => expect(actualMs).toBeLessThanOrEqual(ms + LATE_MS),
      };
    },
    async cleanup() {
      for (const socket of sockets.splice(0)) socket.dispose();
      await Promise.all(servers.splice(0).map((server) => server.close()));
    },
  };
}
