// The close codes this app's server and client agree on.
// In an app this import reads `from 'closekit'`.
import { defineCloseCodes } from '../../src/index';

export const AppCodes = defineCloseCodes({ Unauthorized: 4001, Forbidden: 4003 });
