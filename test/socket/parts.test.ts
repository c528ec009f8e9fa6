// The socket's small parts on their own: the machine's settings (settings.ts)
// and the connection driver (connection.ts). The socket tests cover them
// together; these pin what each promises by itself.
import { describe, expect, it } from 'vitest';
import type { CloseEventLike } from '../../src/classify';
import { ReadyState, type WebSocketConstructorLike, type WebSocketLike } from '../../src/environment';
import { Connection, type ConnectionEvents } from '../../src/socket/connection';
import { resolveOptions } from '../../src/socket/options';
import { MachineSettings } from '../../src/socket/settings';

class StubWebSocket implements WebSocketLike {
  static made: StubWebSocket[] = [];
  readyState: number = ReadyState.CONNECTING;
  protocol = 'chat';
  binaryType = 'blob';
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onerror: WebSocketLike['onerror'] = null;
  onclose: WebSocketLike['onclose'] = null;
  readonly closes: unknown[][] = [];
  constructor(readonly url: string) {
    if (url === 'ws://bad') throw new SyntaxError('bad url');
    StubWebSocket.made.push(this);
  }
  send(): void {}
  close(...args: unknown[]): void {
    this.closes.push(args);
  }
}

const WebSocket = StubWebSocket as unknown as WebSocketConstructorLike;

describe('MachineSettings', () => {
  const settings = (options: Record<string, unknown> = {}) => new MachineSettings(resolveOptions('ws://x.test', { WebSocket, ...options }));
  const result = { code: 1006 } as never;
  const context = { attempt: 0, reauthAttempt: 0, uptimeMs: 0, previousDelayMs: 0 };

  it.each([
    [
      'throws',
      () => {
        throw new Error('boom');
      },
      /policy\.decide threw: boom/,
    ],
    ['answers nonsense', () => ({ action: 'later' }), /not a decision/],
    ['answers a delay out of range', () => ({ action: 'reconnect', delayMs: -1 }), /not a decision/],
  ])('a hand-written decide that %s comes back as a hook-failed SocketError value', (_, decide, message) => {
    const answer = settings({ policy: { decide } }).decide(result, context);
    expect(answer).toMatchObject({ name: 'SocketError', code: 'hook-failed', message: expect.stringMatching(message) });
  });

  it('passes a valid decision through unchanged', () => {
    const decision = { action: 'reconnect', delayMs: 10, attempt: 1 };
    expect(settings({ policy: { decide: () => decision } }).decide(result, context)).toBe(decision);
  });

  it('confirms after queue.confirmAfterMs, never by time in ack mode, and not at all without a queue', () => {
    expect(settings({ queue: { confirmAfterMs: 250 } }).confirmAfterMs).toBe(250);
    expect(settings({ queue: { ack: { idOf: () => 1, acked: () => 1 } } }).confirmAfterMs).toBe(Infinity);
    expect(settings({ queue: false }).confirmAfterMs).toBe(0);
  });

  it('is its own lifecycle part when the lifecycle is on, and has none when it is off', () => {
    const on = settings({ lifecycle: { closeCode: 4000, quickRetries: 2 }, heartbeat: { intervalMs: 1000, timeoutMs: 500 } });
    expect(on.lifecycle).toBe(on);
    expect(on.lifecycle).toMatchObject({ closeCode: 4000, quickRetries: 2, canProbe: true });
    expect(settings({ lifecycle: false }).lifecycle).toBeUndefined();
  });

  it.each([
    [0, 250],
    [0.5, 625],
    [0.999, 999],
    [Number.NaN, 625],
    [2, 625],
  ])('jitters a quick retry within 250–1000 ms (random %s → %s ms)', (value, delayMs) => {
    expect(settings({ random: () => value }).quickDelayMs()).toBe(delayMs);
  });
});

describe('Connection', () => {
  const events = () => {
    const seen: unknown[][] = [];
    const sink: ConnectionEvents = {
      opened: (epoch, protocol) => seen.push(['opened', epoch, protocol]),
      closed: (epoch, event: CloseEventLike) => seen.push(['closed', epoch, event.code]),
      received: (data) => seen.push(['received', data]),
    };
    return { seen, sink };
  };

  it('reports open, messages and close with the epoch it was opened with', () => {
    const { seen, sink } = events();
    const connection = new Connection({ WebSocket, protocols: undefined, binaryType: 'arraybuffer' }, sink);
    expect(connection.open('ws://x.test/a', 7)).toBeUndefined();
    const socket = StubWebSocket.made.at(-1) as StubWebSocket;
    expect(connection.url).toBe('ws://x.test/a');
    expect(socket.binaryType).toBe('arraybuffer');
    socket.readyState = ReadyState.OPEN;
    socket.onopen?.({});
    socket.onmessage?.({ data: 'hi' });
    socket.onclose?.({ code: 4000, reason: '', wasClean: true });
    expect(seen).toEqual([
      ['opened', 7, 'chat'],
      ['received', 'hi'],
      ['closed', 7, 4000],
    ]);
  });

  it('a replaced WebSocket is closed and reports nothing more', () => {
    const { seen, sink } = events();
    const connection = new Connection({ WebSocket, protocols: undefined, binaryType: undefined }, sink);
    connection.open('ws://x.test/1', 1);
    const first = StubWebSocket.made.at(-1) as StubWebSocket;
    first.readyState = ReadyState.OPEN;
    connection.open('ws://x.test/2', 2);
    expect(first.closes).toEqual([[1000, 'replaced']]);
    first.onmessage?.({ data: 'late' });
    first.onclose?.({ code: 1000, reason: '', wasClean: true });
    expect(seen).toEqual([]);
    expect(connection.socket).toBe(StubWebSocket.made.at(-1));
    expect(connection.isOpen()).toBe(false);
  });

  it('returns the constructor failure as a connect-failed SocketError and keeps no WebSocket', () => {
    const connection = new Connection({ WebSocket, protocols: undefined, binaryType: undefined }, events().sink);
    expect(connection.open('ws://bad', 1)).toMatchObject({ name: 'SocketError', code: 'connect-failed', cause: expect.any(SyntaxError) });
    expect(connection.socket).toBeUndefined();
  });
});
