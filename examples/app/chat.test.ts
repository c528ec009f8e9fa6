// The app's own tests, written with closekit/testing: a fake server that
// checks tokens like the real one, and a fake clock, so "the token expired,
// the app refreshed it and reconnected" runs in milliseconds.
//
// In an app these imports read `from 'closekit/testing'`.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeClock, createFakeServer, type FakeConnection } from '../../src/testing/index';
import { connectChat, type Chat, type ChatStatus } from './chat';
import { AppCodes } from './codes';

const tokenOf = (connection: FakeConnection<string>) => new URL(connection.url).searchParams.get('token');

function setup(firstToken: string) {
  const clock = createFakeClock();
  const server = createFakeServer({ clock, codes: AppCodes, autoPong: true });
  // The fake server plays the real one: a token it does not know is accepted,
  // then closed with TokenExpired.
  const validTokens = new Set<string>();
  server.onConnection((connection) => {
    if (!validTokens.has(tokenOf(connection) ?? '')) connection.reject('TokenExpired', 'token expired');
  });

  let token = firstToken;
  let issued = 0;
  const refresh = vi.fn(async () => {
    await Promise.resolve(); // a network round trip, as far as the app can tell
    token = `fresh-${++issued}`;
    validTokens.add(token);
  });
  const statuses: ChatStatus[] = [];
  const messages: string[] = [];
  const chat = connectChat({
    url: 'wss://chat.example.test/live',
    tokens: { current: () => token, refresh },
    onStatus: (status) => statuses.push(status),
    onMessage: (text) => messages.push(text),
    WebSocket: server.WebSocket,
    clock,
    timers: clock,
    random: () => 0.5,
  });
  chats.push(chat);
  return { clock, server, chat, refresh, statuses, messages, validTokens };
}

const chats: Chat[] = [];
afterEach(() => {
  for (const chat of chats.splice(0)) chat.leave();
});

describe('chat: staying signed in', () => {
  it('on 4001 my app refreshes the token and reconnects', async () => {
    const { clock, server, chat, refresh, statuses } = setup('expired');

    await clock.runAllAsync();

    expect(refresh).toHaveBeenCalledTimes(1);
    expect(server.urls).toEqual(['wss://chat.example.test/live?token=expired', 'wss://chat.example.test/live?token=fresh-1']);
    expect(server.connections[0]).toMatchObject({ closedBy: 'server', closeCode: 4001, closeReason: 'token expired' });
    expect(chat.status).toBe('online');
    expect(statuses).toEqual(['online', 'reconnecting', 'online']); // the rejected connection opened first
    expect(clock.now()).toBeLessThan(1_000); // a refresh is not a failure: no long backoff
  });

  it('a token that expires mid-session is refreshed the same way', async () => {
    const { clock, server, chat, refresh, validTokens } = setup('expired');
    await clock.runAllAsync();
    expect(chat.status).toBe('online');

    validTokens.clear(); // the server forgets the token and drops the session with 4001
    server.closeAll('TokenExpired', 'token expired');
    await clock.runAllAsync();

    expect(refresh).toHaveBeenCalledTimes(2);
    expect(server.urls.at(-1)).toBe('wss://chat.example.test/live?token=fresh-2');
    expect(chat.status).toBe('online');
  });

  it('messages sent while reconnecting are delivered on the new connection', async () => {
    const { clock, server, chat, validTokens } = setup('good');
    validTokens.add('good');
    await clock.runAllAsync();
    server.restart({ downForMs: 5_000 });
    await clock.advanceAsync(0);
    chat.send('sent while the server was down');
    await clock.advanceAsync(60_000);
    expect(chat.status).toBe('online');
    expect(server.lastConnection?.received).toEqual(['sent while the server was down']);
  });

  it('when the refresh fails, the user is shown as signed out and nothing retries', async () => {
    const { clock, server, chat, refresh, statuses } = setup('expired');
    refresh.mockRejectedValueOnce(new Error('refresh token revoked'));
    await clock.runAllAsync();
    expect(statuses.at(-1)).toBe('signed-out');
    expect(server.attempts).toBe(1);
    expect(clock.pending()).toBe(0);
    expect(chat.socket.state).toBe('stopped');
  });
});

describe('chat: other closes', () => {
  it('on 4003 AccessDenied it stops at once', async () => {
    const { clock, server, chat } = setup('expired');
    server.rejectNext('AccessDenied', 'not a member of this room');
    await clock.runAllAsync();
    expect(server.attempts).toBe(1);
    expect(chat.status).toBe('signed-out');
  });

  it('survives a server restart: refused while down, back online after', async () => {
    const { clock, server, chat, validTokens } = setup('good');
    validTokens.add('good');
    await clock.runAllAsync();
    expect(chat.status).toBe('online');

    server.restart({ downForMs: 10_000 });
    await clock.advanceAsync(0);
    expect(chat.status).toBe('reconnecting');

    await clock.advanceAsync(60_000);
    expect(chat.status).toBe('online');
    expect(server.openConnections).toHaveLength(1);
    expect(server.connections.slice(1).some((connection) => connection.closedBy === 'network')).toBe(true);
  });

  it('receives chat messages', async () => {
    const { clock, server, messages, validTokens } = setup('good');
    validTokens.add('good');
    await clock.runAllAsync();
    server.send('hi from the server');
    await clock.runAllAsync();
    expect(messages).toEqual(['hi from the server']);
  });

  it('leaving leaves no timers and no open connection behind', async () => {
    const { clock, server, chat, validTokens } = setup('good');
    validTokens.add('good');
    await clock.runAllAsync();
    chat.leave();
    await clock.runAllAsync();
    expect(clock.pending()).toBe(0);
    expect(server.openConnections).toHaveLength(0);
  });
});
