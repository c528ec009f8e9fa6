// How the fake server answers each new connection's handshake: refused while
// the server is down, else the next scripted `…Next()` step, else whatever an
// `onConnection` handler does, else the default behaviour.
import type { CloseCodeContract } from '../codes';
import type { Clock } from '../environment';
import { show } from '../errors';
import { validateReason } from '../validate';
import type { FakeBehaviour, FakeConnection } from './fake-server';
import { resolveCode, type ServerConnection } from './server-connection';

/** Throws unless `behaviour` is one the fake server can follow, with a sendable code and reason. */
export function checkBehaviour(behaviour: unknown, codes: CloseCodeContract | undefined): void {
  if (behaviour === 'accept' || behaviour === 'refuse' || behaviour === 'hang') return;
  if (behaviour !== null && typeof behaviour === 'object' && 'reject' in behaviour) {
    resolveCode((behaviour as { reject: unknown }).reject, codes);
    validateReason((behaviour as { reason?: unknown }).reason);
    return;
  }
  throw new TypeError(`A fake server behaviour is 'accept', 'refuse', 'hang' or { reject: code, reason? }, got ${show(behaviour)}.`);
}

function follow<N extends string>(connection: ServerConnection<N>, behaviour: FakeBehaviour<N>): void {
  if (behaviour === 'accept') connection.accept();
  else if (behaviour === 'refuse') connection.refuse();
  else if (behaviour !== 'hang') connection.reject(behaviour.reject, behaviour.reason);
}

/** The fake server's answers to handshakes, scripted by the test. */
export interface HandshakeScript<N extends string> {
  /** Checks `behaviour` and queues it for the next connection. */
  push(behaviour: FakeBehaviour<N>): void;
  /** Checks `behaviour` and makes it the answer when nothing else decides. */
  setDefault(behaviour: FakeBehaviour<N>): void;
  /** Adds a handler consulted after the queued steps; returns its remover. */
  onConnection(handler: (connection: FakeConnection<N>) => void): () => void;
  /** Refuses every handshake until the clock reaches `untilMs`. */
  downUntil(untilMs: number): void;
  /** True while the clock is before the time given to `downUntil`. */
  isDown(): boolean;
  /** Answers `connection` if it is still waiting; a 'hang' leaves it waiting. */
  answer(connection: ServerConnection<N>): void;
}

/** Creates a {@link HandshakeScript} whose default is `fallback` (checked here). */
export function createHandshakeScript<N extends string>(clock: Clock, codes: CloseCodeContract | undefined, fallback: FakeBehaviour<N>): HandshakeScript<N> {
  checkBehaviour(fallback, codes);
  const steps: FakeBehaviour<N>[] = [];
  const handlers = new Set<(connection: FakeConnection<N>) => void>();
  let downUntilMs = -Infinity;
  const isDown = (): boolean => clock.now() < downUntilMs;
  return {
    push(behaviour) {
      checkBehaviour(behaviour, codes);
      steps.push(behaviour);
    },
    setDefault(behaviour) {
      checkBehaviour(behaviour, codes);
      fallback = behaviour;
    },
    onConnection(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
    downUntil(untilMs) {
      downUntilMs = untilMs;
    },
    isDown,
    answer(connection) {
      if (connection.state !== 'connecting') return;
      if (isDown()) return connection.refuse();
      const step = steps.shift();
      if (step !== undefined) return follow(connection, step);
      for (const handler of [...handlers]) {
        handler(connection);
        if (connection.state !== 'connecting') return;
      }
      follow(connection, fallback);
    },
  };
}
