// Adversarial review of closekit/react where Node can run it (no DOM here: the
// effects themselves are tried in a real browser, test/browser/react.test.ts).
import { createElement, StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { useCloseSocket, useSocketState } from '../../src/react';

const calls = { constructed: 0, url: 0 };

class NeverWebSocket {
  constructor() {
    calls.constructed++;
    throw new Error('no WebSocket on a server render');
  }
}

function Live() {
  const socket = useCloseSocket(
    () => {
      calls.url++;
      return 'ws://127.0.0.1:1/live';
    },
    { WebSocket: NeverWebSocket as never },
  );
  const s = useSocketState(socket);
  return createElement('p', null, `${socket === undefined ? 'none' : 'socket'} ${s.state} ${s.attempt} ${s.online} ${s.queued}`);
}

describe('useCloseSocket on a server render', () => {
  // ui-state.md: "returns … undefined until the component has mounted (its first render, and on a server)".
  it('creates no socket, calls no url function, and useSocketState shows an idle snapshot', () => {
    const html = renderToString(createElement(StrictMode, null, createElement(Live)));
    expect(html).toBe('<p>none idle 0 true 0</p>');
    expect(calls).toEqual({ constructed: 0, url: 0 });
  });
});
