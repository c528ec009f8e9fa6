// Retry hints, one contract on both ends: the server writes "… retry-after=30s"
// at the end of the close reason, classify reads it back as retryAfterMs, and
// the default policy holds a reconnect back accordingly, within the cap and
// spread so that one hint to many clients makes no herd.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import WsWebSocket, { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { classify } from '../../src/classify';
import { isCloseCodeError } from '../../src/errors';
import { createPolicy, type Decision } from '../../src/policy';
import { retryAfterOf } from '../../src/retry-hint';
import { closeWith, createCloser, reasonWithRetryHint, rejectAfterAccept } from '../../src/server/index';
import { defineCloseCodes } from '../../src/codes';
import { createSocket } from '../../src/socket';
import { createSeededRandom } from '../../src/testing';

const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;

describe('retryAfterOf (the parser classify uses)', () => {
  it.each([
    ['retry-after=30s', 30_000],
    ['restarting retry-after=30s', 30_000],
    ['retry-after=250ms', 250],
    ['retry-after=0s', 0],
    ['busy, try later retry-after=1500ms', 1500],
    ['retry-after=9999999ms', 9_999_999],
    ['retry-after=9999999s', 9_999_999_000],
    ['€ ünïcödé retry-after=5s', 5000],
  ] as const)('%j → %i', (reason, ms) => expect(retryAfterOf(reason)).toBe(ms));

  it.each([
    ['', 'no hint'],
    ['restarting', 'no hint'],
    ['retry-after=', 'no digits'],
    ['retry-after=-5s', 'negative'],
    ['retry-after=+5s', 'signed'],
    ['retry-after=1.5s', 'fractional'],
    ['retry-after=1e3ms', 'exponent'],
    ['retry-after=0x10s', 'hex'],
    ['retry-after=five s', 'not a number'],
    ['retry-after=5', 'no unit'],
    ['retry-after=5m', 'minutes are not a unit'],
    ['retry-after=5S', 'units are lower case'],
    ['retry-after=5 s', 'a space before the unit'],
    ['retry-after=5s ', 'not the last word'],
    ['retry-after=5s.', 'not the last word'],
    ['retry-after=5s and more', 'not at the end'],
    ['restarting;retry-after=5s', 'not after a space'],
    ['Retry-After=5s', 'case matters'],
    ['retry-after=12345678ms', 'eight digits: huge'],
    ['retry-after=99999999999999999999s', 'huge'],
    ['retry-after=5s retry-after=5s', 'repeated'],
    ['retry-after=1s then retry-after=5s', 'repeated'],
    ['retry-after=\u0665s', 'a non-ASCII digit'],
    ['line\nretry-after=5s', 'only a space separates it'],
    ['busy\tretry-after=5s', 'only a space separates it'],
  ] as const)('%j: %s', (reason, _why) => expect(retryAfterOf(reason)).toBeUndefined());

  it("reads the hint whatever the reason's length (the wire carries at most 123 bytes; the 7-digit limit bounds the hint)", () => {
    expect(retryAfterOf(`${'a'.repeat(105)} retry-after=5s`)).toBe(5000); // 120 bytes
    expect(retryAfterOf(`${'a'.repeat(200)} retry-after=5s`)).toBe(5000);
  });

  it('never throws, and returns undefined or a whole number of ms from 0 to 9999999 s', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (reason) => {
        const ms = retryAfterOf(reason);
        return ms === undefined || (Number.isInteger(ms) && ms >= 0 && ms <= 9_999_999_000);
      }),
    );
  });

  it('finds a hint appended by the writer to any reason, and finds none where the reason alone has none', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 150 }), fc.integer({ min: 0, max: 9_999_999 }), fc.boolean(), (reason, n, seconds) => {
        fc.pre(!reason.includes('retry-after='));
        const ms = seconds ? n * 1000 : n;
        const written = reasonWithRetryHint(reason, ms);
        expect(utf8Bytes(written)).toBeLessThanOrEqual(123);
        expect(retryAfterOf(written)).toBe(ms);
        expect(classify({ code: 1013, reason: written }).retryAfterMs).toBe(ms);
      }),
    );
  });
});

describe('reasonWithRetryHint and closeWith({ retryAfterMs }) (the writer)', () => {
  it.each([
    ['restarting', 30_000, 'restarting retry-after=30s'],
    ['', 1500, 'retry-after=1500ms'],
    ['busy ', 0, 'busy retry-after=0s'],
    ['x', 9_999_999, 'x retry-after=9999999ms'],
  ] as const)('%j + %i → %j', (reason, ms, expected) => expect(reasonWithRetryHint(reason, ms)).toBe(expected));

  it('trims the human reason so that both fit in 123 bytes, never splitting a character', () => {
    const written = reasonWithRetryHint('€'.repeat(60), 30_000);
    expect(utf8Bytes(written)).toBeLessThanOrEqual(123);
    expect(written).toBe(`${'€'.repeat(35)} retry-after=30s`);
  });

  it.each([-1, 1.5, NaN, Infinity, 10_000_001, 10_000_000_000, '5s', null])('refuses %s with a CloseCodeError (retry-hint) and sends nothing', (value) => {
    const calls: unknown[] = [];
    const ws = { readyState: 1, close: (...args: unknown[]) => calls.push(args) };
    let error: unknown;
    try {
      closeWith(ws, 1013, 'busy', { retryAfterMs: value as number });
    } catch (e) {
      error = e;
    }
    expect(isCloseCodeError(error) && error.rule === 'retry-hint').toBe(true);
    expect(String((error as Error).message)).toMatch(/retryAfterMs/);
    expect(calls).toEqual([]);
  });

  it('refuses a reason that already holds a hint (the client would ignore both)', () => {
    expect(() => reasonWithRetryHint('retry-after=5s', 1000)).toThrow(/already contains/);
  });

  it('works through rejectAfterAccept and a Closer bound to a contract', () => {
    const sent: unknown[] = [];
    const ws = { readyState: 1, close: (code?: number, reason?: string) => void sent.push([code, reason]) };
    const AppCodes = defineCloseCodes({ RateLimited: 4029 });
    expect(rejectAfterAccept(ws, 1013, 'full', { retryAfterMs: 2000 })).toEqual({ code: 1013, reason: 'full retry-after=2s' });
    expect(createCloser(AppCodes).closeWith(ws, 'RateLimited', 'slow down', { retryAfterMs: 60_000 })).toEqual({ code: 4029, reason: 'slow down retry-after=60s' });
    expect(sent).toEqual([
      [1013, 'full retry-after=2s'],
      [4029, 'slow down retry-after=60s'],
    ]);
  });
});

/** The delay of a decision that is not a stop. */
const delayOf = (decision: Decision): number => (decision.action === 'stop' ? NaN : decision.delayMs);

describe('the default policy honours the hint', () => {
  const decide = (reason: string, random: () => number, options = {}, attempt = 0) => createPolicy({ random, ...options }).decide(classify({ code: 1013, reason }, { opened: true }), { attempt });

  it('waits between the hint and twice the hint, never less than its own backoff', () => {
    expect(decide('busy retry-after=10s', () => 0)).toMatchObject({ action: 'reconnect', delayMs: 10_000 });
    expect(decide('busy retry-after=10s', () => 0.999999)).toMatchObject({ delayMs: 20_000 });
    // 1013's own floor (5 s) is above a 1 s hint: the later of the two wins.
    expect(delayOf(decide('busy retry-after=1s', () => 0))).toBe(5000);
  });

  it('is bounded by the backoff cap, and spreads a hint above half the cap over its top half', () => {
    for (const hint of ['20s', '30s', '3600s', '9999999s']) {
      expect(decide(`retry-after=${hint}`, () => 0)).toMatchObject({ delayMs: 15_000 });
      expect(decide(`retry-after=${hint}`, () => 0.999999)).toMatchObject({ delayMs: 30_000 });
    }
    expect(delayOf(decide('retry-after=3600s', () => 0.5, { backoff: { maxMs: 10_000 } }))).toBe(7500);
  });

  it('makes no herd: ten thousand clients told "retry-after=10s" come back spread over 10–20 s', () => {
    const random = createSeededRandom(12);
    const policy = createPolicy({ random });
    const delays = Array.from({ length: 10_000 }, () => (policy.decide(classify({ code: 1012, reason: 'deploy retry-after=10s' }), { attempt: 0 }) as { delayMs: number }).delayMs);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(10_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(20_000);
    // No second of the window holds more than 15% of the clients (uniform: 10%).
    const perSecond = new Map<number, number>();
    for (const d of delays) perSecond.set(Math.floor(d / 1000), (perSecond.get(Math.floor(d / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThan(1500);
  });

  it('does not change a stop, a reauth, or a close without a hint', () => {
    expect(createPolicy().decide(classify({ code: 1008, reason: 'no retry-after=5s' }))).toMatchObject({ action: 'stop' });
    expect(createPolicy({ random: () => 0 }).decide(classify({ code: 3000, reason: 'token retry-after=5s' }))).toMatchObject({ action: 'reauth', delayMs: 0 });
    expect(createPolicy({ random: () => 0 }).decide(classify({ code: 1001, reason: 'bye' }))).toMatchObject({ delayMs: 0 });
  });

  it('trusts no hand-built hint: NaN, negative, strings and Infinity on a result', () => {
    const policy = createPolicy({ random: () => 0 });
    const base = classify({ code: 1001 });
    for (const hint of [NaN, -5, '5000', null, {}]) expect(delayOf(policy.decide({ ...base, retryAfterMs: hint as number }))).toBe(0);
    expect(delayOf(policy.decide({ ...base, retryAfterMs: Infinity }))).toBe(15_000);
  });
});

describe('over a real connection (ws server, ws and closekit clients on loopback)', () => {
  let wss: WebSocketServer | undefined;
  afterEach(async () => {
    for (const client of wss?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
    wss = undefined;
  });

  async function serve(onConnection: (ws: import('ws').WebSocket, n: number) => void): Promise<string> {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss?.once('listening', () => resolve()));
    let n = 0;
    wss.on('connection', (ws) => onConnection(ws, ++n));
    return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  }

  it('the reason arrives intact and classifies to the hint', async () => {
    const url = await serve((ws) => closeWith(ws, 'TryAgainLater', 'overloaded, come back later', { retryAfterMs: 45_000 }));
    const client = new WsWebSocket(url);
    const event = await new Promise<{ code: number; reason: string }>((resolve) => client.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
    expect(event).toEqual({ code: 1013, reason: 'overloaded, come back later retry-after=45s' });
    expect(classify(event, { opened: true })).toMatchObject({ code: 1013, retryAfterMs: 45_000 });
  });

  it('a closekit socket waits as the server asked before reconnecting', async () => {
    const url = await serve((ws, n) => {
      if (n === 1) closeWith(ws, 1012, 'deploying', { retryAfterMs: 300 });
    });
    const opens: number[] = [];
    const socket = createSocket(url, { WebSocket: WsWebSocket, pauseWhenOffline: false, random: () => 0, policy: createPolicy({ backoff: { maxMs: 2000 }, random: () => 0 }) });
    const reconnecting = new Promise<{ delayMs: number; retryAfterMs: number | undefined }>((resolve) =>
      socket.once('reconnecting', ({ delayMs, result }) => resolve({ delayMs, retryAfterMs: result.retryAfterMs })),
    );
    socket.on('open', () => opens.push(Date.now()));
    // 1012 alone would wait 0 ms with random 0; the hint makes it 300.
    expect(await reconnecting).toEqual({ delayMs: 300, retryAfterMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(opens).toHaveLength(2);
    expect((opens[1] as number) - (opens[0] as number)).toBeGreaterThanOrEqual(290);
    socket.dispose();
  });
});
