import { test, expect } from 'vitest';
import { createFakeClock, createFakeServer } from '../../src/testing/index';
import { defineCloseCodes } from '../../src/codes';
test('smoke', () => {
  const clock = createFakeClock();
  const codes = defineCloseCodes({ Unauthorized: 4001 });
  const server = createFakeServer({ clock, codes });
  server.rejectNext('Unauthorized', 'expired');
  const log: string[] = [];
  const ws = new server.WebSocket('ws://x/live?t=1');
  ws.onopen = () => log.push('open');
  ws.onclose = (e) => log.push(`close ${e.code} ${e.reason} ${e.wasClean}`);
  ws.onerror = () => log.push('error');
  clock.advance(0);
  expect(log).toEqual(['open', 'close 4001 expired true']);
  expect(clock.pending()).toBe(0);
});
import type { WebSocketConstructorLike } from '../../src/environment';
test('fits WebSocketConstructorLike', () => {
  const server = createFakeServer();
  const ctor: WebSocketConstructorLike = server.WebSocket;
  expect(ctor.length).toBeGreaterThanOrEqual(0);
});
