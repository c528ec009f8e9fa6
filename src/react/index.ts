export { useCloseSocket, useSocketState } from './hooks';
