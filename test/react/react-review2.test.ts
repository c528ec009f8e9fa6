// Second adversarial review of closekit/react: the hooks' effects run here
// under react-dom's own client renderer, on the few DOM objects it touches
// for a component that renders nothing (the pages themselves are tried in a
// real browser, test/browser/react.test.ts).
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { defineCloseCodes } from '../../src/codes';
import { createPolicy } from '../../src/policy';
import { useCloseSocket } from '../../src/react';
import type { ManagedSocket } from '../../src/socket';
import { createFakeClock, createFakeServer, type FakeClock, type FakeServer } from '../../src/testing';

const world = globalThis as { window?: unknown; IS_REACT_ACT_ENVIRONMENT?: boolean };
afterEach(() => {
  delete world.window;
  delete world.IS_REACT_ACT_ENVIRONMENT;
});

/** A root on a stand-in container: enough of the DOM for react-dom to commit a component that renders null. */
function nodeRoot() {
  world.IS_REACT_ACT_ENVIRONMENT = true;
  const window: Record<string, unknown> = { HTMLIFrameElement: class {} };
  const listen = { addEventListener() {}, removeEventListener() {} };
  const document = { nodeType: 9, activeElement: null, defaultView: window, ...listen };
  window['document'] = document;
  world.window = window;
  const container = { nodeType: 1, nodeName: 'DIV', tagName: 'DIV', namespaceURI: 'http://www.w3.org/1999/xhtml', ownerDocument: document, firstChild: null, textContent: '', ...listen };
  return createRoot(container as never);
}

const AppCodes = defineCloseCodes({ TokenExpired: 4001 });

/** Hands its socket out; the refresh never settles and may take at most 1 s. */
function Live(props: { server: FakeServer<'TokenExpired'>; clock: FakeClock; got(socket: ManagedSocket<'TokenExpired'> | undefined): void }) {
  const { server, clock } = props;
  props.got(
    useCloseSocket('ws://app.test/live', {
      codes: AppCodes,
      policy: createPolicy({ codes: AppCodes, rules: { TokenExpired: 'reauth' } }),
      auth: { refresh: () => new Promise(() => {}), timeoutMs: 1000 },
      WebSocket: server.WebSocket,
      clock,
      timers: clock,
      online: { isOnline: () => true, subscribe: () => () => {} },
      visibility: { isVisible: () => true, subscribe: () => () => {} },
      lifecycle: false,
    }),
  );
  return null;
}

describe('useCloseSocket passes every auth option on', () => {
  // types.ts: auth.timeoutMs is "how long refresh may take; one that has not settled by then counts as failed", and
  // ui-state.md: the socket gets the options (only refresh is read in its latest version).
  it('auth.timeoutMs: a refresh that never settles fails after the app’s 1 s, not the default 30 s', async () => {
    const clock = createFakeClock();
    const server = createFakeServer({ clock, codes: AppCodes });
    server.setDefault({ reject: 'TokenExpired', reason: 'expired' });
    let socket: ManagedSocket<'TokenExpired'> | undefined;
    const root = nodeRoot();
    await act(async () => root.render(createElement(Live, { server, clock, got: (made) => (socket = made) })));
    const stops: string[] = [];
    socket?.on('stopped', ({ cause }) => stops.push(cause));
    clock.advance(0);
    await act(async () => undefined);
    expect(socket?.state).toBe('reauthenticating');
    clock.advance(1000);
    await act(async () => undefined);
    expect(stops).toEqual(['reauth-failed']);
    await act(async () => root.unmount());
  });
});
