export { CloseCode, CLOSE_CODE_RANGES, defineCloseCodes, isClientCloseCode, isSendableCode, nameOfCode, rangeOf } from './codes';
export type {
  CloseCodeContract,
  CloseCodeMap,
  CloseCodeName,
  CloseCodeRange,
  ContractNames,
  KnownCloseCode,
  LibraryCodeName,
  NameOfOwnCode,
  PrivateCode,
  StandardCodeName,
} from './codes';
export { classify } from './classify';
export type {
  ApplicationCloseResult,
  ClassifyOptions,
  CloseEventLike,
  CloseKind,
  CloseResult,
  InvalidCloseResult,
  LibraryCloseResult,
  ReservedCloseResult,
  StandardCloseResult,
} from './classify';
export { describe } from './describe';
export { MAX_REASON_BYTES, utf8ByteLength, validateClientClose, validateReason } from './validate';
export { CloseCodeError, PolicyError, isCloseCodeError, isPolicyError } from './errors';
export type { CloseCodeRule } from './errors';
export { ReadyState } from './environment';
export type { Clock, RandomSource, Timers, TimerHandle, WebSocketConstructorLike, WebSocketLike } from './environment';
export type {
  Action,
  BackoffOptions,
  Decision,
  Jitter,
  MatchedRule,
  Policy,
  PolicyContext,
  PolicyOptions,
  PolicyRules,
  Preset,
  RangeKey,
  Rule,
  RuleObject,
  RuleSource,
  StopCause,
} from './policy';
export { clientStopRule, createPolicy, defaultPolicy, defaultRule, defaultRules } from './policy';
export { DEFAULT_BACKOFF, baseDelayMs, computeDelay, createBackoff, expectedDelayMs, resolveBackoff } from './backoff';
export type { Backoff, ResolvedBackoff } from './backoff';
export { ManagedSocket, SocketError, createSocket, isSocketError } from './socket';
export type {
  AckOptions,
  AuthOptions,
  CloseInfo,
  DroppedInfo,
  HeartbeatOptions,
  LifecycleOptions,
  OnlineSource,
  OpenInfo,
  PageEvent,
  PageSource,
  QueueOptions,
  QueueOverflow,
  QueuedInfo,
  ReauthInfo,
  ReconnectingInfo,
  RefreshContext,
  RejectedResult,
  SendData,
  SocketErrorCode,
  SocketEventName,
  SocketEvents,
  SocketOptions,
  SocketPreset,
  SocketHandler,
  SocketState,
  StateChange,
  StoppedInfo,
  UrlSource,
  VisibilitySource,
  WebSocketClass,
} from './socket';
export { createSocketStore } from './store';
export type { SnapshotListener, SocketSnapshot, SocketStore, SocketStoreOptions } from './store';
