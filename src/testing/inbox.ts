// What clients send to the fake server: every message is recorded, shown to
// the `onMessage` handlers, and a heartbeat ping answered when autoPong is on.
import type { AutoPongOptions, FakeConnection } from './fake-server';
import type { ServerConnection } from './server-connection';

/** The fake server's record of client messages. */
export interface Inbox<N extends string> {
  /** Every message any client sent, in order. */
  readonly received: unknown[];
  /** Adds a handler for every message; returns its remover. */
  onMessage(handler: (data: unknown, connection: FakeConnection<N>) => void): () => void;
  /** Turns automatic heartbeat replies on or off. */
  setAutoPong(options: boolean | AutoPongOptions): void;
  /** Takes a message `connection`'s client sent. */
  receive(data: unknown, connection: ServerConnection<N>): void;
}

const matchesPing = (ping: unknown, data: unknown): boolean => (typeof ping === 'function' ? Boolean((ping as (data: unknown) => unknown)(data)) : Object.is(ping, data));

/** Creates an empty {@link Inbox} with autoPong set as given. */
export function createInbox<N extends string>(autoPong: boolean | AutoPongOptions): Inbox<N> {
  const received: unknown[] = [];
  const handlers = new Set<(data: unknown, connection: FakeConnection<N>) => void>();
  let heartbeat: Required<AutoPongOptions> | undefined;
  const setAutoPong = (options: boolean | AutoPongOptions): void => {
    heartbeat = options === false ? undefined : { ping: 'ping', pong: 'pong', ...(options === true ? {} : options) };
  };
  setAutoPong(autoPong);
  return {
    received,
    onMessage(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
    setAutoPong,
    receive(data, connection) {
      received.push(data);
      for (const handler of [...handlers]) handler(data, connection);
      if (heartbeat !== undefined && connection.state === 'open' && matchesPing(heartbeat.ping, data)) {
        const pong = heartbeat.pong;
        connection.send(typeof pong === 'function' ? (pong as (data: unknown) => unknown)(data) : pong);
      }
    },
  };
}
