// Sweep of createSocket and the ManagedSocket methods (send, close,
// reconnect, dispose) on closekit/testing's fake server and fake clock, with
// random and hostile options, data and call sequences (see support.ts for
// the rule). Also the socket-side problems of issue #11 as properties:
// dispose() inside a listener (1), 2^31 durations (2), send() of non-data (4),
// a refresh that never settles (5), a prebuilt policy's resetAfterMs (6),
// misspelt option keys (7).
import fc from 'fast-check';
import { describe as suite, expect, it } from 'vitest';
import { type CloseCodeMap, createPolicy, createSocket as createRawSocket, defineCloseCodes, type ManagedSocket, type SocketEventName, type SocketOptions, type UrlSource } from '../../src/index';
import { createFakeClock, createFakeServer, type FakeClock, type FakeServer } from '../../src/testing';
import { compilePolicy, type WithPolicyOptions } from '../support/policy';
import { SWEEP_SEED, collectUnhandledRejections, hostile, hugeDuration, misspell, oddNumber, outcome, params, throwingGetter, worksOrThrowsTyped, type TypedErrorName } from './support';

// The sweep writes a policy as createPolicy's options, compiled the way an app would (test/support/policy.ts).
const createSocket = <M extends CloseCodeMap>(url: UrlSource, options?: WithPolicyOptions<SocketOptions<M>>): ManagedSocket<keyof M & string> =>
  createRawSocket(url, compilePolicy(options) as SocketOptions<M>);

collectUnhandledRejections();

const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4029 });
type Names = keyof typeof AppCodes.codes & string;
const TYPED: readonly TypedErrorName[] = ['SocketError', 'PolicyError', 'CloseCodeError'];
const STATES = ['idle', 'connecting', 'open', 'closing', 'waiting', 'reauthenticating', 'stopped'];
const EVENTS: readonly SocketEventName[] = ['state', 'open', 'message', 'close', 'rejected', 'reconnecting', 'reauth', 'stopped', 'dropped', 'error'];

const SOCKET_KEYS = [
  'protocols',
  'codes',
  'policy',
  'auth',
  'WebSocket',
  'binaryType',
  'connectTimeoutMs',
  'heartbeat',
  'queue',
  'pauseWhenOffline',
  'pauseWhenHidden',
  'online',
  'visibility',
  'startClosed',
  'clock',
  'timers',
  'random',
];
const NESTED_KEYS: Readonly<Record<string, readonly string[]>> = {
  heartbeat: ['intervalMs', 'timeoutMs', 'message', 'isPong'],
  queue: ['max', 'overflow', 'confirmAfterMs', 'ack'],
  auth: ['refresh', 'timeoutMs'],
};
/** A valid value for each nested object, so only the misspelt key is wrong. */
const NESTED_BASE: Readonly<Record<string, Record<string, unknown>>> = {
  heartbeat: { intervalMs: 1000, timeoutMs: 500 },
  queue: { max: 10 },
  auth: { refresh: () => undefined },
};

/** What a browser's send() takes (a hostile proxy, whose prototype cannot even be read, is not). */
function isSendData(value: unknown): boolean {
  try {
    return (
      typeof value === 'string' ||
      value instanceof ArrayBuffer ||
      (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer) ||
      ArrayBuffer.isView(value) ||
      (typeof Blob !== 'undefined' && value instanceof Blob)
    );
  } catch {
    return false;
  }
}

interface World {
  readonly clock: FakeClock;
  readonly server: FakeServer<Names>;
  readonly base: SocketOptions<typeof AppCodes.codes>;
}

function world(): World {
  const clock = createFakeClock();
  const server = createFakeServer({ clock, codes: AppCodes, autoPong: true });
  return { clock, server, base: { WebSocket: server.WebSocket, clock, timers: clock, pauseWhenOffline: false, codes: AppCodes } };
}

/** Records the events of a socket; `stopped` payloads separately. */
function record(socket: ManagedSocket<Names>): { names: string[]; stopped: { cause: string; pending: readonly unknown[] }[]; dropped: unknown[] } {
  const log = { names: [] as string[], stopped: [] as { cause: string; pending: readonly unknown[] }[], dropped: [] as unknown[] };
  for (const event of EVENTS) socket.on(event, () => log.names.push(event));
  socket.on('stopped', ({ cause, pending }) => log.stopped.push({ cause, pending }));
  socket.on('dropped', ({ messages }) => log.dropped.push(...messages));
  return log;
}

/** Disposes and lets the fake server deliver what is in flight: then nothing may be left on the clock. */
async function expectNothingLeft(socket: ManagedSocket<Names>, w: World): Promise<void> {
  socket.dispose();
  await w.clock.advanceAsync(5000);
  expect(w.clock.pending(), `timers left after dispose(): due at ${w.clock.pendingTimes().join(', ')}`).toBe(0);
  expect(w.server.openConnections.length, 'connections left open after dispose()').toBe(0);
}

const duration = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 60_000 }) }, oddNumber, hostile);
const socketOptions: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    protocols: fc.oneof(fc.constantFrom('chat', ['a', 'b'], []), hostile),
    policy: fc.oneof(
      fc.record(
        { maxAttempts: fc.oneof(fc.integer({ min: 1, max: 5 }), hostile), backoff: fc.oneof(fc.record({ initialMs: duration, maxMs: duration }, { requiredKeys: [] }), hostile) },
        { requiredKeys: [] },
      ),
      fc.constant(null).map(() => createPolicy({ maxAttempts: 3 }) as unknown),
      hostile,
    ),
    auth: fc.oneof(
      fc.record({
        refresh: fc.oneof(
          fc.constant(() => Promise.resolve()),
          fc.constant(() => Promise.reject(new Error('no'))),
          hostile,
        ),
      }),
      hostile,
    ),
    binaryType: fc.oneof(fc.constantFrom('arraybuffer', 'blob'), hostile),
    connectTimeoutMs: duration,
    heartbeat: fc.oneof(
      fc.constant(false),
      fc.record(
        {
          intervalMs: duration,
          timeoutMs: duration,
          message: fc.oneof(fc.constant('ping'), hostile),
          isPong: fc.oneof(
            fc.constant((d: unknown) => d === 'pong'),
            hostile,
          ),
        },
        { requiredKeys: [] },
      ),
      hostile,
    ),
    queue: fc.oneof(
      fc.constant(false),
      fc.record(
        { max: fc.oneof(fc.integer({ min: 1, max: 5 }), oddNumber, hostile), overflow: fc.oneof(fc.constantFrom('drop-oldest', 'drop-newest', 'error'), hostile), confirmAfterMs: duration },
        { requiredKeys: [] },
      ),
      hostile,
    ),
    startClosed: fc.oneof(fc.boolean(), hostile),
    pauseWhenHidden: fc.oneof(fc.boolean(), hostile),
    online: hostile,
    random: fc.oneof(
      fc.constant(() => 0.5),
      hostile,
    ),
  },
  { requiredKeys: [] },
);

suite(`sweep: createSocket and its methods (seed ${SWEEP_SEED})`, () => {
  it('createSocket works or throws a typed error for any url and options; what it makes runs and is disposed without leftovers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 3, arbitrary: fc.constant('ws://app.test/live') },
          fc.constant(() => 'ws://app.test/fn'),
          hostile,
        ),
        socketOptions,
        async (url, options) => {
          const w = world();
          const made = worksOrThrowsTyped('createSocket(url, options)', () => createSocket(url as never, { ...w.base, ...options } as never), TYPED);
          if (made.threw) return;
          const socket = made.value as ManagedSocket<Names>;
          record(socket);
          // A timer callback that throws would surface here: closekit must report through 'error' instead.
          await w.clock.advanceAsync(3000);
          expect(STATES).toContain(socket.state);
          await expectNothingLeft(socket, w);
        },
      ),
      params(300),
    );
  });

  it('top-level options that are not options (misspelt keys, policy options at the top) are refused with a typed error naming them (problem 7)', () => {
    const wrongKey = fc.oneof(fc.constantFrom(...SOCKET_KEYS).chain(misspell), fc.constantFrom('maxAttempts', 'rules', 'backoff', 'resetAfterMs', 'hearbeat', 'reconnect', 'url'));
    fc.assert(
      fc.property(
        wrongKey.filter((key) => !SOCKET_KEYS.includes(key)),
        (key) => {
          const w = world();
          const made = worksOrThrowsTyped(`createSocket({ ${key} })`, () => createSocket('ws://app.test/', { ...w.base, [key]: 3 } as never), TYPED);
          if (!made.threw) (made.value as ManagedSocket).dispose();
          expect(made.threw, `createSocket accepted the unknown option '${key}'`).toBe(true);
          if (made.threw) expect((made.error as { option?: unknown }).option, 'the error names the option').toContain(key);
        },
      ),
      params(100),
    );
  });

  it('misspelt keys inside heartbeat, queue and auth are refused with a typed error naming them (problem 7)', () => {
    const nested = fc.constantFrom(...Object.keys(NESTED_KEYS)).chain((group) => fc.constantFrom(...(NESTED_KEYS[group] as string[])).chain((key) => misspell(key).map((spelt) => ({ group, spelt }))));
    fc.assert(
      fc.property(
        nested.filter(({ group, spelt }) => !(NESTED_KEYS[group] as string[]).includes(spelt)),
        ({ group, spelt }) => {
          const w = world();
          const options = { ...w.base, [group]: { ...NESTED_BASE[group], [spelt]: 1 } };
          const made = worksOrThrowsTyped(`createSocket({ ${group}: { ${spelt} } })`, () => createSocket('ws://app.test/', options as never), TYPED);
          if (!made.threw) (made.value as ManagedSocket).dispose();
          expect(made.threw, `createSocket accepted ${group}.${spelt}`).toBe(true);
          if (made.threw) expect((made.error as { option?: unknown }).option, 'the error names the option').toContain(spelt);
        },
      ),
      params(100),
    );
  });

  it('every duration of 2^31 ms or more is refused with a typed error naming the option (problem 2)', () => {
    const places: Record<string, (ms: number) => Record<string, unknown>> = {
      connectTimeoutMs: (ms) => ({ connectTimeoutMs: ms }),
      'heartbeat.intervalMs': (ms) => ({ heartbeat: { intervalMs: ms, timeoutMs: 1000 } }),
      'heartbeat.timeoutMs': (ms) => ({ heartbeat: { intervalMs: 1000, timeoutMs: ms } }),
      'queue.confirmAfterMs': (ms) => ({ queue: { confirmAfterMs: ms } }),
      'backoff.maxMs': (ms) => ({ policy: { backoff: { maxMs: ms } } }),
      resetAfterMs: (ms) => ({ policy: { resetAfterMs: ms } }),
    };
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(places)), hugeDuration, (option, ms) => {
        const w = world();
        const extra = (places[option] as (ms: number) => Record<string, unknown>)(ms);
        const made = worksOrThrowsTyped(`createSocket(${JSON.stringify(extra)})`, () => createSocket('ws://app.test/', { ...w.base, ...extra } as never), TYPED);
        if (!made.threw) (made.value as ManagedSocket).dispose();
        expect(made.threw, `createSocket accepted ${JSON.stringify(extra)}`).toBe(true);
        if (made.threw) expect(String((made.error as { option?: unknown }).option)).toContain(option);
      }),
      params(100),
    );
  });

  type Op =
    | { readonly op: 'send'; readonly data: unknown }
    | { readonly op: 'close'; readonly code: unknown; readonly reason: unknown }
    | { readonly op: 'reconnect' }
    | { readonly op: 'dispose' }
    | { readonly op: 'advance'; readonly ms: number }
    | { readonly op: 'server'; readonly action: 'closeAll' | 'dropAll' | 'restart' | 'hello' | 'reject' | 'refuse' | 'hang' | 'accept'; readonly code: number };
  const SERVER_CODES = [1000, 1001, 1008, 1011, 1012, 3000, 3003, 4000, 4001, 4003, 4029];
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 8, arbitrary: fc.record({ op: fc.constant('send' as const), data: fc.oneof(fc.string(), fc.constant(new Uint8Array([1, 2])), fc.constant(new ArrayBuffer(3)), hostile) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('reconnect' as const) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('close' as const),
        code: fc.oneof(fc.constantFrom(undefined, 1000, 4000, 1001, 4999, 5000), oddNumber, hostile),
        reason: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 130 }), hostile),
      }),
    },
    fc.record({ op: fc.constant('dispose' as const) }),
    { weight: 8, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3000 }) }) },
    {
      weight: 6,
      arbitrary: fc.record({
        op: fc.constant('server' as const),
        action: fc.constantFrom('closeAll', 'dropAll', 'restart', 'hello', 'reject', 'refuse', 'hang', 'accept'),
        code: fc.constantFrom(...SERVER_CODES),
      }),
    },
  );

  it('any sequence of calls with any arguments: each works or throws a typed error, send() of non-data throws a SocketError in every state (problem 4), one stopped per run, nothing left after dispose()', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), fc.boolean(), fc.boolean(), async (ops, heartbeat, ackLike) => {
        const w = world();
        const socket = createSocket('ws://app.test/live', {
          ...w.base,
          policy: { rules: { TokenExpired: 'reauth', AccessDenied: 'stop' }, backoff: { initialMs: 50, maxMs: 500 }, maxAttempts: 6 },
          auth: { refresh: async () => {} },
          queue: { max: 5, overflow: ackLike ? 'drop-newest' : 'drop-oldest' },
          connectTimeoutMs: 1000,
          heartbeat: heartbeat ? { intervalMs: 400, timeoutMs: 200 } : false,
          random: () => 0.5,
        });
        const log = record(socket);
        let runs = 1;
        socket.on('state', ({ previous }) => {
          if (previous === 'stopped') runs++;
        });
        let disposed = false;
        for (const step of ops) {
          const state = socket.state;
          switch (step.op) {
            case 'send': {
              const sent = worksOrThrowsTyped(`send(data) while ${state}`, () => socket.send(step.data as never), ['SocketError']);
              if (!isSendData(step.data)) expect(sent.threw, `send(${typeof step.data}) while ${state} was accepted; it is not data a WebSocket can send`).toBe(true);
              break;
            }
            case 'close':
              worksOrThrowsTyped(`close(code, reason) while ${state}`, () => socket.close(step.code as never, step.reason as never), ['CloseCodeError', 'SocketError']);
              break;
            case 'reconnect':
              worksOrThrowsTyped(`reconnect() while ${state}`, () => socket.reconnect(), ['SocketError']);
              break;
            case 'dispose':
              socket.dispose();
              disposed = true;
              break;
            case 'advance':
              await w.clock.advanceAsync(step.ms);
              break;
            case 'server': {
              const s = w.server;
              if (step.action === 'closeAll') s.closeAll(step.code);
              else if (step.action === 'dropAll') s.dropAll();
              else if (step.action === 'restart') s.restart({ downForMs: 500 });
              else if (step.action === 'hello') s.send('hello');
              else if (step.action === 'reject') s.setDefault({ reject: step.code });
              else s.setDefault(step.action);
              break;
            }
          }
          expect(STATES).toContain(socket.state);
        }
        if (!disposed) socket.dispose();
        await w.clock.advanceAsync(5000);
        expect(w.clock.pending(), `timers left after dispose(): due at ${w.clock.pendingTimes().join(', ')}`).toBe(0);
        expect(w.server.openConnections.length).toBe(0);
        // Every run ends with exactly one stopped (dispose ends the last one).
        expect(log.stopped.length, `${runs} runs, ${log.stopped.length} stopped events: ${log.names.join(' ')}`).toBe(runs);
      }),
      params(300),
    );
  });

  it('dispose() inside any listener still ends the run with exactly one stopped, handing back every queued message (problem 1)', async () => {
    // Every listener, every kind of close, disposing at the first or second emission: few enough
    // cases to try them all rather than sample them.
    const failures: string[] = [];
    for (const event of EVENTS) {
      for (const code of [1000, 1008, 1011, 3000, 4000, 4001, 4003]) {
        for (const skip of [0, 1]) {
          const w = world();
          // Every connection is accepted and closed at once: nothing written on it is ever confirmed.
          w.server.setDefault({ reject: code });
          w.server.setAutoPong(false);
          const socket = createSocket('ws://app.test/live', {
            ...w.base,
            policy: { rules: { TokenExpired: 'reauth', AccessDenied: 'stop' }, backoff: { initialMs: 10, maxMs: 100 }, maxAttempts: 3 },
            auth: { refresh: () => undefined },
            random: () => 0.5,
          });
          const log = record(socket);
          let seen = 0;
          socket.on(event, () => {
            if (seen++ === skip) socket.dispose();
          });
          const messages = ['m1', 'm2', 'm3'];
          for (const m of messages) socket.send(m);
          await w.clock.advanceAsync(10_000);
          socket.dispose();
          const pending = log.stopped.map((s) => s.pending);
          if (log.stopped.length !== 1 || JSON.stringify(pending[0]) !== JSON.stringify(messages)) {
            failures.push(`dispose() at '${event}' #${skip + 1}, server closes ${code}: ${log.stopped.length} stopped, pending ${JSON.stringify(pending)} — events: ${log.names.join(' ')}`);
          }
        }
      }
    }
    expect(failures.length, `${failures.length} cases:\n${failures.join('\n')}`).toBe(0);
  });

  it('an auth.refresh that never settles does not leave the socket re-authenticating for ever (problem 5)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(3000, 4001), fc.constantFrom<'never' | 'thenable' | 'throwing-then'>('never', 'thenable', 'throwing-then'), async (code, kind) => {
        const w = world();
        w.server.rejectNext(code);
        // A hand-made thenable whose then() never calls back is one of the hooks under test.
        // biome-ignore lint/suspicious/noThenProperty: the thenable is the point
        const neverThenable = () => ({ then: () => undefined });
        const pending = kind === 'never' ? () => new Promise(() => {}) : kind === 'thenable' ? neverThenable : () => throwingGetter('then');
        const socket = createSocket('ws://app.test/live', { ...w.base, policy: { rules: { TokenExpired: 'reauth' } }, auth: { refresh: pending }, random: () => 0.5 });
        const log = record(socket);
        // Ten minutes of fake time: longer than any sensible refresh timeout.
        for (let i = 0; i < 60; i++) await w.clock.advanceAsync(10_000);
        expect(socket.state, `events: ${log.names.join(' ')}`).not.toBe('reauthenticating');
        socket.dispose();
      }),
      params(20),
    );
  });

  it('a hand-written policy that carries its resetAfterMs behaves exactly like the compiled one it delegates to (problem 6)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 100, max: 15_000 }), async (maxAttempts, resetAfterMs, livesMs) => {
        const run = async (policy: unknown): Promise<{ sockets: number; stopped: string[] }> => {
          const w = world();
          // Each connection stays open `livesMs`, then the server closes it with 4000.
          w.server.onConnection((connection) => {
            connection.accept();
            w.clock.setTimeout(() => {
              if (connection.state === 'open') connection.close(4000);
            }, livesMs);
          });
          const socket = createSocket('ws://app.test/live', { ...w.base, policy: policy as never, random: () => 0.5 });
          const log = record(socket);
          await w.clock.advanceAsync(120_000);
          const sockets = w.server.attempts;
          socket.dispose();
          return { sockets, stopped: log.stopped.map((s) => s.cause) };
        };
        const options = { maxAttempts, resetAfterMs, backoff: { initialMs: 100, maxMs: 1000 }, random: () => 0.5 };
        const compiled = await run(createPolicy(options));
        const inner = createPolicy(options);
        // The app's own policy, delegating; spread so that resetAfterMs comes along (the socket reads it from any policy).
        const wrapped = await run({ ...inner, decide: (result: never, context: never) => inner.decide(result, context) });
        expect(wrapped, `policy ${JSON.stringify({ maxAttempts, resetAfterMs })}, connections live ${livesMs} ms`).toEqual(compiled);
      }),
      params(60),
    );
  });

  it('listeners that throw or call back in never make a method throw anything untyped', async () => {
    const reentry = fc.constantFrom('throw', 'send', 'send-garbage', 'close', 'close-bad', 'reconnect', 'dispose');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...EVENTS), reentry), { maxLength: 5 }),
        fc.array(fc.constantFrom(1000, 1001, 1008, 3000, 4000, 4001), { maxLength: 4 }),
        async (listeners, codes) => {
          const w = world();
          for (const code of codes) w.server.rejectNext(code);
          const socket = createSocket('ws://app.test/live', { ...w.base, auth: { refresh: async () => {} }, policy: { backoff: { initialMs: 10, maxMs: 100 }, maxAttempts: 4 }, random: () => 0.5 });
          const log = record(socket);
          let runs = 1;
          socket.on('state', ({ previous }) => {
            if (previous === 'stopped') runs++;
          });
          const problems: string[] = [];
          for (const [event, what] of listeners) {
            // Each acts twice at most: reconnect() on every 'open' is an app that loops by design.
            let left = 2;
            socket.on(event, () => {
              if (left-- <= 0) return;
              const call = (): unknown => {
                if (what === 'throw') throw new Error('listener fails');
                if (what === 'send') return socket.send('from a listener');
                if (what === 'send-garbage') return socket.send({} as never);
                if (what === 'close') return socket.close();
                if (what === 'close-bad') return socket.close(1001);
                if (what === 'reconnect') return socket.reconnect();
                return socket.dispose();
              };
              const result = outcome(call);
              if (result.threw && what !== 'throw') {
                const name = (result.error as Error | undefined)?.name;
                if (!TYPED.includes(name as TypedErrorName)) problems.push(`${what}() in a '${event}' listener threw ${String(result.error)}`);
              }
              if (what === 'throw') call();
            });
          }
          await w.clock.advanceAsync(5000);
          socket.dispose();
          await w.clock.advanceAsync(1000);
          expect(problems).toEqual([]);
          expect(log.stopped.length, `${runs} runs; events: ${log.names.join(' ')}`).toBe(runs);
          expect(w.clock.pending()).toBe(0);
        },
      ),
      params(200),
    );
  });
});
