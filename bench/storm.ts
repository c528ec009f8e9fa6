// Retry storm: 10,000 clients hold open connections; at t = 0 the server
// closes every one with 1012 (Service Restart) and refuses connections until
// t = 2 s, then accepts again. Each library runs its real code with its
// defaults on the same virtual clock and the same fake WebSocket; we count
// connection attempts per 100 ms.
import type { WebSocketConstructorLike } from 'closekit';
import { createStormServer, type StormServer } from './lib/storm-server';
import { createSeededRandom as seededRandom } from 'closekit/testing';
import { VirtualClock } from './lib/virtual-clock';

/** The scenario, written into the results so a reader can check it. */
export const stormScenario = {
  clients: 10_000,
  closeCode: 1012,
  /** The server refuses attempts made before this time (ms after the close). */
  serverBackMs: 2_000,
  /** From `new WebSocket()` to open or refusal, the same for every attempt. */
  latencyMs: 20,
  /** Connections are open this long before the close, so every library has reset its retry counter (minUptime 5 s). */
  warmupMs: 10_000,
  /** Simulation ends at this time even if some clients never came back. */
  horizonMs: 120_000,
  bucketMs: 100,
  seed: 7,
} as const;

/** One library's storm, summarised. */
export interface StormResult {
  readonly id: string;
  readonly label: string;
  /** closekit's defaults, an anchor, or a closekit configuration shown for comparison. */
  readonly group: StormGroup;
  /** How defaults were applied, when that needs saying. */
  readonly note: string;
  readonly buckets: number[];
  readonly totalAttempts: number;
  readonly refusedAttempts: number;
  readonly peakBucket: number;
  readonly peakAtMs: number;
  readonly meanPerBucket: number;
  readonly peakToMean: number;
  readonly worstSecond: number;
  /** ms after the 1012 at which 99% of clients were open again (undefined: never, within the horizon). */
  readonly reconnected99Ms: number | undefined;
  readonly reconnected100Ms: number | undefined;
}

interface Closeable {
  close(): void;
}

type StartClient = (server: StormServer, index: number, random: () => number) => Closeable;

export type StormGroup = 'closekit' | 'anchor' | 'variant';

interface StormDriver {
  readonly id: string;
  readonly label: string;
  readonly group: StormGroup;
  readonly note: string;
  /** Called with the virtual clock installed as the globals and Math.random seeded. */
  readonly prepare: (clock: VirtualClock) => Promise<StartClient>;
}

const url = 'ws://storm.test/';

const drivers: readonly StormDriver[] = [
  {
    id: 'closekit',
    label: 'closekit 0.1.0',
    group: 'closekit',
    note: 'createSocket with default policy; clock, timers and random injected',
    prepare: async (clock) => {
      const { createSocket } = await import('closekit');
      return (server, _index, random) => {
        const socket = createSocket(url, {
          WebSocket: server.WebSocket as unknown as WebSocketConstructorLike,
          clock,
          timers: clock,
          random,
        });
        return { close: () => socket.dispose() };
      };
    },
  },
  {
    id: 'closekit-1012-general',
    label: 'closekit, 1012 on the general 0.5 s backoff',
    group: 'variant',
    note: "for comparison, not the default: createPolicy({ rules: { 1012: 'reconnect' } }) drops closekit's 5 s first window for 1012",
    prepare: async (clock) => {
      const { createPolicy, createSocket } = await import('closekit');
      // One policy for every client: decide() is pure, and the random source is the run's seeded one.
      let policy: ReturnType<typeof createPolicy> | undefined;
      return (server, _index, random) => {
        policy ??= createPolicy({ random, rules: { 1012: 'reconnect' } });
        const socket = createSocket(url, {
          WebSocket: server.WebSocket as unknown as WebSocketConstructorLike,
          clock,
          timers: clock,
          policy,
        });
        return { close: () => socket.dispose() };
      };
    },
  },
  {
    id: 'reconnecting-websocket',
    label: 'reconnecting-websocket 4.4.0',
    group: 'anchor',
    note: 'defaults; its minReconnectionDelay (1000 + Math.random() × 4000) is drawn once per page load, so each client gets its own draw, as 10,000 browsers would',
    prepare: async () => {
      const { default: ReconnectingWebSocket } = await import('reconnecting-websocket');
      return (server, _index, random) =>
        new ReconnectingWebSocket(url, undefined, {
          WebSocket: server.WebSocket as unknown as WebSocketConstructorLike,
          minReconnectionDelay: 1000 + random() * 4000,
        });
    },
  },
  {
    id: 'reconnecting-websocket-one-page',
    label: 'reconnecting-websocket 4.4.0, one shared draw',
    group: 'anchor',
    note: 'pure defaults in one JavaScript realm: every client shares the module-level draw (10,000 clients in one process, or one page with many sockets)',
    prepare: async () => {
      const { default: ReconnectingWebSocket } = await import('reconnecting-websocket');
      return (server) => new ReconnectingWebSocket(url, undefined, { WebSocket: server.WebSocket });
    },
  },
  {
    id: 'partysocket',
    label: 'partysocket 1.3.0 (partysocket/ws)',
    group: 'anchor',
    note: 'defaults (fixed 3 s first delay, no jitter)',
    prepare: async () => {
      const { default: ReconnectingWebSocket } = await import('partysocket/ws');
      return (server) => new ReconnectingWebSocket(url, undefined, { WebSocket: server.WebSocket });
    },
  },
];

export const stormDriverIds = drivers.map((driver) => driver.id);

async function runOne(driver: StormDriver, clients: number): Promise<StormResult> {
  const scenario = { ...stormScenario, clients };
  const clock = new VirtualClock(-scenario.warmupMs);
  const server = createStormServer(clock, {
    accepts: (nowMs) => nowMs < 0 || nowMs >= scenario.serverBackMs,
    latencyMs: scenario.latencyMs,
  });
  const realRandom = Math.random;
  const started: Closeable[] = [];
  let reconnected99Ms: number | undefined;
  let reconnected100Ms: number | undefined;
  clock.install();
  Math.random = seededRandom(scenario.seed);
  try {
    const start = await driver.prepare(clock);
    const random = seededRandom(scenario.seed + 1);
    for (let index = 0; index < scenario.clients; index++) started.push(start(server, index, random));
    await clock.runUntil(-1);
    if (server.openCount() !== scenario.clients) {
      throw new Error(`${driver.id}: only ${server.openCount()} of ${scenario.clients} clients connected before the restart`);
    }
    server.attemptTimes.length = 0;
    await clock.runUntil(0);
    server.closeAll(scenario.closeCode, 'service restart');
    const target99 = Math.ceil(scenario.clients * 0.99);
    await clock.runUntil(scenario.horizonMs, () => {
      const open = server.openCount();
      if (reconnected99Ms === undefined && open >= target99) reconnected99Ms = clock.now();
      if (open === scenario.clients) {
        reconnected100Ms = clock.now();
        return true;
      }
      return false;
    });
  } finally {
    for (const client of started) client.close();
    Math.random = realRandom;
    clock.restore();
  }
  return summarise(driver, server.attemptTimes, reconnected99Ms, reconnected100Ms);
}

function summarise(driver: StormDriver, attemptTimes: readonly number[], reconnected99Ms: number | undefined, reconnected100Ms: number | undefined): StormResult {
  const { bucketMs, serverBackMs } = stormScenario;
  const lastMs = attemptTimes.reduce((max, time) => Math.max(max, time), 0);
  const buckets = new Array<number>(Math.floor(lastMs / bucketMs) + 1).fill(0);
  for (const time of attemptTimes) {
    const index = Math.floor(time / bucketMs);
    buckets[index] = (buckets[index] ?? 0) + 1;
  }
  let peakBucket = 0;
  let peakIndex = 0;
  buckets.forEach((count, index) => {
    if (count > peakBucket) [peakBucket, peakIndex] = [count, index];
  });
  const perSecond = 1000 / bucketMs;
  let worstSecond = 0;
  for (let index = 0; index < buckets.length; index++) {
    let sum = 0;
    for (let offset = 0; offset < perSecond; offset++) sum += buckets[index + offset] ?? 0;
    worstSecond = Math.max(worstSecond, sum);
  }
  // The mean is taken over the storm itself: from the close until 99% are back.
  const windowBuckets = Math.floor((reconnected99Ms ?? lastMs) / bucketMs) + 1;
  const inWindow = buckets.slice(0, windowBuckets).reduce((sum, count) => sum + count, 0);
  const meanPerBucket = inWindow / windowBuckets;
  return {
    id: driver.id,
    label: driver.label,
    group: driver.group,
    note: driver.note,
    buckets,
    totalAttempts: attemptTimes.length,
    refusedAttempts: attemptTimes.filter((time) => time < serverBackMs).length,
    peakBucket,
    peakAtMs: peakIndex * bucketMs,
    meanPerBucket,
    peakToMean: peakBucket / meanPerBucket,
    worstSecond,
    reconnected99Ms,
    reconnected100Ms,
  };
}

/**
 * Runs the storm for closekit and the anchors, one after the other, on fresh
 * clocks. `only` picks drivers by id; `clients` shrinks the crowd (for tests).
 */
export async function runStorm(only?: readonly string[], clients: number = stormScenario.clients): Promise<StormResult[]> {
  const results: StormResult[] = [];
  for (const driver of drivers) {
    if (only !== undefined && !only.includes(driver.id)) continue;
    results.push(await runOne(driver, clients));
  }
  return results;
}
