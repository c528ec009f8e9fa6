// The app's close-code contract: one module, imported by the server and by the
// browser client, so both ends agree on every code and name.
import { defineCloseCodes } from '../../src/index';

export const AppCodes = defineCloseCodes({
  /** The access token is missing or expired: refresh it and reconnect. */
  TokenExpired: 4001,
  /** The user may not use this channel: do not retry. */
  AccessDenied: 4003,
  /** Too many connections or messages: back off. */
  RateLimited: 4029,
});
