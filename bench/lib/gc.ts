// Forced garbage collection for the heap sections. `npm run bench` starts node
// with --expose-gc; without it, V8 is asked to expose gc at run time.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function getGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Heap in use after a few rounds of full GC, each followed by a turn of the event loop (finalisers, weak callbacks). */
export async function heapAfterGc(gc: () => void = getGc()): Promise<number> {
  for (let round = 0; round < 3; round++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}
