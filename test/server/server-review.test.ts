// Adversarial review of closekit/server: each test holds one promise of
// docs/server.md, docs/retry-hints.md or guarantees.md that an edge case once broke.
import { describe, expect, it } from 'vitest';
import { isCloseCodeError } from '../../src/errors';
import { closeWith, reasonWithRetryHint } from '../../src/server/index';

describe('a reason that already holds retry-after= is refused, wherever it holds it', () => {
  // retry-hints.md: "a reason that already contains `retry-after=` throws a CloseCodeError with rule retry-hint, and nothing is sent".
  const long = `${'x'.repeat(110)} retry-after=5s`;

  it('also when the trim for the new hint would have cut it off', () => {
    expect(() => reasonWithRetryHint(long, 1000)).toThrow(expect.objectContaining({ name: 'CloseCodeError', rule: 'retry-hint' }));
  });

  it('closeWith sends nothing then', () => {
    const sent: unknown[] = [];
    const ws = { readyState: 1, close: (...args: unknown[]) => sent.push(args) };
    let error: unknown;
    try {
      closeWith(ws, 1013, long, { retryAfterMs: 1000 });
    } catch (caught) {
      error = caught;
    }
    expect(isCloseCodeError(error) && error.rule).toBe('retry-hint');
    expect(sent).toEqual([]);
  });
});
