// The checks of a chaos run, each over what the clients and the server
// recorded; each pushes what it finds to `violations` and returns its figures.
import { BACKOFF_FLOOR_MS, type ChaosClient, type Connection } from './client';
import type { FaultServer } from './fault-server';

export const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

/** Tables of counts added up and printed as 'key:n key:n'. */
export const merge = (tables: Iterable<Record<string, number>>): string => {
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

/** Messages send() accepted that the server has not processed and that were not handed back. */
export function inFlight(client: ChaosClient, server: FaultServer): number[] {
  const processed = server.processed(client.id);
  return [...client.accepted.keys()].filter((n) => !processed.has(n) && !client.handedBack.has(n));
}

/** Stopped, disposed, or open with (in ack mode) nothing left unacknowledged. */
export function atRest(client: ChaosClient, server: FaultServer): boolean {
  const { state } = client.socket;
  return client.disposed || state === 'stopped' || (state === 'open' && (!client.profile.ack || inFlight(client, server).length === 0));
}

/** Half-open connections the server created, each with the client's record of it. */
export function silenced(clients: readonly ChaosClient[], server: FaultServer): { silencedAt: number; record: Connection | undefined; client: number; attempt: number }[] {
  return server.connections
    .filter((c) => c.silencedAt !== undefined)
    .map((c) => ({ silencedAt: c.silencedAt as number, record: clients[c.client]?.connections.get(c.attempt), client: c.client, attempt: c.attempt }));
}

/** Every client ends open or stopped (or was disposed by its app); an open ack client has nothing unacknowledged. */
export function checkFinalStates(clients: readonly ChaosClient[], server: FaultServer, settleMs: number, violations: string[]): Record<string, number> {
  const finalStates: Record<string, number> = {};
  for (const client of clients) {
    const state = client.disposed ? 'disposed' : client.socket.state;
    finalStates[state] = (finalStates[state] ?? 0) + 1;
    if (!client.disposed && state !== 'open' && state !== 'stopped') {
      violations.push(`client ${client.id}: ended '${state}', not 'open' or 'stopped'`);
    } else if (!atRest(client, server)) {
      const stuck = inFlight(client, server);
      const latest = Math.max(...client.connections.keys());
      const where = [...new Set(stuck.map((n) => client.lastWrite.get(n)))].map((k) => {
        const on = k === undefined ? undefined : client.connections.get(k);
        const seen = server.connections.find((c) => c.client === client.id && c.attempt === k);
        return k === undefined
          ? 'never written'
          : `connection ${k}: ${on ? lifeOf(on, client.profile.confirmAfterMs) : '?'}; server got ${seen?.numbers.length ?? 'nothing'}${seen?.endedBy ? `, then ${seen.endedBy}` : ''}`;
      });
      violations.push(
        `client ${client.id}: open on connection ${latest}, but messages ${stuck.slice(0, 8).join(', ')}${stuck.length > 8 ? '…' : ''} (${stuck.length}) never acknowledged after ${settleMs} ms of calm; last written on ${where.join(' | ')}`,
      );
    }
  }
  return finalStates;
}

/** Half-open silence: the client noticed every silent connection (its heartbeat, or something else ended it). */
export function checkSilences(clients: readonly ChaosClient[], server: FaultServer, violations: string[]): string {
  const endedBy: Record<string, number> = {};
  let slowestMs = 0;
  const all = silenced(clients, server);
  for (const { silencedAt, record, client, attempt } of all) {
    if (record?.endedAt === undefined) {
      violations.push(`client ${client}: connection ${attempt} went silent and the client never noticed`);
      continue;
    }
    const why = record.clientCloseReason ?? 'closed under it';
    endedBy[why] = (endedBy[why] ?? 0) + 1;
    if (why === 'heartbeat timeout') slowestMs = Math.max(slowestMs, record.endedAt - silencedAt);
  }
  return `half-open silences ${all.length}, ended by: ${merge([endedBy])}; slowest heartbeat detection ${Math.round(slowestMs)} ms`;
}

/**
 * Nothing lost silently: every message send() accepted was processed by the
 * server or handed back (dropped, pending). In the default mode the one
 * exception is what docs/guarantees.md allows: a message last written to a
 * connection that was confirmed (the server sent something on it, or it
 * stayed open confirmAfterMs).
 */
export function checkDelivery(clients: readonly ChaosClient[], server: FaultServer, violations: string[]): { lostAfterConfirm: number; written: number } {
  let lostAfterConfirm = 0;
  let written = 0;
  for (const client of clients) {
    const processed = server.processed(client.id);
    let reported = 0;
    for (const n of client.accepted.keys()) {
      if (processed.has(n) || client.handedBack.has(n)) continue;
      const attempt = client.lastWrite.get(n);
      const on = attempt === undefined ? undefined : client.connections.get(attempt);
      if (!client.profile.ack && on?.openedAt !== undefined && on.endedAt !== undefined) {
        const heard = on.firstMessageAt !== undefined && on.firstMessageAt <= on.endedAt;
        // 2 ms of slack: closekit measures the time open with Date.now(), whole milliseconds.
        if (heard || on.endedAt - on.openedAt >= client.profile.confirmAfterMs - 2) {
          lostAfterConfirm++;
          continue;
        }
      }
      if (++reported > 5) continue;
      const how =
        on === undefined
          ? `never written; around its send: ${trailAround(client, client.accepted.get(n) ?? 0)}`
          : `last written on connection ${attempt}: ${lifeOf(on, client.profile.confirmAfterMs)}; server: ${server.connections.find((c) => c.client === client.id && c.attempt === attempt)?.endedBy ?? 'no fault'}`;
      violations.push(`client ${client.id} (${client.profile.ack ? 'ack' : 'default'} mode): message ${n} lost silently: never processed, dropped or pending, ${how}`);
    }
    for (const connection of client.connections.values()) written += connection.writes.length;
  }
  return { lostAfterConfirm, written };
}

/** Exactly one `stopped` per run: S (stopped) and L (left stopped) alternate, from S, ending with S; one state change to 'stopped' per S. */
export function checkRuns(clients: readonly ChaosClient[], violations: string[]): void {
  for (const client of clients) {
    const markers = client.markers.join('');
    if (!/^(SL)*S$/.test(markers)) violations.push(`client ${client.id}: runs and stops out of step: ${markers || '(no stopped event at all)'}`);
    const stops = client.markers.filter((m) => m === 'S').length;
    if (client.stateStops !== stops) violations.push(`client ${client.id}: ${client.stateStops} state changes to 'stopped' but ${stops} 'stopped' events`);
  }
}

/** Per connection, the server received the numbers in increasing order; and nothing but pings and app messages. */
export function checkOrder(server: FaultServer, violations: string[]): void {
  for (const connection of server.connections) {
    const out = connection.numbers.findIndex((n, i) => i > 0 && n <= (connection.numbers[i - 1] as number));
    if (out >= 0) violations.push(`client ${connection.client}: connection ${connection.attempt} received out of order: … ${connection.numbers.slice(Math.max(0, out - 3), out + 2).join(', ')} …`);
  }
  if (server.garbage.length > 0) violations.push(`the server got ${server.garbage.length} messages that are neither pings nor app messages, e.g. ${server.garbage[0]}`);
}

/** While the server is down, attempts are bounded by the backoff floor (plus one per reconnect() the app made). */
export function checkOutages(clients: readonly ChaosClient[], outages: readonly { readonly downAt: number; readonly upAt: number }[], violations: string[]): string {
  const figures = outages.map(({ downAt, upAt }) => {
    const downMs = upAt - downAt;
    const inside = (t: number): boolean => t > downAt && t < upAt;
    const perClient = clients.map((client) => {
      const attempts = client.constructedAt.filter(inside).length;
      const allowed = Math.floor(downMs / BACKOFF_FLOOR_MS) + 2 + client.appReconnects.filter(inside).length;
      if (attempts > allowed) violations.push(`client ${client.id}: ${attempts} attempts in a ${Math.round(downMs)} ms outage (at most ${allowed} allowed)`);
      return attempts;
    });
    return `${Math.round(downMs)} ms: ${sum(perClient)} attempts (max ${Math.max(...perClient)} per client)`;
  });
  return `outages: ${figures.join('; ')}`;
}

/** Problems the clients noted as they happened, and 'error' events that are not SocketErrors. */
export function checkNoted(clients: readonly ChaosClient[], violations: string[]): void {
  for (const client of clients) {
    violations.push(...client.violations);
    for (const [code, n] of Object.entries(client.errors)) if (code.startsWith('untyped')) violations.push(`client ${client.id}: ${n} 'error' events that are not SocketErrors (${code})`);
  }
}
