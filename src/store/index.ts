export { createSocketStore } from './store';
export type { SnapshotListener, SocketSnapshot, SocketStore, SocketStoreOptions } from './types';
