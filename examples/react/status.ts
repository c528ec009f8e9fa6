// What the connection line says, from the store's snapshot: a pure function,
// so it is tested without React.
// In an app this import reads `from 'closekit'`.
import type { SocketSnapshot } from '../../src/index';
import type { AppCodes } from './codes';

type Names = keyof typeof AppCodes.codes & string;

/** One line for the UI; `now` is `Date.now()` at render time. */
export function statusLine(s: SocketSnapshot<Names>, now: number): string {
  if (!s.online) return 'Offline: waiting for the network';
  if (s.lastClose?.name === 'TokenExpired' && s.state === 'stopped') return 'Signed out: log in again';
  switch (s.state) {
    case 'open':
      return 'Connected';
    case 'waiting':
      return s.retryAt === undefined ? 'Waiting to reconnect' : `Reconnecting in ${Math.max(0, Math.ceil((s.retryAt - now) / 1000))} s (attempt ${s.attempt})`;
    case 'stopped':
      return `Disconnected: ${s.lastCloseText ?? 'closed'}`;
    default:
      return 'Connecting…';
  }
}
