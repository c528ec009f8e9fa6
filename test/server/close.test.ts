import { describe, expect, it } from 'vitest';
import { CloseCode, defineCloseCodes, isCloseCodeError } from '../../src/index';
import { closeWith, createCloser, rejectAfterAccept, type ClosableSocket } from '../../src/server/index';
import { AppCodes } from '../../examples/app/codes';

/** Records what would go into the close frame. */
function recorder(readyState = 1) {
  const calls: [number | undefined, string | undefined][] = [];
  const ws: ClosableSocket = { readyState, close: (code, reason) => void calls.push([code, reason]) };
  return { ws, calls };
}

describe('closeWith: which codes may be sent', () => {
  const sendable = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4029, 4999];
  it.each(sendable)('sends %i', (code) => {
    const { ws, calls } = recorder();
    expect(closeWith(ws, code, 'why')).toEqual({ code, reason: 'why' });
    expect(calls).toEqual([[code, 'why']]);
  });

  const refused = [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1999, 2000, 2999, 5000, 65535, 70000, -1, 4000.5, Number.NaN, Infinity];
  it.each(refused)('refuses %s with not-sendable and sends nothing', (code) => {
    const { ws, calls } = recorder();
    let caught: unknown;
    try {
      closeWith(ws, code);
    } catch (error) {
      caught = error;
    }
    expect(isCloseCodeError(caught)).toBe(true);
    expect(caught).toMatchObject({ name: 'CloseCodeError', rule: 'not-sendable', value: code });
    expect(calls).toEqual([]);
  });

  it('explains why a local-only code may not be sent', () => {
    const { ws } = recorder();
    expect(() => closeWith(ws, 1006)).toThrow(/reported by the client itself.*RFC 6455 §7\.4\.1/);
    expect(() => closeWith(ws, 2000)).toThrow(/1016–2999 are reserved/);
  });

  it('refuses values that are not codes at all', () => {
    const { ws } = recorder();
    expect(() => closeWith(ws, null as unknown as number)).toThrow(expect.objectContaining({ rule: 'not-sendable' }));
    expect(() => closeWith(ws, '4001' as 'TryAgainLater')).toThrow(expect.objectContaining({ rule: 'unknown-name' }));
  });
});

describe('closeWith: names', () => {
  it('takes an IANA name of a sendable code', () => {
    const { ws, calls } = recorder();
    closeWith(ws, 'TryAgainLater', 'busy');
    closeWith(ws, 'PolicyViolation');
    expect(calls).toEqual([
      [CloseCode.TryAgainLater, 'busy'],
      [CloseCode.PolicyViolation, ''],
    ]);
  });

  it('refuses the IANA names of local-only codes', () => {
    const { ws } = recorder();
    expect(() => closeWith(ws, 'AbnormalClosure' as 'TryAgainLater')).toThrow(expect.objectContaining({ rule: 'not-sendable' }));
  });

  it("takes a name from the app's contract with { codes }", () => {
    const { ws, calls } = recorder();
    expect(closeWith(ws, 'RateLimited', 'slow down', { codes: AppCodes })).toEqual({ code: 4029, reason: 'slow down' });
    expect(calls).toEqual([[4029, 'slow down']]);
  });

  it("the contract's names and the IANA names never collide: 'Unauthorized' is 3000 with or without a contract", () => {
    const { ws, calls } = recorder();
    closeWith(ws, 'TokenExpired', undefined, { codes: AppCodes });
    closeWith(ws, 'Unauthorized');
    closeWith(ws, 'Unauthorized', undefined, { codes: AppCodes });
    expect(calls).toEqual([
      [4001, ''],
      [3000, ''],
      [3000, ''],
    ]);
  });

  it('an unknown name says which names exist', () => {
    const { ws } = recorder();
    expect(() => closeWith(ws, 'RateLimitd' as 'RateLimited', undefined, { codes: AppCodes })).toThrow(
      /^Unknown close code name "RateLimitd": it is neither an IANA name \(such as TryAgainLater\) nor one of the contract's names \(TokenExpired, AccessDenied, RateLimited\)\.$/,
    );
  });

  it('an unknown name without a contract reads as one sentence and says how to pass one', () => {
    const { ws, calls } = recorder();
    expect(() => closeWith(ws, 'Nope' as 'TryAgainLater')).toThrow(
      /^Unknown close code name "Nope": it is not an IANA name \(such as TryAgainLater\), and no codes contract was given: pass \{ codes \} or use createCloser\(AppCodes\) to close with your own names\.$/,
    );
    expect(calls).toEqual([]);
  });
});

describe('createCloser', () => {
  it('binds the contract, so closeWith(ws, "RateLimited") works destructured', () => {
    const { closeWith: close, rejectAfterAccept: reject, codes } = createCloser(AppCodes);
    const { ws, calls } = recorder();
    close(ws, 'RateLimited');
    reject(ws, 'TokenExpired', 'token expired');
    close(ws, 1013);
    expect(calls).toEqual([
      [4029, ''],
      [4001, 'token expired'],
      [1013, ''],
    ]);
    expect(codes).toBe(AppCodes);
  });

  it('refuses something that is not a contract', () => {
    expect(() => createCloser({} as typeof AppCodes)).toThrow(TypeError);
  });

  it('works with any contract, including 3xxx library codes', () => {
    const Library = defineCloseCodes({ SessionExpired: 3401 });
    const { ws, calls } = recorder();
    createCloser(Library).closeWith(ws, 'SessionExpired');
    expect(calls).toEqual([[3401, '']]);
  });
});

describe('reasons', () => {
  it('trims a long reason to 123 UTF-8 bytes before sending', () => {
    const { ws, calls } = recorder();
    const sent = closeWith(ws, 4000, '€'.repeat(50));
    expect(sent.reason).toBe('€'.repeat(41));
    expect(calls[0]?.[1]).toBe('€'.repeat(41));
  });

  it('refuses a reason that is not a string', () => {
    const { ws } = recorder();
    expect(() => closeWith(ws, 4000, 42 as unknown as string)).toThrow(expect.objectContaining({ rule: 'reason-not-string' }));
  });
});

describe('rejectAfterAccept', () => {
  it('validates and trims like closeWith, and closes at once', () => {
    const { ws, calls } = recorder();
    expect(rejectAfterAccept(ws, 4001, 'token expired')).toEqual({ code: 4001, reason: 'token expired' });
    expect(rejectAfterAccept(ws, 'AccessDenied', undefined, { codes: AppCodes })).toEqual({ code: 4003, reason: '' });
    expect(() => rejectAfterAccept(ws, 1006)).toThrow(expect.objectContaining({ rule: 'not-sendable' }));
    expect(calls).toEqual([
      [4001, 'token expired'],
      [4003, ''],
    ]);
  });
});

describe('an argument of the wrong shape: a TypeError whose message starts with the function called', () => {
  const closer = createCloser(AppCodes);
  it.each([
    ['closeWith', () => closeWith(null as never, 1000)],
    ['rejectAfterAccept', () => rejectAfterAccept(null as never, 1000)],
    ['closeWith', () => closer.closeWith(null as never, 1000)],
    ['rejectAfterAccept', () => closer.rejectAfterAccept(null as never, 1000)],
  ])('%s', (name, call) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(new RegExp(`^${name} `));
  });
});
