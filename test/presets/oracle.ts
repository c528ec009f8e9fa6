// Runs graphql-ws's own client and a closekit socket with the graphqlWs preset
// against the same server, and reports how many sockets each opened before it
// gave up (or before the cap, for a client that never gives up).
import { createClient, type ServerOptions } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { createRequire } from 'node:module';
import WsWebSocket, { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { createPolicy } from '../../src/policy';
import { createSocket, type ManagedSocket, type SocketOptions } from '../../src/socket';
import { graphqlWs } from '../../src/presets/index';

/** Sockets a client may open in one run before the run is cut short: above graphql-ws's 6. */
export const CAP = 9;

// Port 1 on loopback: nothing listens there, so a connection is refused at once.
const REFUSED = 'ws://127.0.0.1:1/';

/** What one client did in one run. */
export interface Outcome {
  /** `new WebSocket()` calls, counted on the client side. */
  readonly sockets: number;
  /** 'gave-up' when the client stopped by itself, 'capped' when it was still retrying at CAP sockets. */
  readonly end: 'gave-up' | 'capped';
  /** The close code of every socket, in order (1006 for one that failed without a close frame). */
  readonly codes: readonly number[];
}

/** Raw protocol frames a scenario makes a client send, on open and after `connection_ack`. */
export interface Script {
  /** Sent as soon as the socket opens (before graphql-ws's client sends its connection_init). */
  readonly onOpen?: readonly string[];
  /** Sent after the server's connection_ack. */
  readonly onAck?: readonly string[];
  /** closekit only: do not send connection_init (graphql-ws's client always does, after its connectionParams). */
  readonly noInit?: boolean;
  /** graphql-ws only: hold connection_init back this long (its connectionParams resolves late). */
  readonly initDelayMs?: number;
  /** The subprotocols to offer instead of `graphql-transport-ws` (`[]`: none). */
  readonly protocols?: readonly string[];
}

export const init = '{"type":"connection_init"}';
export const subscribe = (id: string): string => JSON.stringify({ type: 'subscribe', id, payload: { query: 'subscription { ticks }' } });

const isAck = (data: unknown): boolean => String(data).includes('"connection_ack"');

/** Runs graphql-ws's `createClient` (not lazy, so it holds a lock like a live subscription; no retry wait). */
export function runGraphqlWs(url: string, script: Script = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const codes: number[] = [];
    let sockets = 0;
    let done = false;
    // Counts sockets and, for subprotocol scenarios, changes what is offered.
    // Once the run is over, every further socket goes to a refused port: graphql-ws treats that
    // error as fatal and ends by itself (disposing it mid-connect leaves a stray rejection).
    class Counting extends WsWebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(done ? REFUSED : address, script.protocols === undefined ? protocols : [...script.protocols]);
        if (done) return;
        sockets++;
        this.addEventListener('close', (event) => {
          codes.push(event.code);
          if (sockets >= CAP) finish('capped');
        });
      }
    }
    const finish = (end: Outcome['end']): void => {
      if (done) return;
      done = true;
      // graphql-ws may give up before the socket's own close event: let it land in `codes`.
      setTimeout(() => resolve({ sockets, end, codes: [...codes] }), 20);
    };
    createClient({
      url,
      lazy: false,
      webSocketImpl: Counting,
      retryWait: async () => {},
      connectionParams: script.initDelayMs === undefined ? undefined : () => new Promise<Record<string, unknown>>((r) => setTimeout(() => r({}), script.initDelayMs)),
      onNonLazyError: () => finish('gave-up'),
      on: {
        opened: (socket) => {
          for (const frame of script.onOpen ?? []) (socket as WsWebSocket).send(frame);
        },
        connected: (socket) => {
          for (const frame of script.onAck ?? []) (socket as WsWebSocket).send(frame);
        },
      },
    });
  });
}

/** Runs a closekit socket with the graphqlWs preset and no backoff delay; the app speaks the protocol's first steps. */
export function runCloseKit(url: string, script: Script = {}, options: Partial<SocketOptions> = {}): Promise<Outcome & { socket: ManagedSocket }> {
  return new Promise((resolve) => {
    const codes: number[] = [];
    let sockets = 0;
    class Counting extends WsWebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols);
        sockets++;
      }
    }
    const socket = createSocket(url, {
      preset: graphqlWs,
      WebSocket: Counting,
      pauseWhenOffline: false,
      // No waiting between attempts: the run is about decisions and counts, not timing.
      policy: createPolicy({ preset: graphqlWs, backoff: { initialMs: 0, maxMs: 0 } }),
      // A handshake protocol: connection_init is sent on each open, never replayed (see docs/presets.md).
      queue: false,
      ...(script.protocols && { protocols: [...script.protocols] }),
      ...options,
    });
    let done = false;
    const finish = (end: Outcome['end']): void => {
      if (done) return;
      done = true;
      socket.dispose();
      resolve({ sockets, end, codes, socket });
    };
    socket.on('open', () => {
      for (const frame of script.onOpen ?? []) socket.send(frame);
      if (!script.noInit) socket.send(init);
    });
    socket.on('message', (data) => {
      if (isAck(data)) for (const frame of script.onAck ?? []) socket.send(frame);
    });
    socket.on('close', ({ result }) => {
      codes.push(result.code);
      if (sockets >= CAP) finish('capped');
    });
    socket.on('stopped', () => finish('gave-up'));
  });
}

// graphql-ws, loaded by Node itself, gets graphql's CommonJS build (the package has no `exports`);
// the schema must come from that same module, not from the ESM build the test bundler would pick.
const { buildSchema } = createRequire(import.meta.url)('graphql') as typeof import('graphql');
const schema = buildSchema('type Query { hello: String } type Subscription { ticks: Int }');

export interface GraphqlServer {
  readonly url: string;
  /** graphql-ws's `dispose` (closes every client with 1001, stops listening). */
  dispose(): Promise<void>;
  close(): Promise<void>;
}

/** graphql-ws's real server (`graphql-ws/use/ws`) on a `ws` server on 127.0.0.1. */
export async function startGraphqlServer(options: Omit<ServerOptions, 'schema' | 'roots'> = {}): Promise<GraphqlServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const { port } = wss.address() as AddressInfo;
  // A subscription that stays open until the connection goes: duplicate ids need a live one.
  const roots = {
    subscription: {
      ticks: async function* ticks() {
        yield { ticks: 1 };
        await new Promise(() => {});
      },
    },
  };
  // Keep-alive 0: the server's protocol-level pings are not what these tests are about.
  // biome-ignore lint/correctness/useHookAtTopLevel: graphql-ws's useServer, not a React hook.
  const server = useServer({ schema, roots, ...options }, wss, 0);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const client of wss.clients) client.terminate();
    await Promise.resolve(server.dispose()).catch(() => {});
  };
  const dispose = async (): Promise<void> => {
    closed = true;
    await server.dispose();
  };
  return { url: `ws://127.0.0.1:${port}/graphql`, dispose, close };
}
