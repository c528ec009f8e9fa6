import { describe, expectTypeOf, it } from 'vitest';
import { classify, defineCloseCodes, type CloseResult, type LibraryCodeName, type StandardCodeName } from '../../src/index';

const AppCodes = defineCloseCodes({ Unauthorized: 4001 });

describe('CloseResult types', () => {
  it('narrows name by kind', () => {
    const result = classify({ code: 4001 }, { codes: AppCodes });
    if (result.kind === 'application') expectTypeOf(result.name).toEqualTypeOf<'Unauthorized' | undefined>();
    if (result.kind === 'standard') {
      expectTypeOf(result.name).toEqualTypeOf<StandardCodeName>();
      expectTypeOf(result.local).toEqualTypeOf<boolean>();
    }
    if (result.kind === 'library') expectTypeOf(result.name).toEqualTypeOf<LibraryCodeName | 'Unauthorized' | undefined>();
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
    expectTypeOf(AppCodes.codes.Unauthorized).toEqualTypeOf<4001>();
    expectTypeOf(AppCodes.nameOf(1)).toEqualTypeOf<'Unauthorized' | undefined>();
    expectTypeOf(AppCodes.codeOf('Unauthorized')).toEqualTypeOf<4001>();
    // @ts-expect-error not a name in this contract
    AppCodes.codeOf('Forbidden');
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
});
