// The React app the browser test mounts: real React 19 and react-dom in
// development mode (where StrictMode mounts, unmounts and mounts every effect
// again), using closekit/react from dist/. No JSX, so the test's tsconfig
// checks it as it is.
import { StrictMode, createElement as h } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type * as Closekit from '../../src/index';
import type * as ClosekitReact from '../../src/react';

/** What the test controls through `globalThis.reactTest`. */
export interface ReactTestApi {
  /** Mounts `<StrictMode><Status /></StrictMode>` on a fresh root. */
  mount(props: StatusProps): void;
  /** Renders again with new props (a new url arrow and a new options object every time). */
  update(props: Partial<StatusProps>): void;
  unmount(): void;
  /** Timers the sockets scheduled and neither ran nor cleared. */
  pendingTimers(): number;
  /** How many browser WebSockets were constructed (a StrictMode double mount must not make two). */
  constructedWebSockets(): number;
}

export interface StatusProps {
  /** The plan URL without a token. */
  readonly url: string;
  readonly token: string;
  /** Delay of the reconnect after a 1012, in ms. */
  readonly restartDelayMs: number;
}

export function installReactTest(closekit: typeof Closekit, react: typeof ClosekitReact): void {
  const AppCodes = closekit.defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003 });
  // The sockets' timers, counted: after unmount none may be left.
  const pending = new Set<ReturnType<typeof setTimeout>>();
  const timers: Closekit.Timers = {
    setTimeout(callback, delayMs) {
      const handle = setTimeout(() => {
        pending.delete(handle);
        callback();
      }, delayMs);
      pending.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      pending.delete(handle as ReturnType<typeof setTimeout>);
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
  };
  let constructed = 0;
  const CountingWebSocket = class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      constructed++;
    }
  };

  // biome-ignore lint/correctness/noComponentHookFactories: the page builds its components once, around the bundled React it is given.
  function Status(props: StatusProps) {
    const socket = react.useCloseSocket(() => `${props.url}&token=${props.token}`, {
      codes: AppCodes,
      WebSocket: CountingWebSocket,
      timers,
      policy: closekit.createPolicy({ codes: AppCodes, rules: { TokenExpired: 'stop', 1012: { action: 'reconnect', delayMs: props.restartDelayMs } } }),
    });
    const s = react.useSocketState(socket);
    let status: string = s.state;
    if (s.state === 'waiting' && s.retryAt !== undefined) {
      status = `reconnecting in ${Math.ceil((s.retryAt - Date.now()) / 1000)} s (attempt ${s.attempt})`;
    } else if (s.state === 'stopped') status = `stopped: ${s.lastClose?.name ?? 'no close'} (${s.stopCause ?? 'unknown'})`;
    return h(
      'div',
      null,
      h('p', { id: 'state' }, s.state),
      h('p', { id: 'name' }, s.lastClose?.name ?? ''),
      h('p', { id: 'status' }, status),
      h('p', { id: 'text' }, s.lastCloseText ?? ''),
      h('button', { id: 'reconnect', type: 'button', onClick: () => socket?.reconnect() }, 'reconnect'),
    );
  }

  let root: Root | undefined;
  let current: StatusProps | undefined;
  const render = () => root?.render(h(StrictMode, null, h(Status, current as StatusProps)));

  const api: ReactTestApi = {
    mount(props) {
      const container = document.createElement('div');
      document.body.append(container);
      root = createRoot(container);
      current = props;
      render();
    },
    update(props) {
      current = { ...(current as StatusProps), ...props };
      render();
    },
    unmount() {
      root?.unmount();
      root = undefined;
    },
    pendingTimers: () => pending.size,
    constructedWebSockets: () => constructed,
  };
  (globalThis as { reactTest?: ReactTestApi }).reactTest = api;
}
