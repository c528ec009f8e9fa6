import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, baseDelayMs, computeDelay, createBackoff, expectedDelayMs, isPolicyError, resolveBackoff, type Jitter } from '../src/index';
import { createSeededRandom as seededRandom } from '../src/testing';
import { meanOf } from './support/random';

const jitters: Jitter[] = ['none', 'full', 'equal', 'decorrelated'];

describe('baseDelayMs', () => {
  it.each([
    [1, 500],
    [2, 1000],
    [3, 2000],
    [6, 16_000],
    [7, 30_000],
    [1000, 30_000],
  ])('retry %i waits %i ms before jitter by default', (attempt, expected) => {
    expect(baseDelayMs(attempt)).toBe(expected);
  });

  it('treats attempt 0, negative or garbage as the first retry', () => {
    for (const attempt of [0, -3, NaN, Infinity, 0.5]) expect(baseDelayMs(attempt)).toBe(500);
  });

  it('is 0 when initialMs is 0, even for huge attempts', () => {
    expect(baseDelayMs(1e9, resolveBackoff({ initialMs: 0 }))).toBe(0);
  });
});

describe('computeDelay', () => {
  it('uses the exponential delay itself with no jitter', () => {
    const backoff = resolveBackoff({ jitter: 'none' });
    expect([1, 2, 3, 4].map((n) => computeDelay(n, backoff))).toEqual([500, 1000, 2000, 4000]);
  });

  it('spans [0, d] with full jitter', () => {
    expect(computeDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(computeDelay(3, DEFAULT_BACKOFF, () => 0.999_999)).toBe(2000);
    expect(computeDelay(3, DEFAULT_BACKOFF, () => 0.5)).toBe(1000);
  });

  it('spans [d/2, d] with equal jitter', () => {
    const backoff = resolveBackoff({ jitter: 'equal' });
    expect(computeDelay(3, backoff, () => 0)).toBe(1000);
    expect(computeDelay(3, backoff, () => 0.999_999)).toBe(2000);
  });

  it('spans [initialMs, 3 × previous] with decorrelated jitter, capped', () => {
    const backoff = resolveBackoff({ jitter: 'decorrelated', maxMs: 10_000 });
    expect(computeDelay(1, backoff, () => 0)).toBe(500);
    expect(computeDelay(1, backoff, () => 0.999_999)).toBe(1500);
    expect(computeDelay(5, backoff, () => 0.999_999, 2000)).toBe(6000);
    expect(computeDelay(5, backoff, () => 0.999_999, 9000)).toBe(10_000);
  });

  it('keeps a floor, under the cap', () => {
    const backoff = resolveBackoff({ minMs: 5000 });
    expect(computeDelay(1, backoff, () => 0)).toBe(5000);
    expect(computeDelay(20, backoff, () => 0.999_999)).toBe(30_000);
  });

  it('survives a random source that misbehaves', () => {
    for (const random of [
      () => NaN,
      () => -1,
      () => 7,
      () => {
        throw new Error('no entropy');
      },
    ]) {
      const delay = computeDelay(2, DEFAULT_BACKOFF, random as () => number);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });

  it('always gives an integer within [minMs, maxMs] (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          initialMs: fc.integer({ min: 0, max: 10_000 }),
          extraMs: fc.integer({ min: 0, max: 100_000 }),
          factor: fc.double({ min: 1, max: 10, noNaN: true }),
          jitter: fc.constantFrom(...jitters),
          floor: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        fc.oneof(fc.integer(), fc.double()),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.option(fc.oneof(fc.integer(), fc.double()), { nil: undefined }),
        (o, attempt, r, previous) => {
          const maxMs = o.initialMs + o.extraMs;
          const backoff = resolveBackoff({ initialMs: o.initialMs, maxMs, factor: o.factor, jitter: o.jitter, minMs: Math.floor(o.floor * maxMs) });
          const delay = computeDelay(attempt, backoff, () => r, previous);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(backoff.minMs);
          expect(delay).toBeLessThanOrEqual(maxMs);
        },
      ),
    );
  });

  it.each([1, 2, 3, 5, 8, 12])('has a mean within 5%% of d/2 over 10,000 full-jitter samples (retry %i)', (attempt) => {
    const random = seededRandom(attempt * 7919);
    const mean = meanOf(10_000, () => computeDelay(attempt, DEFAULT_BACKOFF, random));
    const expected = expectedDelayMs(attempt);
    expect(expected).toBe(baseDelayMs(attempt) / 2);
    expect(Math.abs(mean - expected)).toBeLessThanOrEqual(0.05 * expected);
  });

  it('has a mean near 3d/4 with equal jitter', () => {
    const backoff = resolveBackoff({ jitter: 'equal' });
    const random = seededRandom(42);
    const mean = meanOf(10_000, () => computeDelay(4, backoff, random));
    expect(Math.abs(mean - expectedDelayMs(4, backoff))).toBeLessThanOrEqual(0.05 * expectedDelayMs(4, backoff));
  });
});

describe('createBackoff', () => {
  it('validates once and returns a pure delay function', () => {
    const backoff = createBackoff({ initialMs: 100, factor: 3, jitter: 'none' });
    expect(backoff.options).toEqual({ initialMs: 100, maxMs: 30_000, factor: 3, jitter: 'none', minMs: 0 });
    expect([1, 2, 3].map((n) => backoff.delay(n))).toEqual([100, 300, 900]);
  });

  it.each([
    [{ factor: 0.5 }, 'backoff.factor'],
    [{ initialMs: -1 }, 'backoff.initialMs'],
    [{ maxMs: Infinity }, 'backoff.maxMs'],
    [{ minMs: NaN }, 'backoff.minMs'],
    [{ jitter: 'random' }, 'backoff.jitter'],
    [{ initialMs: 2000, maxMs: 1000 }, 'backoff.initialMs'],
    [{ minMs: 40_000 }, 'backoff.minMs'],
    [{ inital: 5 }, 'backoff.inital'],
  ])('rejects %o with a PolicyError naming %s', (options, option) => {
    let caught: unknown;
    try {
      createBackoff(options as never);
    } catch (error) {
      caught = error;
    }
    expect(isPolicyError(caught)).toBe(true);
    expect((caught as { option: string }).option).toBe(option);
  });

  it('rejects a random source that is not a function', () => {
    expect(() => createBackoff({}, 3 as never)).toThrow(/random must be a function/);
  });
});
