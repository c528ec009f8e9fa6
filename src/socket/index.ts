export { ManagedSocket, createSocket } from './socket';
export { SocketError, isSocketError } from './errors';
export type { SocketErrorCode } from './errors';
export type {
  AckOptions,
  AuthOptions,
  CloseInfo,
  DroppedInfo,
  HeartbeatOptions,
  OnlineSource,
  OpenInfo,
  QueueOptions,
  QueueOverflow,
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
