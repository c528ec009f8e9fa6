import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../src/testing/index';

describe('createFakeClock', () => {
  it('starts at the given time and only moves when told', () => {
    const clock = createFakeClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(250);
    expect(clock.now()).toBe(1_250);
  });

  it('runs due timers in time order, ties in scheduling order', () => {
    const clock = createFakeClock();
    const log: string[] = [];
    clock.setTimeout(() => log.push('b@20'), 20);
    clock.setTimeout(() => log.push('a@10'), 10);
    clock.setTimeout(() => log.push('c@20'), 20);
    clock.setTimeout(() => log.push('now'), 0);
    expect(clock.advance(15)).toBe(2);
    expect(log).toEqual(['now', 'a@10']);
    clock.advance(5);
    expect(log).toEqual(['now', 'a@10', 'b@20', 'c@20']);
  });

  it('shows each callback its own due time, then lands on the target', () => {
    const clock = createFakeClock();
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now()), 30);
    clock.setTimeout(() => seen.push(clock.now()), 70);
    clock.advance(100);
    expect(seen).toEqual([30, 70]);
    expect(clock.now()).toBe(100);
  });

  it('runs timers scheduled by timers when they fall inside the window', () => {
    const clock = createFakeClock();
    const log: number[] = [];
    clock.setTimeout(() => {
      log.push(clock.now());
      clock.setTimeout(() => log.push(clock.now()), 10); // due 20: inside
      clock.setTimeout(() => log.push(clock.now()), 100); // due 110: outside
    }, 10);
    clock.advance(50);
    expect(log).toEqual([10, 20]);
    expect(clock.pending()).toBe(1);
    expect(clock.pendingTimes()).toEqual([110]);
  });

  it('clearTimeout cancels, and ignores unknown handles', () => {
    const clock = createFakeClock();
    let fired = false;
    const handle = clock.setTimeout(() => (fired = true), 5);
    clock.clearTimeout(handle);
    clock.clearTimeout(handle);
    clock.clearTimeout('nope');
    clock.advance(10);
    expect(fired).toBe(false);
    expect(clock.pending()).toBe(0);
  });

  it('treats negative and non-finite delays as 0', () => {
    const clock = createFakeClock();
    clock.setTimeout(() => undefined, -5);
    clock.setTimeout(() => undefined, Number.NaN);
    expect(clock.pendingTimes()).toEqual([0, 0]);
    expect(clock.advance(0)).toBe(2);
  });

  it('next() jumps to the earliest timer; runAll() drains everything', () => {
    const clock = createFakeClock();
    const log: number[] = [];
    clock.setTimeout(() => log.push(clock.now()), 500);
    clock.setTimeout(() => log.push(clock.now()), 100);
    expect(clock.next()).toBe(true);
    expect(log).toEqual([100]);
    expect(clock.runAll()).toBe(1);
    expect(log).toEqual([100, 500]);
    expect(clock.next()).toBe(false);
  });

  it('runAll() stops a loop that never ends', () => {
    const clock = createFakeClock();
    const again = (): void => void clock.setTimeout(again, 1_000);
    again();
    expect(() => clock.runAll(50)).toThrow(/after 50 timers/);
  });

  it('runAll() refuses a limit that could never stop a loop (NaN, below 1, not a number)', async () => {
    const clock = createFakeClock();
    for (const limit of [Number.NaN, 0, -3, Symbol('x'), '10']) {
      expect(() => clock.runAll(limit as never)).toThrow(/^clock\.runAll expects a limit/);
      await expect(clock.runAllAsync(limit as never)).rejects.toThrow(/^clock\.runAllAsync expects a limit/);
    }
    expect(clock.runAll(Infinity)).toBe(0);
  });

  it('a throwing timer reaches the test and leaves the clock consistent', () => {
    const clock = createFakeClock();
    const log: string[] = [];
    clock.setTimeout(() => {
      throw new Error('boom');
    }, 10);
    clock.setTimeout(() => log.push('later'), 20);
    expect(() => clock.advance(30)).toThrow('boom');
    expect(clock.now()).toBe(10);
    clock.advance(20);
    expect(log).toEqual(['later']);
  });

  it('advanceAsync lets promise chains settle between timers', async () => {
    const clock = createFakeClock();
    const log: string[] = [];
    clock.setTimeout(async () => {
      await Promise.resolve();
      await Promise.resolve();
      log.push('refreshed');
      clock.setTimeout(() => log.push('reconnected'), 100);
    }, 10);
    await clock.advanceAsync(200);
    expect(log).toEqual(['refreshed', 'reconnected']);
  });

  it('runAllAsync drains timers scheduled after awaits', async () => {
    const clock = createFakeClock();
    const log: number[] = [];
    clock.setTimeout(async () => {
      await Promise.resolve();
      clock.setTimeout(() => log.push(clock.now()), 1_000);
    }, 5);
    expect(await clock.runAllAsync()).toBe(2);
    expect(log).toEqual([1_005]);
  });

  it('its methods work detached, so they can be handed over as plain functions', () => {
    const clock = createFakeClock(100);
    const { now, setTimeout, clearTimeout, advance, pending } = clock;
    const log: number[] = [];
    setTimeout(() => log.push(now()), 10);
    clearTimeout(setTimeout(() => log.push(-1), 5));
    expect(pending()).toBe(1);
    expect(advance(20)).toBe(1);
    expect(log).toEqual([110]);
  });

  it('rejects bad arguments with a clear message', () => {
    const clock = createFakeClock();
    expect(() => createFakeClock(Number.NaN)).toThrow(TypeError);
    expect(() => clock.advance(-1)).toThrow(/≥ 0/);
    expect(() => clock.setTimeout(undefined as unknown as () => void, 1)).toThrow(TypeError);
  });

  it('property: fires exactly the live timers, in (due time, scheduling order), whatever is cancelled', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('schedule' as const), delayMs: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const clock = createFakeClock();
        const fired: number[] = [];
        const model: { id: number; dueMs: number; handle: unknown }[] = [];
        const expected: number[] = [];
        let id = 0;
        const runModelTo = (targetMs: number) => {
          model.sort((a, b) => a.dueMs - b.dueMs || a.id - b.id);
          while (model.length > 0 && (model[0]?.dueMs ?? Infinity) <= targetMs) expected.push(model.shift()?.id ?? -1);
        };
        for (const step of ops) {
          if (step.kind === 'schedule') {
            const mine = ++id;
            model.push({ id: mine, dueMs: clock.now() + step.delayMs, handle: clock.setTimeout(() => fired.push(mine), step.delayMs) });
          } else if (step.kind === 'cancel' && model.length > 0) {
            const [victim] = model.splice(step.pick % model.length, 1);
            clock.clearTimeout(victim?.handle);
          } else if (step.kind === 'advance') {
            runModelTo(clock.now() + step.ms);
            clock.advance(step.ms);
          }
          expect(clock.pending()).toBe(model.length);
        }
        runModelTo(Infinity);
        clock.runAll();
        expect(fired).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('copes with many timers and cancellations (a storm of sockets)', () => {
    const clock = createFakeClock();
    let fired = 0;
    const handles = Array.from({ length: 20_000 }, (_, i) => clock.setTimeout(() => fired++, (i * 7919) % 30_000));
    for (let i = 0; i < handles.length; i += 2) clock.clearTimeout(handles[i]);
    expect(clock.pending()).toBe(10_000);
    clock.advance(30_000);
    expect(fired).toBe(10_000);
    expect(clock.pending()).toBe(0);
  });
});
