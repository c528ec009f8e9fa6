// Second adversarial review of closekit/server: each test holds one promise of
// docs/server.md or docs/guarantees.md that an edge case broke.
import { describe, expect, it } from 'vitest';
import { answerHeartbeats, createUpgradeHandler, guardUpgrade, rejectUpgrade } from '../../src/server/index';

describe("the upgrade helpers' hooks of the wrong shape are refused like any other option", () => {
  // guarantees.md: an argument of the wrong shape gets "a TypeError … whose message starts with the function's name
  // and says what was wrong, thrown before anything is written or sent"; upgrade.ts checks the options "whatever the
  // request", and createUpgradeHandler's "once, when the server is set up".
  const handshake = (origin: string) => ({
    method: 'GET',
    headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13', origin },
  });
  const socket = () => {
    const written: string[] = [];
    return { written, write: (chunk: string) => written.push(chunk), destroy: () => undefined };
  };
  const wss = { handleUpgrade: () => undefined, emit: () => true };

  it.each(['https://app.test', 'https://evil.test'])('guardUpgrade with onReject that is not a function (request from %s)', (origin) => {
    const s = socket();
    const options = { allowedOrigins: ['https://app.test'], onReject: 'console.log' } as never;
    expect(() => guardUpgrade(handshake(origin), s, options)).toThrow(TypeError);
    expect(() => guardUpgrade(handshake(origin), s, options)).toThrow(/^guardUpgrade: options\.onReject /);
    expect(s.written).toEqual([]);
  });

  it.each([
    ['onReject', { onReject: 42 }],
    ['onConnection', { onConnection: 'serve' }],
  ])('createUpgradeHandler with %s that is not a function, when the server is set up', (hook, extra) => {
    const options = { allowedOrigins: ['https://app.test'], ...extra } as never;
    expect(() => createUpgradeHandler(wss, options)).toThrow(TypeError);
    expect(() => createUpgradeHandler(wss, options)).toThrow(new RegExp(`^createUpgradeHandler: options\\.${hook} `));
  });
});

describe('a raw socket or a heartbeat target of the wrong shape gets the function’s own TypeError', () => {
  // guarantees.md: "not a ws socket, not a request … a TypeError or RangeError whose message starts with the function's
  // name and says what was wrong, thrown before anything is written or sent".
  const notWebSocket = { method: 'POST', headers: {} };
  const wss = { handleUpgrade: () => undefined, emit: () => true };
  const written: unknown[] = [];
  const writeOnly = { write: (chunk: unknown) => written.push(chunk) };

  it.each([
    ['rejectUpgrade', 'null', () => rejectUpgrade(null as never, 403)],
    ['rejectUpgrade', 'an object without write()', () => rejectUpgrade({} as never, 403)],
    ['rejectUpgrade', 'an object without destroy()', () => rejectUpgrade(writeOnly as never, 403)],
    ['guardUpgrade', 'null, for a request it refuses', () => guardUpgrade(notWebSocket, null as never, { allowedOrigins: [] })],
    ['createUpgradeHandler', 'null, for a request it refuses', () => createUpgradeHandler(wss, { allowedOrigins: [] })(notWebSocket, null as never, undefined)],
    ['answerHeartbeats', 'a WebSocket without on()', () => answerHeartbeats({ readyState: 1, send: () => undefined } as never)],
    ['answerHeartbeats', 'a server whose clients are not iterable', () => answerHeartbeats({ on: () => undefined, off: () => undefined, clients: 5 } as never)],
  ])('%s given %s', (name, _case, call) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(new RegExp(`^${name}[ :]`));
    expect(written).toEqual([]);
  });
});
