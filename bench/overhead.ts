// Message overhead: echo 64-byte messages over a loopback `ws` server through a
// ManagedSocket and through the bare client it wraps, in the same run. Messages
// are pipelined (a fixed window in flight) so the wire is never idle. Each run
// sends each side's messages in short chunks that alternate with the other
// side's, so both see the same machine load even when it drifts; several runs
// give every figure as a median with its range.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WebSocket as UndiciWebSocket } from 'undici';
import { WebSocket as WsWebSocket } from 'ws';
import type { WebSocketConstructorLike } from 'closekit';
import { medianOf, spreadOf, type Spread } from './lib/stats';

export const overheadScenario = {
  /** Runs per client; every figure is the median of the runs, with their range. */
  runs: 5,
  /** Messages per side in one run. */
  messages: 20_000,
  messageBytes: 64,
  /** Messages in flight at once. */
  window: 256,
  /** Each side's messages in a run are sent in this many chunks, alternating bare and managed. */
  chunks: 20,
  warmupMessages: 5_000,
  /** A round that takes longer than this fails the section instead of hanging. */
  roundTimeoutMs: 60_000,
} as const;

/** One run of one client library, bare and wrapped. */
export interface OverheadRun {
  /** All of the bare side's messages over its total time in this run. */
  readonly bareMessagesPerSecond: number;
  readonly managedMessagesPerSecond: number;
  /**
   * managed ÷ bare: the median over the run's chunk pairs (each managed chunk
   * against the bare chunk run right next to it), so a burst of load from
   * elsewhere that hits one chunk does not decide the run.
   */
  readonly ratio: number;
  /** Client CPU time per message, µs (the echo server runs in another process). */
  readonly bareCpuMicrosPerMessage: number;
  readonly managedCpuMicrosPerMessage: number;
  /** bare CPU ÷ managed CPU per message: the throughput ratio if the client's CPU were the limit. */
  readonly cpuRatio: number;
}

/** One client library over every run: each figure as the median of the runs and their range. */
export interface OverheadResult {
  readonly client: string;
  readonly bareMessagesPerSecond: Spread;
  readonly managedMessagesPerSecond: Spread;
  /** managed ÷ bare throughput (per run: the median chunk pair); 1.00 means no measurable overhead. Checked against the target. */
  readonly ratio: Spread;
  readonly bareCpuMicrosPerMessage: Spread;
  readonly managedCpuMicrosPerMessage: Spread;
  readonly cpuRatio: Spread;
  readonly runs: readonly OverheadRun[];
}

/** The least a pump needs: send a string, hear each echo. */
interface Channel {
  send(data: string): void;
  onMessage(listener: () => void): void;
  close(): void;
}

const payload = 'x'.repeat(overheadScenario.messageBytes);

interface PumpTime {
  readonly wallMs: number;
  /** CPU time of this process (the clients only: the server runs in another process). */
  readonly cpuMs: number;
}

function pump(channel: Channel, total: number): Promise<PumpTime> {
  const { window, roundTimeoutMs } = overheadScenario;
  return new Promise((resolve, reject) => {
    let sent = 0;
    let received = 0;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const timeout = setTimeout(() => reject(new Error(`echo round timed out after ${roundTimeoutMs} ms (${received}/${total})`)), roundTimeoutMs);
    channel.onMessage(() => {
      received += 1;
      if (sent < total) {
        sent += 1;
        channel.send(payload);
      }
      if (received === total) {
        clearTimeout(timeout);
        const cpu = process.cpuUsage(cpuStarted);
        resolve({ wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 });
      }
    });
    for (; sent < Math.min(window, total); sent++) channel.send(payload);
  });
}

/** A browser-style WebSocket (ws or undici) used directly. */
function bareChannel(Constructor: WebSocketConstructorLike, url: string): Promise<Channel> {
  return new Promise((resolve, reject) => {
    const socket = new Constructor(url);
    let listener: () => void = () => {};
    socket.onmessage = () => listener();
    socket.onerror = () => reject(new Error(`could not connect to ${url}`));
    socket.onopen = () =>
      resolve({
        send: (data) => socket.send(data as never),
        onMessage: (next) => {
          listener = next;
        },
        close: () => socket.close(),
      });
  });
}

/** The same constructor wrapped in a ManagedSocket with default options. */
async function managedChannel(Constructor: WebSocketConstructorLike, url: string): Promise<Channel> {
  const { createSocket } = await import('closekit');
  const socket = createSocket(url, { WebSocket: Constructor });
  let listener: () => void = () => {};
  socket.on('message', () => listener());
  try {
    await new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`ManagedSocket did not open ${url} within 10 s`)), 10_000);
      socket.once('open', () => {
        clearTimeout(timeout);
        resolve();
      });
      socket.once('stopped', () => {
        clearTimeout(timeout);
        reject(new Error(`ManagedSocket stopped before opening ${url}`));
      });
    });
  } catch (error) {
    socket.dispose();
    throw error;
  }
  return {
    send: (data) => socket.send(data),
    onMessage: (next) => {
      listener = next;
    },
    close: () => socket.dispose(),
  };
}

async function startEchoServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./lib/echo-server.mjs', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) resolve(Number(output.trim()));
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`echo server exited early (${String(code)})`)));
  });
  return {
    url: `ws://127.0.0.1:${port}/`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

const clients: readonly { readonly name: string; readonly Constructor: WebSocketConstructorLike }[] = [
  { name: 'ws 8', Constructor: WsWebSocket as unknown as WebSocketConstructorLike },
  { name: 'undici 7', Constructor: UndiciWebSocket as unknown as WebSocketConstructorLike },
];

/** One run: `chunks` alternating chunk pairs over two open channels. */
async function measureRun(bare: Channel, managed: Channel): Promise<OverheadRun> {
  const { messages, chunks } = overheadScenario;
  const chunkMessages = Math.ceil(messages / chunks);
  const timeMs = { bare: 0, managed: 0 };
  const cpuMs = { bare: 0, managed: 0 };
  const bareChunks: number[] = [];
  const managedChunks: number[] = [];
  for (let chunk = 0; chunk < chunks; chunk++) {
    // Alternate which goes first, so neither always runs right after the other.
    const order = chunk % 2 === 0 ? (['bare', 'managed'] as const) : (['managed', 'bare'] as const);
    for (const side of order) {
      const time = await pump(side === 'bare' ? bare : managed, chunkMessages);
      timeMs[side] += time.wallMs;
      cpuMs[side] += time.cpuMs;
      (side === 'bare' ? bareChunks : managedChunks).push((chunkMessages / time.wallMs) * 1000);
    }
  }
  const total = chunkMessages * chunks;
  return {
    bareMessagesPerSecond: (total / timeMs.bare) * 1000,
    managedMessagesPerSecond: (total / timeMs.managed) * 1000,
    ratio: medianOf(managedChunks.map((rate, index) => rate / (bareChunks[index] as number))),
    bareCpuMicrosPerMessage: (cpuMs.bare * 1000) / total,
    managedCpuMicrosPerMessage: (cpuMs.managed * 1000) / total,
    cpuRatio: cpuMs.bare / cpuMs.managed,
  };
}

/** Each figure of `runs` as a spread. */
export function summariseRuns(client: string, runs: readonly OverheadRun[]): OverheadResult {
  const of = (key: keyof OverheadRun): Spread => spreadOf(runs.map((run) => run[key]));
  return {
    client,
    bareMessagesPerSecond: of('bareMessagesPerSecond'),
    managedMessagesPerSecond: of('managedMessagesPerSecond'),
    ratio: of('ratio'),
    bareCpuMicrosPerMessage: of('bareCpuMicrosPerMessage'),
    managedCpuMicrosPerMessage: of('managedCpuMicrosPerMessage'),
    cpuRatio: of('cpuRatio'),
    runs,
  };
}

export async function runOverhead(): Promise<OverheadResult[]> {
  const { runs, warmupMessages } = overheadScenario;
  const server = await startEchoServer();
  const results: OverheadResult[] = [];
  try {
    for (const { name, Constructor } of clients) {
      const bare = await bareChannel(Constructor, server.url);
      const managed = await managedChannel(Constructor, server.url);
      try {
        await pump(bare, warmupMessages);
        await pump(managed, warmupMessages);
        const measured: OverheadRun[] = [];
        for (let run = 0; run < runs; run++) measured.push(await measureRun(bare, managed));
        results.push(summariseRuns(name, measured));
      } finally {
        bare.close();
        managed.close();
      }
    }
  } finally {
    await server.stop();
  }
  return results;
}
