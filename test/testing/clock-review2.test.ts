// Review round 2: the fake clock against what real timers do with odd delays and durations.
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../src/testing';

describe('fake clock: delays a real timer cannot hold', () => {
  // Browsers and Node keep a timer's delay in a signed 32-bit integer: a longer
  // delay fires at once (MDN, setTimeout "Maximum delay value"; Node's timers
  // docs: "larger than 2147483647 … the delay will be set to 1").
  it.each([2 ** 31, 2 ** 32, 1e12])('setTimeout(…, %d) fires at once, as with real timers', (delayMs) => {
    const clock = createFakeClock();
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), delayMs);
    expect(clock.pendingTimes()).toEqual([0]);
    clock.advance(0);
    expect(fired).toEqual([0]);
  });

  it('2 ** 31 - 1 is still honoured', () => {
    const clock = createFakeClock();
    clock.setTimeout(() => undefined, 2 ** 31 - 1);
    expect(clock.advance(2 ** 31 - 2)).toBe(0);
    expect(clock.advance(1)).toBe(1);
  });
});

describe('fake clock: advance needs a finite duration', () => {
  it.each(['advance', 'advanceAsync'] as const)('%s(Infinity) throws a TypeError naming the method, and time does not move', async (method) => {
    const clock = createFakeClock();
    // Three beats here; a heartbeat that never stops would make advance(Infinity) never return.
    let beats = 0;
    const beat = (): void => void (++beats < 3 && clock.setTimeout(beat, 1000));
    clock.setTimeout(beat, 1000);
    await expect(async () => clock[method](Infinity)).rejects.toThrow(new TypeError(`clock.${method} expects a finite duration in ms ≥ 0, got Infinity.`));
    expect(clock.now()).toBe(0);
    expect(clock.pending()).toBe(1);
    expect(beats).toBe(0);
  });
});
