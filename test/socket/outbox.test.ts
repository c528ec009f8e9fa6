// The outbox on its own: random sequences of sends, opens, writes the
// WebSocket refuses, acknowledgements, confirmations and connection ends.
// Whatever happens, every message the app handed over ends in exactly one
// place: refused at send() (thrown), reported in `dropped`, confirmed or
// acknowledged, or handed back by takeAll() — in the order it was sent, never
// twice.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SocketError } from '../../src/socket/errors';
import type { ResolvedQueue } from '../../src/socket/options';
import { createOutbox } from '../../src/socket/outbox';
import type { QueueOverflow, SendData } from '../../src/socket/types';

type Step =
  | { readonly do: 'send-closed' }
  | { readonly do: 'open'; readonly refuse: number }
  | { readonly do: 'send-open'; readonly refuse: boolean }
  | { readonly do: 'ack'; readonly pick: number }
  | { readonly do: 'confirm' }
  | { readonly do: 'end' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant({ do: 'send-closed' } as const),
  fc.record({ do: fc.constant('open' as const), refuse: fc.integer({ min: -1, max: 4 }) }),
  fc.record({ do: fc.constant('send-open' as const), refuse: fc.boolean() }),
  fc.record({ do: fc.constant('ack' as const), pick: fc.nat(20) }),
  fc.constant({ do: 'confirm' } as const),
  fc.constant({ do: 'end' } as const),
);

const queue: fc.Arbitrary<ResolvedQueue> = fc.record({
  max: fc.integer({ min: 1, max: 6 }),
  overflow: fc.constantFrom<QueueOverflow>('drop-oldest', 'drop-newest', 'error'),
  confirmAfterMs: fc.constant(1000),
  ack: fc.option(fc.constant({ idOf: (data: SendData) => data, acked: (data: unknown) => data }), { nil: undefined }),
});

function play(options: ResolvedQueue, steps: readonly Step[]) {
  const dropped: SendData[] = [];
  const errors: Error[] = [];
  const outbox = createOutbox(options, { dropped: (messages) => dropped.push(...messages), error: (error) => errors.push(error) });
  const sent: string[] = [];
  const refused = new Set<string>();
  const settled = new Set<string>(); // confirmed (confirm mode) or acknowledged (ack mode)
  let onConnection: string[] = []; // written on the current connection
  let open = false;
  let confirmed = false; // confirm mode: what is written on a confirmed connection is delivered as far as closekit can tell
  const written = (m: string): void => {
    if (confirmed) settled.add(m);
    else onConnection.push(m);
  };
  let next = 0;
  const fresh = (): string => {
    const m = `m${next++}`;
    sent.push(m);
    return m;
  };
  const send = (m: string, call: () => unknown): void => {
    try {
      call();
    } catch (error) {
      expect(error).toBeInstanceOf(SocketError);
      refused.add(m);
    }
  };
  for (const s of steps) {
    switch (s.do) {
      case 'send-closed': {
        const m = fresh();
        send(m, () => outbox.enqueue(m));
        break;
      }
      case 'open': {
        if (open) break;
        open = true;
        confirmed = false;
        onConnection = [];
        let n = 0;
        // The WebSocket refuses the refuse-th message it is given (none for -1): that message is reported, not lost.
        outbox.flush(
          {
            send: (data) => {
              if (n++ === s.refuse) throw new SocketError('send-failed', 'refused');
              written(data as string);
            },
          },
          true,
        );
        break;
      }
      case 'send-open': {
        const m = fresh();
        if (!open || outbox.queued() > 0) {
          send(m, () => outbox.enqueue(m));
          break;
        }
        send(m, () =>
          outbox.write(m, {
            send: (data) => {
              if (s.refuse) throw new SocketError('send-failed', 'refused');
              written(data as string);
            },
          }),
        );
        break;
      }
      case 'ack': {
        const m = onConnection[s.pick % Math.max(1, onConnection.length)];
        if (open && options.ack && m !== undefined) {
          outbox.received(m);
          settled.add(m);
        }
        break;
      }
      case 'confirm':
        if (open && !options.ack) {
          outbox.confirm();
          confirmed = true;
          for (const m of onConnection) settled.add(m);
          onConnection = [];
        }
        break;
      case 'end':
        if (!open) break;
        open = false;
        // A connection that ends unconfirmed (or, in ack mode, at all) gives back what it still holds.
        outbox.requeue();
        onConnection = [];
        break;
    }
  }
  if (open) outbox.requeue();
  return { sent, refused, settled, dropped: dropped as string[], pending: outbox.takeAll() as string[], errors };
}

describe('outbox: nothing handed over is lost silently', () => {
  it('every message ends in exactly one place, and what comes back keeps the send order', () => {
    fc.assert(
      fc.property(queue, fc.array(step, { maxLength: 60 }), (options, steps) => {
        const { sent, refused, settled, dropped, pending } = play(options, steps);
        for (const m of sent) {
          const places = [refused.has(m), settled.has(m), dropped.includes(m), pending.includes(m)].filter(Boolean).length;
          expect(places, `${m} ends in ${places} places`).toBe(1);
        }
        expect(new Set(dropped).size).toBe(dropped.length);
        expect(new Set(pending).size).toBe(pending.length);
        const order = pending.map((m) => sent.indexOf(m));
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }),
      { numRuns: 400 },
    );
  });

  it('max bounds what is held: queued (plus in flight, in ack mode) never above it after a send', () => {
    fc.assert(
      fc.property(queue, fc.array(step, { maxLength: 40 }), (options, steps) => {
        const { pending } = play(options, steps);
        expect(pending.length).toBeLessThanOrEqual(options.max);
      }),
      { numRuns: 200 },
    );
  });

  it('an ack hook that throws is reported, and the message stays until the connection ends', () => {
    const errors: Error[] = [];
    const outbox = createOutbox(
      {
        max: 10,
        overflow: 'error',
        confirmAfterMs: 0,
        ack: {
          idOf: (data) => data,
          acked: () => {
            throw new Error('bad parser');
          },
        },
      },
      { dropped: () => {}, error: (error) => errors.push(error) },
    );
    outbox.flush({ send: () => {} }, true);
    outbox.write('a', { send: () => {} });
    outbox.received('a');
    expect(errors).toHaveLength(1);
    outbox.requeue();
    expect(outbox.takeAll()).toEqual(['a']);
  });

  it('with queue: false nothing is kept: a send while not open throws not-open', () => {
    const outbox = createOutbox(undefined, { dropped: () => {}, error: () => {} });
    expect(() => outbox.enqueue('a')).toThrow(expect.objectContaining({ code: 'not-open' }));
  });
});
