// Differential tests: graphql-ws's own client (6.4.2) is the oracle for the
// graphqlWs preset. For every close the real graphql-ws server produces, and
// for every sendable code from a plain server, closekit with the preset must
// make the same retry/stop decision and give up after the same number of
// sockets — or differ where docs/presets.md says it deliberately does.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { graphqlWs } from '../../src/presets/index';
import { createSocket } from '../../src/socket';
import WsWebSocket from 'ws';
import { startTestServer, type TestServer } from '../support/ws-server';
import { CAP, init, runCloseKit, runGraphqlWs, startGraphqlServer, subscribe, type GraphqlServer, type Outcome } from './oracle';

// graphql-ws's server logs the errors some scenarios provoke on purpose (onConnect throwing).
beforeEach(() => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

let plain: TestServer | undefined;
let real: GraphqlServer | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await plain?.close();
  await real?.close();
  plain = real = undefined;
});

/** What both clients must agree on. */
const verdict = (outcome: Outcome) => ({ sockets: outcome.sockets, end: outcome.end, first: outcome.codes[0] });

// 1000–1015: every code a server may send; 3000–4999: the ends of each band
// graphql-ws or its protocol names, every code it names, and a spread between.
const STANDARD = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014];
const LIBRARY = [3000, 3001, 3003, 3008, 3333, 3499, 3500, 3777, 3999];
const APPLICATION = [4000, 4001, 4004, 4005, 4099, 4100, 4200, 4300, 4400, 4401, 4403, 4406, 4408, 4409, 4429, 4499, 4500, 4504, 4777, 4999];

describe('graphqlWs against graphql-ws createClient, a plain server closing every connection with one code', () => {
  it.each([...STANDARD, ...LIBRARY, ...APPLICATION].filter((code) => code !== 1000))('%i: same decision, same number of sockets', async (code) => {
    plain = await startTestServer({ default: { close: code, reason: 'scripted' } });
    const oracle = await runGraphqlWs(plain.url);
    const ours = await runCloseKit(plain.url);
    expect(oracle.codes.every((c) => c === code)).toBe(true);
    expect(verdict(ours)).toEqual(verdict(oracle));
    // graphql-ws gives up on everything here: after 1 socket (fatal) or 6 (1 + retryAttempts 5).
    expect([1, 6]).toContain(oracle.sockets);
  });

  it('1000 while a subscription is live: graphql-ws reconnects without end, closekit stops (deliberate)', async () => {
    plain = await startTestServer({ default: { close: 1000 } });
    const oracle = await runGraphqlWs(plain.url);
    const ours = await runCloseKit(plain.url);
    expect(verdict(oracle)).toEqual({ sockets: CAP, end: 'capped', first: 1000 });
    expect(verdict(ours)).toEqual({ sockets: 1, end: 'gave-up', first: 1000 });
  });

  it('a dropped connection (TCP destroyed after open, no close frame): both retry 1006 and give up after 6', async () => {
    plain = await startTestServer({ default: 'destroy' });
    const oracle = await runGraphqlWs(plain.url);
    const ours = await runCloseKit(plain.url);
    expect(verdict(ours)).toEqual(verdict(oracle));
    expect(verdict(ours)).toEqual({ sockets: 6, end: 'gave-up', first: 1006 });
  });

  it.each([
    ['an HTTP-rejected upgrade (401)', { http: 401 }],
    ['a refused port', 'refused'],
  ] as const)('%s: graphql-ws stops at the error event, closekit retries the 1006 up to 6 sockets (deliberate)', async (_name, behaviour) => {
    let url: string;
    if (behaviour === 'refused') {
      plain = await startTestServer();
      url = plain.url;
      await plain.close();
      plain = undefined;
    } else {
      plain = await startTestServer({ default: behaviour });
      url = plain.url;
    }
    const oracle = await runGraphqlWs(url);
    const ours = await runCloseKit(url);
    expect(verdict(oracle)).toEqual({ sockets: 1, end: 'gave-up', first: 1006 });
    expect(verdict(ours)).toEqual({ sockets: 6, end: 'gave-up', first: 1006 });
  });

  it('a server that acknowledges, then closes with 4403: graphql-ws restarts its count at every ack, closekit only after resetAfterMs open (deliberate)', async () => {
    plain = await startTestServer({
      default: (ws) =>
        ws.on('message', (data) => {
          if (String(data).includes('connection_init')) {
            ws.send('{"type":"connection_ack"}');
            setTimeout(() => ws.close(4403, 'Forbidden'), 5);
          }
        }),
    });
    const oracle = await runGraphqlWs(plain.url);
    const ours = await runCloseKit(plain.url);
    expect(verdict(oracle)).toEqual({ sockets: CAP, end: 'capped', first: 4403 });
    expect(verdict(ours)).toEqual({ sockets: 6, end: 'gave-up', first: 4403 });
  });
});

describe('graphqlWs against graphql-ws createClient, the real graphql-ws server', () => {
  const scenarios = [
    ['a message that is not the protocol (4400 Bad Request)', {}, { onOpen: ['ping'] }, 4400, 1],
    ['a subscribe before connection_ack (4401 Unauthorized)', {}, { onOpen: [subscribe('early')] }, 4401, 1],
    ['onConnect returning false (4403 Forbidden)', { onConnect: () => false }, {}, 4403, 6],
    ['no connection_init in time (4408)', { connectionInitWaitTimeout: 30 }, { noInit: true, initDelayMs: 200 }, 4408, 6],
    ['a duplicate subscription id (4409)', {}, { onAck: [subscribe('same'), subscribe('same')] }, 4409, 1],
    ['a second connection_init (4429)', {}, { onAck: [init] }, 4429, 1],
    [
      'onConnect throwing (4500 Internal Server Error)',
      {
        onConnect: () => {
          throw new Error('boom');
        },
      },
      {},
      4500,
      1,
    ],
    ['no subprotocol offered (4406)', {}, { protocols: [] }, 4406, 1],
  ] as const;

  it.each(scenarios)('%s: same code, same decision, same number of sockets', async (_name, serverOptions, script, code, sockets) => {
    real = await startGraphqlServer(serverOptions);
    const oracle = await runGraphqlWs(real.url, script);
    const ours = await runCloseKit(real.url, script);
    expect(verdict(oracle)).toEqual({ sockets, end: 'gave-up', first: code });
    expect(verdict(ours)).toEqual(verdict(oracle));
  });

  it("the queue's replay breaks a handshake: with the default queue, the unconfirmed connection_init is sent again next to the new one (4429)", async () => {
    real = await startGraphqlServer({ onConnect: () => false });
    const ours = await runCloseKit(real.url, {}, { queue: {} });
    expect(ours.codes).toEqual([4403, 4429]);
  });

  it('another subprotocol offered: an error before open; graphql-ws stops there, closekit retries the 1006 (deliberate)', async () => {
    real = await startGraphqlServer();
    const script = { protocols: ['graphql-ws'] };
    const oracle = await runGraphqlWs(real.url, script);
    const ours = await runCloseKit(real.url, script);
    expect(verdict(oracle)).toEqual({ sockets: 1, end: 'gave-up', first: 1006 });
    expect(verdict(ours)).toEqual({ sockets: 6, end: 'gave-up', first: 1006 });
  });

  it('dispose (1001 Going Away): both retry; the next attempt is refused, where graphql-ws stops at the error event (deliberate)', async () => {
    real = await startGraphqlServer();
    const server = real;
    const oracleRun = runGraphqlWs(real.url);
    const oursRun = runCloseKit(real.url);
    // Both acknowledged: dispose closes them with 1001 and stops listening.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.dispose();
    const [oracle, ours] = await Promise.all([oracleRun, oursRun]);
    expect(oracle.codes).toEqual([1001, 1006]);
    expect(ours.codes).toEqual([1001, 1006, 1006, 1006, 1006, 1006]);
    expect(verdict(oracle)).toEqual({ sockets: 2, end: 'gave-up', first: 1001 });
    expect(ours.codes[0]).toBe(1001);
    expect(verdict(ours)).toEqual({ sockets: 6, end: 'gave-up', first: 1001 });
  });
});

describe('the heartbeat against the real graphql-ws server', () => {
  it('a closekit socket with the preset stays open across several heartbeat intervals, pongs hidden', async () => {
    let pings = 0;
    real = await startGraphqlServer({ onPing: () => void pings++ });
    const opens: unknown[] = [];
    const messages: unknown[] = [];
    // Only the timing is the app's: the ping, the pong test and the answer are the preset's.
    const socket = createSocket(real.url, { preset: graphqlWs, WebSocket: WsWebSocket, pauseWhenOffline: false, queue: false, heartbeat: { intervalMs: 60, timeoutMs: 400 } });
    socket.on('open', (event) => {
      opens.push(event);
      socket.send(init);
    });
    socket.on('message', (data) => messages.push(String(data)));
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(socket.state).toBe('open');
    expect(opens).toHaveLength(1);
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(messages).toEqual(['{"type":"connection_ack"}']);
    socket.dispose();
  });

  it("closekit's plain default heartbeat ('ping') is a protocol violation: 4400, and the preset stops for good", async () => {
    real = await startGraphqlServer();
    const ours = await runCloseKit(real.url, {}, { heartbeat: { intervalMs: 30, timeoutMs: 200, message: 'ping', isPong: (d) => d === 'pong' } });
    expect(verdict(ours)).toEqual({ sockets: 1, end: 'gave-up', first: 4400 });
  });
});
