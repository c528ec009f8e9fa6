// Second adversarial review of describe and the retry hint: each test holds
// one promise of docs/codes.md or docs/retry-hints.md that an edge case broke.
import { describe as group, expect, it } from 'vitest';
import { describe } from '../../src/describe';

group('describe of something that is not a result', () => {
  // describe.ts: "Never throws: something that is not a result is described as classify sees it" — one sentence,
  // so a string. A raw CloseEvent passed by mistake (no `kind`) is the common case.
  it.each([
    [
      'a raw CloseEvent-like object',
      { code: 4001, reason: 'token expired', wasClean: true },
      'The server closed the connection with application code 4001, which the app has not named: "token expired".',
    ],
    ['an empty object', {}, 'The connection closed with NaN, which is not a valid WebSocket close code.'],
    ['an unknown kind', { kind: 'other', code: 1000, reason: '' }, 'The connection was closed normally (1000 Normal Closure).'],
  ])('%s is described as classify sees it', (_label, value, sentence) => {
    expect(describe(value as never)).toBe(sentence);
  });
});
