// The close codes this app's server and client agree on.
// In an app this import reads `from 'closekit'`.
import { defineCloseCodes } from '../../src/index';

export const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003 });
