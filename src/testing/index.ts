// closekit/testing: a fake clock, a fake WebSocket and a scripted fake server
// for unit tests. No Node APIs and no test-runner dependency.
export { createFakeClock } from './clock';
export type { FakeClock } from './clock';
export { createFakeServer } from './fake-server';
export { createSeededRandom } from './random';
export type { AutoPongOptions, FakeBehaviour, FakeConnection, FakeServer, FakeServerOptions, RestartOptions } from './fake-server';
// The class itself, for `instanceof`; its constructor is not public (use `server.WebSocket`).
export { FakeWebSocket } from './fake-websocket';
export type { FakeWebSocketConstructor } from './fake-websocket';
export type {
  EventHandler,
  FakeCloseEvent,
  FakeErrorEvent,
  FakeEventMap,
  FakeEventType,
  FakeListener,
  FakeMessageEvent,
  FakeOpenEvent,
} from './events';
