// The demo app's close-code contract: declared once, imported by both the
// server (to close with) and the client (to classify and decide by name).
import { defineCloseCodes, type PolicyRules } from 'closekit';

export const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4029 });

/**
 * What the app's client does about its own codes. closekit's defaults cannot
 * know what 4001 means to this app; the app says so once, by name.
 */
export const AppRules = {
  // Refresh the token at once, as closekit does for 3000; maxReauth (2) bounds it.
  TokenExpired: { action: 'reauth', delayMs: 0 },
  AccessDenied: 'stop',
  RateLimited: { action: 'reconnect', backoff: { minMs: 10_000 } },
} as const satisfies PolicyRules<(typeof AppCodes.names)[number]>;
