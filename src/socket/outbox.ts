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
import { callHook, type ErrorSink, SocketError } from './errors';
import type { ResolvedQueue } from './options';

/** What the outbox reports. */
export interface OutboxReports extends ErrorSink {
  /** Messages given up (queue overflow, a write the WebSocket refused). */
  dropped(messages: SendData[]): void;
  // `error`: a failing `ack` hook or a refused write; the outbox carries on.
}

interface InFlight {
  readonly id: unknown;
  readonly data: SendData;
}

// An id that matches no acknowledgement, for a message whose idOf threw: it stays in flight until the connection ends.
const UNREADABLE = {};

/** What makeRoom says: keep the new message or not, and which message (if any) was dropped to make room. */
interface Room {
  readonly keep: boolean;
  readonly dropped: SendData | undefined;
}

const ROOM: Room = { keep: true, dropped: undefined };

/** Where the outbox writes: the open connection (its send() throws a SocketError when the WebSocket refuses a message). */
export interface Writer {
  send(data: SendData): void;
}

/**
 * The queue, the in-flight messages and their bookkeeping. Without `queue`
 * (`queue: false`) it keeps nothing and `enqueue` throws `not-open`.
 */
export class Outbox {
  /** Messages waiting for an open connection, oldest first; made on first use. */
  private waiting: SendData[] | undefined;
  /** Written on the current connection and not yet confirmed or acknowledged; undefined when nothing is tracked. */
  private flight: InFlight[] | undefined;

  constructor(
    private readonly queue: ResolvedQueue | undefined,
    private readonly reports: OutboxReports,
  ) {
    if (queue?.ack) this.flight = [];
  }

  /** Messages waiting for an open connection. */
  queued(): number {
    return this.waiting?.length ?? 0;
  }

  /** True while writes must be reported to the machine, which ends the confirmation window. */
  confirming(): boolean {
    return this.flight !== undefined && !this.queue?.ack;
  }

  /** Keeps `data` for the next open; throws `queue-full` under `overflow: 'error'`. */
  enqueue(data: SendData): void {
    if (this.queue === undefined) throw new SocketError('not-open', __DEV__ ? "send() while not open, and options.queue is false: wait for 'open', or turn the queue on." : '');
    const room = this.makeRoom(data);
    if (room.keep) (this.waiting ??= []).push(data);
    this.report(room.dropped);
  }

  /**
   * Writes `data` on the open connection `to` and tracks it. Returns false
   * when there was no room and `data` was dropped instead.
   */
  write(data: SendData, to: Writer): boolean {
    const room = this.queue?.ack ? this.makeRoom(data) : ROOM;
    try {
      if (room.keep) {
        to.send(data);
        this.track(data);
      }
    } finally {
      // Also when the WebSocket refused `data` (send() throws that): what made room is gone either way.
      this.report(room.dropped);
    }
    return room.keep;
  }

  /** A new connection opened: start tracking (confirm mode), then write what is queued, in order. */
  flush(to: Writer, tracking: boolean): void {
    if (!this.queue?.ack) this.flight = tracking ? [] : undefined;
    const waiting = this.waiting;
    while (waiting !== undefined && waiting.length > 0) {
      const data = waiting.shift() as SendData;
      try {
        to.send(data);
      } catch (error) {
        this.reports.error(error as Error);
        this.reports.dropped([data]);
        continue;
      }
      this.track(data);
    }
  }

  /** A message from the server: in ack mode, what it acknowledges leaves the flight. */
  received(data: unknown): void {
    const ack = this.queue?.ack;
    const flight = this.flight;
    if (!ack || flight === undefined || flight.length === 0) return;
    const answer = callHook(this.reports, 'queue.ack.acked', () => ack.acked(data));
    if (answer === undefined) return;
    const ids = Array.isArray(answer) ? answer : [answer];
    this.flight = flight.filter((message) => !ids.includes(message.id));
  }

  /** The connection is confirmed: what was written on it is no longer tracked (confirm mode). */
  confirm(): void {
    if (!this.queue?.ack) this.flight = undefined;
  }

  /** The connection ended before confirmation (or, in ack mode, at all): what is in flight goes back in front of the queue. */
  requeue(): void {
    const flight = this.flight;
    if (flight === undefined) return;
    const queue = this.queue;
    // Back in front of what was queued since, in order; what no longer fits is reported.
    const waiting = [...flight.map((message) => message.data), ...(this.waiting ?? [])];
    this.waiting = waiting;
    this.flight = queue?.ack ? [] : undefined;
    // With `queue: false` (max 0) nothing written unconfirmed can wait: it all goes back to the app.
    const excess = waiting.length - (queue?.max ?? 0);
    if (excess > 0) this.reports.dropped(queue?.overflow === 'drop-oldest' ? waiting.splice(0, excess) : waiting.splice(waiting.length - excess));
  }

  /** Empties the queue and returns it (for `stopped`'s `pending`). */
  takeAll(): SendData[] {
    const all = this.waiting ?? [];
    this.waiting = undefined;
    return all;
  }

  /**
   * Makes room for one more message and says which message goes: `data`
   * itself (drop-newest), the oldest held (drop-oldest), or none. The caller
   * reports it only once `data` is where it belongs, so a `dropped` listener
   * that calls dispose() or close() finds every message in its place.
   */
  private makeRoom(data: SendData): Room {
    const { max, overflow, ack } = this.queue as ResolvedQueue;
    const waiting = this.waiting;
    const queued = waiting?.length ?? 0;
    // In ack mode `max` bounds queued and in-flight messages together; otherwise only the queue.
    if (queued + (ack ? (this.flight?.length ?? 0) : 0) < max) return ROOM;
    if (overflow === 'error') {
      throw new SocketError('queue-full', __DEV__ ? `send() while not open: the queue is full (queue.max ${max}, queue.overflow 'error'). Wait for 'open' or raise queue.max.` : '');
    }
    // A message in flight is never dropped: the server may still acknowledge it. With nothing queued to
    // make room (ack mode, all in flight), the new message is the one that goes.
    if (overflow === 'drop-newest' || queued === 0) return { keep: false, dropped: data };
    return { keep: true, dropped: (waiting as SendData[]).shift() };
  }

  private report(dropped: SendData | undefined): void {
    if (dropped !== undefined) this.reports.dropped([dropped]);
  }

  private track(data: SendData): void {
    const flight = this.flight;
    if (flight === undefined) return;
    const ack = this.queue?.ack;
    // In ack mode a message without an id (idOf → undefined) is fire-and-forget; one whose id cannot be read stays in flight.
    const id = ack ? callHook(this.reports, 'queue.ack.idOf', () => ack.idOf(data), UNREADABLE) : UNREADABLE;
    if (id !== undefined) flight.push({ id, data });
  }
}

/** An outbox for `queue` that reports to `reports`. */
export const createOutbox = (queue: ResolvedQueue | undefined, reports: OutboxReports): Outbox => new Outbox(queue, reports);
