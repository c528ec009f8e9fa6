// A live feed with a connection line. The socket belongs to the component:
// one connection under <StrictMode>, closed on unmount; the url arrow and the
// options object are new on every render and never reconnect.
// In an app these imports read `from 'closekit/react'`.
import { useEffect, useState } from 'react';
import { createPolicy } from '../../src/index';
import { useCloseSocket, useSocketState } from '../../src/react/index';
import { AppCodes } from './codes';
import { statusLine } from './status';

// Compiled once, outside the component: the rule compiler runs once per app, not per render.
const policy = createPolicy({ codes: AppCodes, rules: { TokenExpired: 'stop', AccessDenied: 'stop' } });

export function App({ url, token }: { readonly url: string; readonly token: string }) {
  const [messages, setMessages] = useState<string[]>([]);
  const socket = useCloseSocket(() => `${url}?token=${encodeURIComponent(token)}`, {
    codes: AppCodes,
    policy,
  });
  const state = useSocketState(socket);

  useEffect(() => socket?.subscribe('message', (data) => setMessages((m) => [...m.slice(-19), String(data)])), [socket]);

  // The store never ticks: a countdown re-renders itself, only while there is one.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (state.retryAt === undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [state.retryAt]);

  return (
    <main>
      <p role="status">{statusLine(state, now)}</p>
      {state.queued > 0 && <p>{state.queued} message(s) will be sent when the connection is back</p>}
      <button type="button" onClick={() => socket?.send(`hello at ${new Date().toISOString()}`)}>
        Send
      </button>
      <button type="button" onClick={() => socket?.reconnect()} disabled={state.state === 'open'}>
        Reconnect now
      </button>
      <ul>
        {messages.map((message, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: an append-only log; an item never moves, and texts repeat.
          <li key={i}>{message}</li>
        ))}
      </ul>
    </main>
  );
}
