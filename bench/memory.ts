// Memory and leaks: 10,000 connect/close cycles on a fake WebSocket and a
// virtual clock. Heap growth is measured after forced GC; the pending timers
// after dispose() must be zero. Needs gc: run node with --expose-gc (the bench
// script does); without it, V8 is asked to expose gc at run time.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { WebSocketConstructorLike } from 'closekit';
import { createStormServer } from './lib/storm-server';
import { VirtualClock } from './lib/virtual-clock';

export const memoryScenario = {
  cycles: 10_000,
  warmupCycles: 200,
  /** Each connection stays open this long (past resetAfterMs, so counters reset as in real use). */
  openMs: 6_000,
  closeCode: 1012,
} as const;

export interface MemoryResult {
  /** One socket: open, server closes with 1012, reconnect — `cycles` times, then dispose(). */
  readonly reconnectCycles: { readonly heapGrowthBytes: number; readonly pendingTimersAfterDispose: number; readonly listenersAfterDispose: number };
  /** `cycles` sockets, each created, opened and disposed. */
  readonly createDisposeCycles: { readonly heapGrowthBytes: number; readonly pendingTimersAfterDispose: number };
}

function getGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function heapAfterGc(gc: () => void): Promise<number> {
  for (let round = 0; round < 3; round++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

export async function runMemory(): Promise<MemoryResult> {
  const { createSocket } = await import('closekit');
  const gc = getGc();
  const { cycles, warmupCycles, openMs, closeCode } = memoryScenario;

  // One long-lived socket through many server restarts.
  const clock = new VirtualClock(0);
  const server = createStormServer(clock, { accepts: () => true, latencyMs: 1, recordAttempts: false });
  const socket = createSocket('ws://memory.test/', {
    WebSocket: server.WebSocket as unknown as WebSocketConstructorLike,
    clock,
    timers: clock,
    random: () => 0,
  });
  socket.on('message', () => {});
  const cycle = async (): Promise<void> => {
    await clock.runUntil(clock.now() + openMs);
    if (server.openCount() !== 1) throw new Error(`memory: expected one open connection, found ${server.openCount()}`);
    server.closeAll(closeCode, 'service restart');
    await clock.runUntil(clock.now() + 1);
  };
  for (let index = 0; index < warmupCycles; index++) await cycle();
  const before = await heapAfterGc(gc);
  for (let index = 0; index < cycles; index++) await cycle();
  socket.dispose();
  // Let the fake server finish the closing handshake it was asked for.
  await clock.runUntil(clock.now() + 2);
  const after = await heapAfterGc(gc);
  const reconnectCycles = {
    heapGrowthBytes: after - before,
    pendingTimersAfterDispose: clock.pending(),
    listenersAfterDispose: socket.eventNames().length,
  };

  // Many short-lived sockets.
  const shortClock = new VirtualClock(0);
  const shortServer = createStormServer(shortClock, { accepts: () => true, latencyMs: 1, recordAttempts: false });
  const createOpenDispose = async (): Promise<void> => {
    const short = createSocket('ws://memory.test/', {
      WebSocket: shortServer.WebSocket as unknown as WebSocketConstructorLike,
      clock: shortClock,
      timers: shortClock,
      random: () => 0,
    });
    short.on('open', () => {});
    await shortClock.runUntil(shortClock.now() + 2);
    short.dispose();
    await shortClock.runUntil(shortClock.now() + 2);
  };
  for (let index = 0; index < warmupCycles; index++) await createOpenDispose();
  const shortBefore = await heapAfterGc(gc);
  for (let index = 0; index < cycles; index++) await createOpenDispose();
  const shortAfter = await heapAfterGc(gc);
  return {
    reconnectCycles,
    createDisposeCycles: { heapGrowthBytes: shortAfter - shortBefore, pendingTimersAfterDispose: shortClock.pending() },
  };
}
