// Reads one field of a JSON text message without trusting it: heartbeat hooks
// see every incoming message, so anything that is not a small JSON object is
// simply not a ping or a pong.

/** `key` of the JSON object in `data`, or undefined when `data` is not such a string. */
export function jsonField(data: unknown, key: string): unknown {
  // A cheap test first: most messages are not control frames.
  if (typeof data !== 'string' || data.length > 200 || !data.includes(key)) return undefined;
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  } catch {
    return undefined;
  }
}
