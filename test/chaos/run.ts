// One seeded chaos run: the fault server, the clients and the app loop, then
// a calm period, dispose, and the checks. Returns the violations found and
// the figures that go with them; the test asserts there are none.
import { createSeededRandom } from '../../src/testing';
import { BACKOFF_FLOOR_MS, createChaosClient, drawProfile, type ChaosClient, type Connection } from './client';
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

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);
const merge = (tables: Iterable<Record<string, number>>): string => {
  const total: Record<string, number> = {};
  for (const table of tables) for (const [key, n] of Object.entries(table)) total[key] = (total[key] ?? 0) + n;
  return Object.entries(total)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `${key}:${n}`)
    .join(' ');
};

/** The client's trail from just before `at` on, for a failure message. */
function trailAround(client: ChaosClient, at: number): string {
  const from = client.trail.findIndex((entry) => entry.at >= at);
  return client.trail
    .slice(Math.max(0, from - 4), from + 12)
    .map((entry) => `${Math.round(entry.at - at)}:${entry.what}`)
    .join(' · ');
}

/** One connection's life, for a failure message. */
function lifeOf(on: Connection, confirmAfterMs: number): string {
  const t = (at: number | undefined): string => (at === undefined || on.openedAt === undefined ? 'never' : `${Math.round(at - on.openedAt)} ms`);
  return `${on.openedAt === undefined ? 'never opened' : 'opened'}, first message ${t(on.firstMessageAt)}, ended ${t(on.endedAt)} (${on.clientCloseReason ?? 'closed by the other end'}), confirmAfterMs ${confirmAfterMs}`;
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
        const timer = setTimeout(() => {
          restartTimers.delete(timer);
          if (chaos && client.socket.state === 'stopped') client.restart();
        }, 40 + appRandom() * 260);
        restartTimers.add(timer);
      },
    }),
  );

  try {
    // The app loop: numbered messages at random, in every state.
    const loop = (async () => {
      while (chaos) {
        for (const client of clients) if (appRandom() < client.profile.sendChance) client.sendNext();
        await sleep(20);
      }
    })();

    // Two full outages, each back on the same port.
    const outages: { downAt: number; upAt: number }[] = [];
    const outageAt = [0.25 + appRandom() * 0.1, 0.6 + appRandom() * 0.1];
    for (const at of outageAt) {
      const wait = started + at * settings.chaosMs - performance.now();
      if (wait > 0) await sleep(wait);
      const graceful = appRandom() < 0.5 ? (appRandom() < 0.5 ? 1012 : 1001) : undefined;
      outages.push(await server.outage(300 + Math.floor(appRandom() * 400), graceful));
    }
    const rest = started + settings.chaosMs - performance.now();
    if (rest > 0) await sleep(rest);

    // Calm: no more faults, no more sends, no more restarts; every client must come to rest.
    chaos = false;
    await loop;
    for (const timer of restartTimers) clearTimeout(timer);
    server.calm();
    const calmAt = performance.now();
    const silenced = () => server.connections.filter((c) => c.silencedAt !== undefined);
    const connectionOf = (client: number, attempt: number) => clients[client]?.connections.get(attempt);
    const inFlight = (client: ChaosClient): number[] => {
      const processed = server.processed(client.id);
      return [...client.accepted.keys()].filter((n) => !processed.has(n) && !client.handedBack.has(n));
    };
    const atRest = (client: ChaosClient): boolean =>
      client.disposed || client.socket.state === 'stopped' || (client.socket.state === 'open' && (!client.profile.ack || inFlight(client).length === 0));
    const settled = await until(
      () => clients.every(atRest) && silenced().every((s) => connectionOf(s.client, s.attempt)?.endedAt !== undefined),
      settings.settleMs,
    );
    const settleMs = Math.round(performance.now() - calmAt);

    // Every client ends open or stopped.
    const finalStates: Record<string, number> = {};
    for (const client of clients) {
      const state = client.disposed ? 'disposed' : client.socket.state;
      finalStates[state] = (finalStates[state] ?? 0) + 1;
      if (!client.disposed && state !== 'open' && state !== 'stopped') violations.push(`client ${client.id}: ended '${state}', not 'open' or 'stopped'`);
      else if (!atRest(client)) {
        const stuck = inFlight(client);
        const latest = Math.max(...client.connections.keys());
        const where = [...new Set(stuck.map((n) => client.lastWrite.get(n)))].map((k) => {
          const on = k === undefined ? undefined : client.connections.get(k);
          const seen = server.connections.find((c) => c.client === client.id && c.attempt === k);
          return k === undefined ? 'never written' : `connection ${k}: ${on ? lifeOf(on, client.profile.confirmAfterMs) : '?'}; server got ${seen?.numbers.length ?? 'nothing'}${seen?.endedBy ? `, then ${seen.endedBy}` : ''}`;
        });
        violations.push(`client ${client.id}: open on connection ${latest}, but messages ${stuck.slice(0, 8).join(', ')}${stuck.length > 8 ? '…' : ''} (${stuck.length}) never acknowledged after ${settleMs} ms of calm; last written on ${where.join(' | ')}`);
      }
    }
    if (!settled) violations.push(`the calm period did not bring every client to rest within ${settings.settleMs} ms`);

    // Half-open silence: the heartbeat notices it.
    const detections: Record<string, number> = {};
    let slowestDetectionMs = 0;
    for (const s of silenced()) {
      const record = connectionOf(s.client, s.attempt);
      if (record?.endedAt === undefined) {
        violations.push(`client ${s.client}: connection ${s.attempt} went silent and the client never noticed`);
        continue;
      }
      const why = record.clientCloseReason ?? 'closed under it';
      detections[why] = (detections[why] ?? 0) + 1;
      if (why === 'heartbeat timeout') slowestDetectionMs = Math.max(slowestDetectionMs, record.endedAt - (s.silencedAt as number));
    }

    // The app is done: dispose every client, and nothing of theirs may stay behind.
    for (const client of clients) if (!client.disposed) client.dispose();
    server.wake();
    const released = await until(() => server.openSockets === 0, 5000);
    if (!released) violations.push(`after dispose(), the server still has ${server.openSockets} TCP connections open from the clients: ${server.describeOpenSockets().join('; ')}`);
    await server.close();
    const idle = await until(() => beyond(baseline).length === 0, 3000);
    if (!idle) violations.push(`after dispose() and the server's close, still active beyond the baseline: ${beyond(baseline).join(', ')}`);

    // Per client: no silent loss, runs, attempts.
    let lostAfterConfirm = 0;
    let written = 0;
    for (const client of clients) {
      violations.push(...client.violations);
      const processed = server.processed(client.id);
      let lostHere = 0;
      for (const n of client.accepted.keys()) {
        if (processed.has(n) || client.handedBack.has(n)) continue;
        const attempt = client.lastWrite.get(n);
        const on = attempt === undefined ? undefined : client.connections.get(attempt);
        if (!client.profile.ack && on !== undefined && on.openedAt !== undefined && on.endedAt !== undefined) {
          // The default rule (QueueOptions.confirmAfterMs): once a connection is confirmed
          // (a message from the server, or confirmAfterMs open) what was written on it is not tracked.
          const heard = on.firstMessageAt !== undefined && on.firstMessageAt <= on.endedAt;
          // 2 ms of slack: closekit measures the time open with Date.now(), whole milliseconds.
          if (heard || on.endedAt - on.openedAt >= client.profile.confirmAfterMs - 2) {
            lostAfterConfirm++;
            continue;
          }
        }
        if (++lostHere > 5) continue;
        violations.push(
          `client ${client.id} (${client.profile.ack ? 'ack' : 'default'} mode): message ${n} lost silently: never processed, dropped or pending` +
            (on === undefined ? `, never written; around its send: ${trailAround(client, client.accepted.get(n) ?? 0)}` : `, last written on connection ${attempt}: ${lifeOf(on, client.profile.confirmAfterMs)}; server: ${server.connections.find((c) => c.client === client.id && c.attempt === attempt)?.endedBy ?? 'no fault'}`),
        );
      }
      for (const connection of client.connections.values()) written += connection.writes.length;

      // Exactly one `stopped` per run: S and L alternate, from S, ending with S.
      const markers = client.markers.join('');
      if (!/^(SL)*S$/.test(markers)) violations.push(`client ${client.id}: runs and stops out of step: ${markers || '(no stopped event at all)'}`);
      if (client.stateStops !== client.markers.filter((m) => m === 'S').length) {
        violations.push(`client ${client.id}: ${client.stateStops} state changes to 'stopped' but ${client.markers.filter((m) => m === 'S').length} 'stopped' events`);
      }
    }

    // Per connection, the server received numbers in order.
    for (const connection of server.connections) {
      const out = connection.numbers.findIndex((n, i) => i > 0 && n <= (connection.numbers[i - 1] as number));
      if (out >= 0) violations.push(`client ${connection.client}: connection ${connection.attempt} received out of order: … ${connection.numbers.slice(Math.max(0, out - 3), out + 2).join(', ')} …`);
    }
    if (server.garbage.length > 0) violations.push(`the server got ${server.garbage.length} messages that are neither pings nor app messages, e.g. ${server.garbage[0]}`);

    // While the server is down, attempts are bounded by the backoff floor (plus one per reconnect() the app made).
    const outageFigures: string[] = [];
    for (const { downAt, upAt } of outages) {
      const downMs = upAt - downAt;
      const perClient = clients.map((client) => {
        const inside = (t: number): boolean => t > downAt && t < upAt;
        const attempts = client.constructedAt.filter(inside).length;
        const allowed = Math.floor(downMs / BACKOFF_FLOOR_MS) + 2 + client.appReconnects.filter(inside).length;
        if (attempts > allowed) violations.push(`client ${client.id}: ${attempts} attempts in a ${Math.round(downMs)} ms outage (at most ${allowed} allowed)`);
        return attempts;
      });
      outageFigures.push(`${Math.round(downMs)} ms: ${sum(perClient)} attempts (max ${Math.max(...perClient)} per client)`);
    }

    if (rejections.length > 0) violations.push(`${rejections.length} unhandled rejections, e.g. ${String(rejections[0])}`);
    for (const client of clients) {
      for (const [code, n] of Object.entries(client.errors)) if (code.startsWith('untyped')) violations.push(`client ${client.id}: ${n} 'error' events that are not SocketErrors (${code})`);
    }

    const ack = clients.filter((c) => c.profile.ack);
    const handed = (how: string) => sum(clients.map((c) => [...c.handedBack.values()].filter((h) => h === how).length));
    figures.push(
      `clients ${clients.length} (${ack.length} ack mode, ${clients.filter((c) => c.profile.heartbeat !== false).length} with heartbeat); ${Math.round(performance.now() - started)} ms in all, calm took ${settleMs} ms`,
      `upgrades by fate: ${merge([server.fates])}; faults on accepted connections: ${merge([server.faults])}`,
      `outages: ${outageFigures.join('; ')}`,
      `attempts ${sum(clients.map((c) => c.constructedAt.length))}; app reconnect() calls ${sum(clients.map((c) => c.appReconnects.length))}; listener calls back in: ${merge(clients.map((c) => c.reentrantCalls))}`,
      `close codes seen: ${merge(clients.map((c) => c.closeCodes))}`,
      `stop causes: ${merge(clients.map((c) => c.stopCauses))}; error events: ${merge(clients.map((c) => c.errors))}`,
      `messages: accepted ${sum(clients.map((c) => c.accepted.size))}, written ${written}, processed ${sum(clients.map((c) => server.processed(c.id).size))}, processed twice ${server.duplicates}, dropped ${handed('dropped')}, pending ${handed('pending')}, lost after a confirmed connection (default mode, allowed) ${lostAfterConfirm}; send() refused: ${merge(clients.map((c) => c.refused))}`,
      `half-open silences ${silenced().length}, ended by: ${merge([detections])}; slowest heartbeat detection ${Math.round(slowestDetectionMs)} ms`,
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
