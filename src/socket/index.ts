export { ManagedSocket, createSocket } from './socket';
export { SocketError, isSocketError } from './errors';
export type { SocketErrorCode } from './errors';
export type {
  AuthOptions,
  CloseInfo,
  DroppedInfo,
  HeartbeatOptions,
  OnlineSource,
  OpenInfo,
  QueueOptions,
  QueueOverflow,
  QueuedInfo,
  ReauthInfo,
  ReconnectingInfo,
  RefreshContext,
  RejectedResult,
  SendData,
  SocketEventName,
  SocketEvents,
  SocketOptions,
  SocketHandler,
  SocketState,
  StateChange,
  StoppedInfo,
  UrlSource,
  VisibilitySource,
  WebSocketClass,
} from './types';
