// The outbox owns every message the app hands to send() until it is safely
// out of closekit's hands, and the rule that none is lost silently: each is
// written to a connection (and, with tracking, confirmed or acknowledged) or
// handed back through `dropped` or `stopped`'s `pending`.
//
// Two tracking modes, chosen by the options:
// - confirm (default, `confirmAfterMs` > 0): what is written after an open is
//   kept until the machine says the connection is confirmed; a connection
//   that ends unconfirmed gives it back to the front of the queue.
// - ack (`queue.ack`): every message with an id stays in flight until the
//   server acknowledges that id; a connection that ends gives back the rest.
import type { SendData } from './types';
import { SocketError, thrown } from './errors';
import type { ResolvedQueue } from './options';

/** What the outbox reports. */
export interface OutboxReports {
  /** Messages given up (queue overflow, a write the WebSocket refused). */
  dropped(messages: SendData[]): void;
  /** A failing `ack` hook or a refused write; the outbox carries on. */
  error(error: Error): void;
}

/** The queue, the in-flight messages and their bookkeeping. */
export interface Outbox {
  /** Messages waiting for an open connection. */
  queued(): number;
  /** True while writes must be reported to the machine, which ends the confirmation window. */
  confirming(): boolean;
  /** Whether the outbox can keep messages at all (`queue: false` cannot). */
  readonly enabled: boolean;
  /** Keeps `data` for the next open; throws `queue-full` under `overflow: 'error'`. */
  enqueue(data: SendData): void;
  /**
   * Writes `data` on the open connection through `write` (which throws a
   * SocketError when the WebSocket refuses it) and tracks it. Returns false
   * when there was no room and `data` was dropped instead.
   */
  write(data: SendData, write: (data: SendData) => void): boolean;
  /** A new connection opened: start tracking (confirm mode), then write what is queued, in order. */
  flush(write: (data: SendData) => void, track: boolean): void;
  /** A message from the server: in ack mode, what it acknowledges leaves the flight. */
  received(data: unknown): void;
  /** The connection is confirmed: what was written on it is no longer tracked (confirm mode). */
  confirm(): void;
  /** The connection ended before confirmation (or, in ack mode, at all): what is in flight goes back in front of the queue. */
  requeue(): void;
  /** Empties the queue and returns it (for `stopped`'s `pending`). */
  takeAll(): SendData[];
}

interface InFlight {
  readonly id: unknown;
  readonly data: SendData;
}

// An id that matches no acknowledgement, for a message whose idOf threw: it stays in flight until the connection ends.
const UNREADABLE = {};

/** An outbox for `queue`; undefined `queue` (`queue: false`) keeps nothing and throws `not-open` on enqueue. */
export function createOutbox(queue: ResolvedQueue | undefined, reports: OutboxReports): Outbox {
  const max = queue?.max ?? 0;
  const overflow = queue?.overflow ?? 'error';
  const ack = queue?.ack;
  let waiting: SendData[] = [];
  /** Written on the current connection and not yet confirmed or acknowledged; undefined when nothing is tracked. */
  let flight: InFlight[] | undefined = ack ? [] : undefined;

  /** Calls an ack hook; a throw is reported and counts as `fallback`. */
  function hook(call: () => unknown, what: string, fallback: unknown): unknown {
    try {
      return call();
    } catch (error) {
      reports.error(thrown('hook-failed', `${what} threw`, error));
      return fallback;
    }
  }

  // In ack mode `max` bounds queued and in-flight messages together; otherwise only the queue.
  const held = (): number => waiting.length + (ack ? (flight?.length ?? 0) : 0);

  /**
   * Makes room for one more message and says which message goes: `data`
   * itself (drop-newest), the oldest held (drop-oldest), or none. The caller
   * reports it only once `data` is where it belongs, so a `dropped` listener
   * that calls dispose() or close() finds every message in its place.
   */
  function makeRoom(data: SendData): { readonly keep: boolean; readonly dropped: SendData | undefined } {
    if (held() < max) return { keep: true, dropped: undefined };
    if (overflow === 'error') {
      throw new SocketError('queue-full', __DEV__ ? `send() while not open: the queue is full (queue.max ${max}, queue.overflow 'error'). Wait for 'open' or raise queue.max.` : '');
    }
    if (overflow === 'drop-newest') return { keep: false, dropped: data };
    const oldest = flight !== undefined && ack && flight.length > 0 ? (flight.shift() as InFlight).data : (waiting.shift() as SendData);
    return { keep: true, dropped: oldest };
  }

  const report = (dropped: SendData | undefined): void => {
    if (dropped !== undefined) reports.dropped([dropped]);
  };

  function track(data: SendData): void {
    if (flight === undefined) return;
    // In ack mode a message without an id (idOf → undefined) is fire-and-forget; one whose id cannot be read stays in flight.
    const id = ack ? hook(() => ack.idOf(data), 'queue.ack.idOf', UNREADABLE) : UNREADABLE;
    if (id !== undefined) flight.push({ id, data });
  }

  return {
    enabled: queue !== undefined,
    queued: () => waiting.length,
    confirming: () => flight !== undefined && !ack,
    enqueue(data) {
      if (queue === undefined) throw new SocketError('not-open', __DEV__ ? "send() while not open, and options.queue is false: wait for 'open', or turn the queue on." : '');
      const room = makeRoom(data);
      if (room.keep) waiting.push(data);
      report(room.dropped);
    },
    write(data, write) {
      const room = ack ? makeRoom(data) : { keep: true, dropped: undefined };
      try {
        if (room.keep) {
          write(data);
          track(data);
        }
      } finally {
        // Also when the WebSocket refused `data` (send() throws that): what made room is gone either way.
        report(room.dropped);
      }
      return room.keep;
    },
    flush(write, tracking) {
      if (!ack) flight = tracking ? [] : undefined;
      while (waiting.length > 0) {
        const data = waiting.shift() as SendData;
        try {
          write(data);
        } catch (error) {
          reports.error(error as Error);
          reports.dropped([data]);
          continue;
        }
        track(data);
      }
    },
    received(data) {
      if (!ack || flight === undefined || flight.length === 0) return;
      const answer = hook(() => ack.acked(data), 'queue.ack.acked', undefined);
      if (answer === undefined) return;
      const ids = Array.isArray(answer) ? answer : [answer];
      flight = flight.filter((message) => !ids.includes(message.id));
    },
    confirm() {
      if (!ack) flight = undefined;
    },
    requeue() {
      if (flight === undefined) return;
      // Back in front of what was queued since, in order; what no longer fits is reported.
      waiting = [...flight.map((message) => message.data), ...waiting];
      flight = ack ? [] : undefined;
      const excess = waiting.length - max;
      if (excess > 0) reports.dropped(overflow === 'drop-oldest' ? waiting.splice(0, excess) : waiting.splice(waiting.length - excess));
    },
    takeAll() {
      const all = waiting;
      waiting = [];
      return all;
    },
  };
}
