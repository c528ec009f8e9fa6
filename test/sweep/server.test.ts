// Sweep of closekit/server with fake `ws` sockets, requests and raw sockets:
// closeWith, rejectAfterAccept, createCloser, trimReason, checkOrigin,
// whyNotWebSocket, rejectUpgrade and guardUpgrade, with random and hostile
// input (see support.ts for the rule).
import fc from 'fast-check';
import { describe as suite, expect, it } from 'vitest';
import { defineCloseCodes, isSendableCode, utf8ByteLength } from '../../src/index';
import { answerHeartbeats, checkOrigin, closeWith, createCloser, guardUpgrade, reasonWithRetryHint, rejectAfterAccept, rejectUpgrade, trimReason, whyNotWebSocket } from '../../src/server';
import { SWEEP_SEED, collectUnhandledRejections, hostile, oddNumber, params, throwingGetter, worksOrThrowsTyped } from './support';

/** How the server helpers' own argument errors begin (see worksOrThrowsTyped). */
const SERVER_ARGUMENT_ERRORS = ['closeWith', 'rejectAfterAccept', 'answerHeartbeats', 'createCloser', 'trimReason', 'checkOrigin', 'whyNotWebSocket', 'rejectUpgrade', 'guardUpgrade'];

collectUnhandledRejections();

const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4029 });

/** A server-side WebSocket that records its close() calls. */
function fakeWs(): { readyState: number; close(code?: number, reason?: string): void; calls: [unknown, unknown][] } {
  const calls: [unknown, unknown][] = [];
  return { readyState: 1, calls, close: (code, reason) => void calls.push([code, reason]) };
}

/** A raw upgrade socket that records what is written. */
function fakeRawSocket(): {
  written: string[];
  destroyed: boolean;
  write(chunk: string): void;
  end(chunk: string): void;
  destroy(): void;
  once(event: string, listener: () => void): void;
  on(): void;
} {
  const socket = {
    written: [] as string[],
    destroyed: false,
    write: (chunk: string) => void socket.written.push(chunk),
    end: (chunk: string) => {
      socket.written.push(chunk);
      finish?.();
    },
    destroy: () => void (socket.destroyed = true),
    once: (_event: string, listener: () => void) => void (finish = listener),
    on: () => undefined,
  };
  let finish: (() => void) | undefined;
  return socket;
}

const code = fc.oneof(
  fc.integer({ min: 0, max: 5100 }),
  fc.constantFrom('TokenExpired', 'Unauthorized', 'TryAgainLater', 'NormalClosure', 'AbnormalClosure', 'Nope', '__proto__', 'toString'),
  oddNumber,
  hostile,
);
const reason = fc.oneof(fc.constant(undefined), fc.string({ unit: 'binary', maxLength: 200 }), hostile);
const retryAfterMs = fc.oneof(fc.constant(undefined), fc.nat(20_000_000_000), oddNumber, hostile);
const closeOptions: fc.Arbitrary<unknown> = fc.oneof(fc.constant(undefined), fc.record({ codes: fc.oneof(fc.constant(AppCodes as unknown), hostile), retryAfterMs }, { requiredKeys: [] }), hostile);
const header = fc.oneof(fc.string(), fc.constantFrom('https://app.example.com', 'https://APP.example.com:443', 'null', 'http://evil.test'), hostile);
const request: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record(
      {
        method: fc.oneof(fc.constantFrom('GET', 'POST', 'get'), hostile),
        url: fc.oneof(fc.constant('/live'), hostile),
        headers: fc.oneof(
          fc.record(
            {
              origin: header,
              upgrade: fc.oneof(fc.constantFrom('websocket', 'WebSocket', 'h2c'), hostile),
              connection: fc.oneof(fc.constantFrom('Upgrade', 'keep-alive, Upgrade'), hostile),
              'sec-websocket-key': fc.oneof(fc.constantFrom('dGhlIHNhbXBsZSBub25jZQ==', 'short'), hostile),
              'sec-websocket-version': fc.oneof(fc.constantFrom('13', '8', '12'), hostile),
            },
            { requiredKeys: [] },
          ),
          hostile,
        ),
      },
      { requiredKeys: [] },
    ),
  },
  hostile,
  fc.constant(null).map(() => throwingGetter('headers') as unknown),
);
const allowed: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('https://app.example.com', ['https://app.example.com', 'http://localhost:3000'], /^https:\/\/[a-z]+\.example\.com$/g, (origin: string) => origin.endsWith('.test')),
  hostile,
);

suite(`sweep: closekit/server (seed ${SWEEP_SEED})`, () => {
  it('closeWith and rejectAfterAccept send a valid close frame or throw a CloseCodeError having sent nothing', () => {
    fc.assert(
      fc.property(code, reason, closeOptions, fc.boolean(), (c, r, options, reject) => {
        const ws = fakeWs();
        const call = reject ? () => rejectAfterAccept(ws, c as never, r as never, options as never) : () => closeWith(ws, c as never, r as never, options as never);
        const result = worksOrThrowsTyped(reject ? 'rejectAfterAccept' : 'closeWith', call, ['CloseCodeError'], true, SERVER_ARGUMENT_ERRORS);
        if (result.threw) {
          expect(ws.calls, 'nothing is sent when the call throws').toEqual([]);
          return;
        }
        expect(ws.calls).toHaveLength(1);
        const [sentCode, sentReason] = ws.calls[0] as [number, string];
        expect(isSendableCode(sentCode)).toBe(true);
        expect(typeof sentReason).toBe('string');
        expect(utf8ByteLength(sentReason)).toBeLessThanOrEqual(123);
      }),
      params(),
    );
  });

  it('reasonWithRetryHint gives a reason of at most 123 UTF-8 bytes, or throws a CloseCodeError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), hostile), retryAfterMs, (text, ms) => {
        const result = worksOrThrowsTyped('reasonWithRetryHint(reason, retryAfterMs)', () => reasonWithRetryHint(text as never, ms as never), ['CloseCodeError'], true, SERVER_ARGUMENT_ERRORS);
        if (!result.threw) expect(utf8ByteLength(result.value as string)).toBeLessThanOrEqual(123);
      }),
      params(),
    );
  });

  it('answerHeartbeats takes a server or a socket and returns a stop function, or throws a typed error', () => {
    const target: fc.Arbitrary<unknown> = fc.oneof(
      fc.constant(null).map(() => ({ readyState: 1, send: () => undefined, on: () => undefined, off: () => undefined }) as unknown),
      fc.constant(null).map(() => ({ on: () => undefined, off: () => undefined, clients: [] }) as unknown),
      hostile,
    );
    const options = fc.oneof(fc.constant(undefined), fc.record({ ping: fc.oneof(fc.string(), hostile), pong: fc.oneof(fc.string(), hostile) }, { requiredKeys: [] }), hostile);
    fc.assert(
      fc.property(target, options, (t, o) => {
        const result = worksOrThrowsTyped('answerHeartbeats(target, options)', () => answerHeartbeats(t as never, o as never), ['CloseCodeError'], true, SERVER_ARGUMENT_ERRORS);
        if (result.threw) return;
        expect(typeof result.value).toBe('function');
        worksOrThrowsTyped('the stop function', () => (result.value as () => void)(), []);
      }),
      params(),
    );
  });

  it('closeWith on something that is not a WebSocket works or throws a typed error', () => {
    fc.assert(
      fc.property(hostile, (ws) => {
        worksOrThrowsTyped('closeWith(ws, 1000)', () => closeWith(ws as never, 1000), ['CloseCodeError'], true, SERVER_ARGUMENT_ERRORS);
      }),
      params(),
    );
  });

  it('createCloser takes a contract or throws a CloseCodeError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant(AppCodes as unknown), hostile), code, (codes, c) => {
        const made = worksOrThrowsTyped('createCloser(codes)', () => createCloser(codes as never), ['CloseCodeError'], true, SERVER_ARGUMENT_ERRORS);
        if (made.threw) return;
        worksOrThrowsTyped('closer.closeWith', () => (made.value as ReturnType<typeof createCloser>).closeWith(fakeWs(), c as never), ['CloseCodeError'], true, SERVER_ARGUMENT_ERRORS);
      }),
      params(),
    );
  });

  it('trimReason gives at most maxBytes UTF-8 bytes that survive a round trip, or throws a CloseCodeError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), hostile), fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 200 }), oddNumber, hostile), (text, maxBytes) => {
        const result = worksOrThrowsTyped('trimReason(reason, maxBytes)', () => trimReason(text as never, maxBytes as never), ['CloseCodeError'], true, SERVER_ARGUMENT_ERRORS);
        if (result.threw) return;
        const trimmed = result.value as string;
        const bytes = new TextEncoder().encode(trimmed);
        expect(bytes.length).toBeLessThanOrEqual(maxBytes === undefined ? 123 : (maxBytes as number));
        expect(new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toBe(trimmed);
      }),
      params(),
    );
  });

  it('checkOrigin answers true or false, or throws a typed error, for any request, allow-list and options', () => {
    fc.assert(
      fc.property(request, allowed, fc.oneof(fc.constant(undefined), fc.record({ allowMissing: fc.oneof(fc.boolean(), hostile) }), hostile), (req, allow, options) => {
        const result = worksOrThrowsTyped(
          'checkOrigin(request, allowed, options)',
          () => checkOrigin(req as never, allow as never, options as never),
          ['CloseCodeError'],
          true,
          SERVER_ARGUMENT_ERRORS,
        );
        if (!result.threw) expect(typeof result.value).toBe('boolean');
      }),
      params(),
    );
  });

  it('whyNotWebSocket answers a reason or undefined, or throws a typed error, for any request', () => {
    fc.assert(
      fc.property(request, (req) => {
        const result = worksOrThrowsTyped('whyNotWebSocket(request)', () => whyNotWebSocket(req as never), ['CloseCodeError'], true, SERVER_ARGUMENT_ERRORS);
        if (!result.threw) expect(result.value === undefined || typeof result.value === 'string').toBe(true);
      }),
      params(),
    );
  });

  it('rejectUpgrade writes a well-formed HTTP response (status 100–599, no header line broken by CR/LF) or throws a typed error', () => {
    const headers = fc.oneof(fc.constant(undefined), fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 20 }), fc.constant('x\r\nSet-Cookie: stolen=1'))), hostile);
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(400, 401, 403, 426, 503), fc.integer({ min: -10, max: 1000 }), oddNumber, hostile),
        fc.oneof(fc.constant(undefined), fc.string(), hostile),
        headers,
        (status, message, extra) => {
          const socket = fakeRawSocket();
          const result = worksOrThrowsTyped(
            'rejectUpgrade(socket, status, message, headers)',
            () => rejectUpgrade(socket, status as never, message as never, extra as never),
            ['CloseCodeError'],
            true,
            SERVER_ARGUMENT_ERRORS,
          );
          if (result.threw) return;
          const response = socket.written.join('');
          const head = response.slice(0, response.indexOf('\r\n\r\n'));
          const [statusLine, ...lines] = head.split('\r\n');
          expect(statusLine, 'status line').toMatch(/^HTTP\/1\.1 [1-5]\d\d [^\r\n]*$/);
          for (const line of lines) expect(line, 'each header line is one name: value pair').toMatch(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+: [^\r\n]*$/);
          expect(socket.destroyed).toBe(true);
        },
      ),
      params(),
    );
  });

  it('guardUpgrade answers true or false, or throws a typed error, for any request and options', () => {
    fc.assert(
      fc.property(request, fc.oneof(fc.record({ allowedOrigins: allowed, allowMissingOrigin: fc.oneof(fc.boolean(), hostile) }, { requiredKeys: [] }), hostile), (req, options) => {
        const socket = fakeRawSocket();
        const result = worksOrThrowsTyped('guardUpgrade(request, socket, options)', () => guardUpgrade(req as never, socket, options as never), ['CloseCodeError'], true, SERVER_ARGUMENT_ERRORS);
        if (!result.threw) expect(typeof result.value).toBe('boolean');
      }),
      params(),
    );
  });
});
