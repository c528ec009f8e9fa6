// closekit/server: the server half for Node with `ws`. Never imported by the
// browser entry; its types need no `ws` types (see types.ts).
export { closeWith, createCloser, rejectAfterAccept } from './close';
export type { Closer, CloseWithOptions, RetryHintOptions, SendableCodeName, SentClose, ServerCloseCode } from './close';
export { reasonWithRetryHint } from './retry-hint';
export { trimReason } from './reason';
export { answerHeartbeats } from './heartbeat';
export type { AnswerHeartbeatsOptions, HeartbeatServerLike, HeartbeatSocketLike } from './heartbeat';
export { checkOrigin } from './origin';
export type { AllowedOrigins, CheckOriginOptions } from './origin';
export { createUpgradeHandler, guardUpgrade, rejectUpgrade, whyNotWebSocket } from './upgrade';
export type { UpgradeGuardOptions, UpgradeHandlerOptions, UpgradeRejection } from './upgrade';
export type { ClosableSocket, UpgradeRequestLike, UpgradeServerLike, UpgradeSocketLike } from './types';
