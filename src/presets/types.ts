import type { Policy, Preset } from '../policy/types';
import type { HeartbeatOptions, QueueOptions } from '../socket/types';

/**
 * A protocol profile: everything a protocol needs from closekit's client.
 * `rules`, `default` and `maxAttempts` are compiled into `policy`; `policy`,
 * `protocols`, `heartbeat` and `queue` are the socket's defaults when the
 * profile is passed as `createSocket(url, { preset })`. The app's own options
 * win over each of them; to add rules of its own, an app passes
 * `policy: createPolicy({ preset, rules })`.
 */
export interface Profile extends Preset {
  /** The profile's rules compiled: `createPolicy({ preset: profile })`. */
  readonly policy: Policy;
  /** The subprotocol(s) the protocol's server expects to be offered. */
  readonly protocols?: string | readonly string[];
  /** How the protocol keeps a connection alive: what to send, what counts as the pong, which server pings to answer. */
  readonly heartbeat?: HeartbeatOptions;
  /**
   * The send queue the protocol can live with: `false` for a protocol that
   * opens with a handshake, which a replayed or early-flushed message would
   * break (see docs/presets.md).
   */
  readonly queue?: QueueOptions | false;
}
