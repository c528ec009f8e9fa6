// One seeded chaos run: the fault server, the clients and the app loop, then
// a calm period, dispose, and the checks. Returns the violations found and
// the figures that go with them; the test asserts there are none.
import { createSeededRandom } from '../../src/testing';
import { atRest, checkDelivery, checkFinalStates, checkNoted, checkOrder, checkOutages, checkRuns, checkSilences, merge, silenced, sum } from './checks';
import { createChaosClient, drawProfile, type ChaosClient } from './client';
import { startFaultServer, type FaultServer } from './fault-server';
import { createFaultPlan } from './plan';

export interface ChaosSettings {
  readonly seed: number;
  readonly clients: number;
  /** How long faults are injected. */
  readonly chaosMs: number;
  /** How long the calm period may take to bring every client to `open` or `stopped`. */
  readonly settleMs: number;
}

export interface ChaosReport {
  readonly violations: string[];
  /** One line per figure, for the failure message and the log. */
  readonly figures: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

/** How many of each resource type, from process.getActiveResourcesInfo(). */
function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** What is active now beyond the baseline, e.g. ['TCPSocketWrap +2']. */
function beyond(baseline: Map<string, number>): string[] {
  const extra: string[] = [];
  for (const [type, n] of resources()) {
    const more = n - (baseline.get(type) ?? 0);
    if (more > 0) extra.push(`${type} +${more}`);
  }
  return extra;
}

/**
 * The chaos itself, for `chaosMs`: the app loop sends numbered messages at
 * random, in every state, while two full outages come and go (each back on
 * the same port). Returns the outages' windows.
 */
async function drive(clients: readonly ChaosClient[], server: FaultServer, appRandom: () => number, chaosMs: number): Promise<{ downAt: number; upAt: number }[]> {
  const started = performance.now();
  let sending = true;
  const loop = (async () => {
    while (sending) {
      for (const client of clients) if (appRandom() < client.profile.sendChance) client.sendNext();
      await sleep(20);
    }
  })();
  const outages: { downAt: number; upAt: number }[] = [];
  for (const at of [0.25 + appRandom() * 0.1, 0.6 + appRandom() * 0.1]) {
    const wait = started + at * chaosMs - performance.now();
    if (wait > 0) await sleep(wait);
    const graceful = appRandom() < 0.5 ? (appRandom() < 0.5 ? 1012 : 1001) : undefined;
    outages.push(await server.outage(300 + Math.floor(appRandom() * 400), graceful));
  }
  const rest = started + chaosMs - performance.now();
  if (rest > 0) await sleep(rest);
  sending = false;
  await loop;
  return outages;
}

/** Runs the chaos and checks every promise. */
export async function runChaos(settings: ChaosSettings): Promise<ChaosReport> {
  const { seed } = settings;
  const started = performance.now();
  const violations: string[] = [];
  const figures: string[] = [`seed ${seed} (replay: CLOSEKIT_CHAOS_SEED=${seed})`];
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  const baseline = resources();

  const master = createSeededRandom(seed);
  const profiles = Array.from({ length: settings.clients }, () => drawProfile(master));
  const appRandom = createSeededRandom(seed ^ 0x5bd1e995);
  const server: FaultServer = await startFaultServer(createFaultPlan(seed, (c) => profiles[c]?.heartbeat !== false));
  const restartTimers = new Set<ReturnType<typeof setTimeout>>();
  let chaos = true;

  const clients: ChaosClient[] = profiles.map((profile, id) =>
    createChaosClient(id, profile, server.url, createSeededRandom(seed + 7919 * (id + 1)), {
      // The app restarts most stopped runs after a while, as a real one would on a user action.
      onStopped(client) {
        if (!chaos || appRandom() < 0.15) return;
        const timer = setTimeout(
          () => {
            restartTimers.delete(timer);
            if (chaos && client.socket.state === 'stopped') client.restart();
          },
          40 + appRandom() * 260,
        );
        restartTimers.add(timer);
      },
    }),
  );

  try {
    const outages = await drive(clients, server, appRandom, settings.chaosMs);
    // Calm: no more faults, no more sends, no more restarts; every client must come to rest.
    chaos = false;
    for (const timer of restartTimers) clearTimeout(timer);
    server.calm();
    const calmAt = performance.now();
    const settled = await until(() => clients.every((client) => atRest(client, server)) && silenced(clients, server).every((s) => s.record?.endedAt !== undefined), settings.settleMs);
    const settleMs = Math.round(performance.now() - calmAt);
    const finalStates = checkFinalStates(clients, server, settleMs, violations);
    if (!settled) violations.push(`the calm period did not bring every client to rest within ${settings.settleMs} ms`);
    const silences = checkSilences(clients, server, violations);

    // The app is done: dispose every client, and nothing of theirs may stay behind.
    for (const client of clients) if (!client.disposed) client.dispose();
    server.wake();
    const released = await until(() => server.openSockets === 0, 5000);
    if (!released) violations.push(`after dispose(), the server still has ${server.openSockets} TCP connections open from the clients: ${server.describeOpenSockets().join('; ')}`);
    await server.close();
    const idle = await until(() => beyond(baseline).length === 0, 3000);
    if (!idle) violations.push(`after dispose() and the server's close, still active beyond the baseline: ${beyond(baseline).join(', ')}`);

    checkNoted(clients, violations);
    const { lostAfterConfirm, written } = checkDelivery(clients, server, violations);
    checkRuns(clients, violations);
    checkOrder(server, violations);
    const outageFigures = checkOutages(clients, outages, violations);
    if (rejections.length > 0) violations.push(`${rejections.length} unhandled rejections, e.g. ${String(rejections[0])}`);

    const handed = (how: string) => sum(clients.map((c) => [...c.handedBack.values()].filter((h) => h === how).length));
    figures.push(
      `clients ${clients.length} (${clients.filter((c) => c.profile.ack).length} ack mode, ${clients.filter((c) => c.profile.heartbeat !== false).length} with heartbeat); ${Math.round(performance.now() - started)} ms in all, calm took ${settleMs} ms`,
      `upgrades by fate: ${merge([server.fates])}; faults on accepted connections: ${merge([server.faults])}`,
      outageFigures,
      `attempts ${sum(clients.map((c) => c.constructedAt.length))}; app reconnect() calls ${sum(clients.map((c) => c.appReconnects.length))}; listener calls back in: ${merge(clients.map((c) => c.reentrantCalls))}`,
      `close codes seen: ${merge(clients.map((c) => c.closeCodes))}`,
      `stop causes: ${merge(clients.map((c) => c.stopCauses))}; error events: ${merge(clients.map((c) => c.errors))}`,
      `messages: accepted ${sum(clients.map((c) => c.accepted.size))}, written ${written}, processed ${sum(clients.map((c) => server.processed(c.id).size))}, processed twice ${server.duplicates}, dropped ${handed('dropped')}, pending ${handed('pending')}, lost after a confirmed connection (default mode, allowed) ${lostAfterConfirm}; send() refused: ${merge(clients.map((c) => c.refused))}`,
      silences,
      `final states: ${merge([finalStates])}`,
    );
  } finally {
    chaos = false;
    for (const timer of restartTimers) clearTimeout(timer);
    for (const client of clients) if (!client.disposed) client.dispose();
    await server.close();
    process.off('unhandledRejection', onRejection);
  }
  return { violations, figures };
}
