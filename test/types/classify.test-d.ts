import { describe, expectTypeOf, it } from 'vitest';
import { classify, defineCloseCodes, type CloseResult, type LibraryCodeName, type StandardCodeName } from '../../src/index';

const AppCodes = defineCloseCodes({ TokenExpired: 4001 });

describe('CloseResult types', () => {
  it('narrows name by kind', () => {
    const result = classify({ code: 4001 }, { codes: AppCodes });
    if (result.kind === 'application') expectTypeOf(result.name).toEqualTypeOf<'TokenExpired' | undefined>();
    if (result.kind === 'standard') {
      expectTypeOf(result.name).toEqualTypeOf<StandardCodeName>();
      expectTypeOf(result.local).toEqualTypeOf<boolean>();
    }
    if (result.kind === 'library') expectTypeOf(result.name).toEqualTypeOf<LibraryCodeName | 'TokenExpired' | undefined>();
    if (result.kind === 'reserved') {
      expectTypeOf(result.name).toEqualTypeOf<undefined>();
      expectTypeOf(result.range).toEqualTypeOf<'unused' | 'standard' | 'future' | 'extension'>();
    }
    if (result.kind === 'invalid') expectTypeOf(result.name).toEqualTypeOf<undefined>();
  });

  it('has no application names without a contract', () => {
    const result = classify({ code: 4001 });
    if (result.kind === 'application') expectTypeOf(result.name).toEqualTypeOf<undefined>();
    expectTypeOf(result).toMatchTypeOf<CloseResult>();
  });

  it('types the contract', () => {
    expectTypeOf(AppCodes.codes.TokenExpired).toEqualTypeOf<4001>();
    expectTypeOf(AppCodes.nameOf(1)).toEqualTypeOf<'TokenExpired' | undefined>();
    expectTypeOf(AppCodes.codeOf('TokenExpired')).toEqualTypeOf<4001>();
    // @ts-expect-error not a name in this contract
    AppCodes.codeOf('AccessDenied');
  });

  it('refuses codes outside 3000–4999 at compile time', () => {
    defineCloseCodes({ Ok: 3000, AlsoOk: 4999 });
    // @ts-expect-error 1008 is a standard code, not the app's
    defineCloseCodes({ Bad: 1008 });
    // @ts-expect-error 5000 is not a valid close code
    defineCloseCodes({ Bad: 5000 });
    // @ts-expect-error 2999 is reserved for extensions
    defineCloseCodes({ Ok: 4001, Bad: 2999 });
  });

  it("refuses a name that is closekit's name for another code, at compile time", () => {
    // @ts-expect-error Forbidden is 3003: an app's 4003 needs a name of its own
    defineCloseCodes({ Forbidden: 4003 });
    // @ts-expect-error Unauthorized is 3000
    defineCloseCodes({ TokenExpired: 4002, Unauthorized: 4001 });
    // @ts-expect-error GoingAway is 1001 (and 1001 is not an app code either)
    defineCloseCodes({ GoingAway: 1001 });
    // The same code under its own name is fine, and keeps the literal types.
    const Same = defineCloseCodes({ Forbidden: 3003, AccessDenied: 4003 });
    expectTypeOf(Same.codes.Forbidden).toEqualTypeOf<3003>();
    expectTypeOf(Same.nameOf(4003)).toEqualTypeOf<'Forbidden' | 'AccessDenied' | undefined>();
  });

  it('so a name check on a result matches one code', () => {
    const result = classify({ code: 3003 }, { codes: AppCodes });
    // 'AccessDenied' is not in this contract and not an IANA name: comparing with it is a type error.
    // @ts-expect-error no code has that name here
    if (result.name === 'AccessDenied') throw new Error('unreachable');
  });
});
