import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTimerQueue } from '../../src/testing/timer-queue';

const noop = (): void => undefined;

describe('createTimerQueue (the fake clock’s pending timers)', () => {
  it('hands out ids from 1 and takes only what is due by the limit, earliest first', () => {
    const queue = createTimerQueue();
    expect([queue.add(20, noop), queue.add(10, noop), queue.add(20, noop)]).toEqual([1, 2, 3]);
    expect(queue.takeDueBy(9)).toBeUndefined();
    expect(queue.takeDueBy(20)?.id).toBe(2);
    expect(queue.dueTimes()).toEqual([20, 20]);
    expect([queue.takeDueBy(20)?.id, queue.takeDueBy(20)?.id, queue.takeDueBy(Infinity)]).toEqual([1, 3, undefined]);
  });

  it('cancel says whether it forgot a pending timer', () => {
    const queue = createTimerQueue();
    const id = queue.add(5, noop);
    expect(queue.cancel('5')).toBe(false);
    expect(queue.cancel(id)).toBe(true);
    expect(queue.cancel(id)).toBe(false);
    expect(queue.size()).toBe(0);
    expect(queue.takeDueBy(Infinity)).toBeUndefined();
  });

  it('property: takes exactly the uncancelled timers in (due time, id) order, through heap rebuilds', () => {
    const step = fc.oneof(fc.record({ add: fc.integer({ min: 0, max: 1_000 }) }), fc.record({ cancel: fc.nat() }), fc.record({ take: fc.integer({ min: 0, max: 1_000 }) }));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 400 }), (steps) => {
        const queue = createTimerQueue();
        const model: { id: number; dueMs: number }[] = [];
        for (const s of steps) {
          if ('add' in s) model.push({ id: queue.add(s.add, noop), dueMs: s.add });
          else if ('cancel' in s && model.length > 0) expect(queue.cancel(model.splice(s.cancel % model.length, 1)[0]?.id)).toBe(true);
          else if ('take' in s) {
            model.sort((a, b) => a.dueMs - b.dueMs || a.id - b.id);
            const due = model[0] !== undefined && model[0].dueMs <= s.take ? model.shift() : undefined;
            expect(queue.takeDueBy(s.take)?.id).toBe(due?.id);
          }
          expect(queue.size()).toBe(model.length);
        }
        expect(queue.dueTimes()).toEqual(model.map((timer) => timer.dueMs).sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });
});
