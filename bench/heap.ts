// Heap retained per idle open socket: N sockets with default options on a fake
// WebSocket that opens at once, for closekit and reconnecting-websocket side by
// side, and for the bare fake alone (what the wrapper itself adds is the
// difference). Heap is read after forced GC before the sockets are made and
// again once they are all open; several runs, alternating which library goes
// first, give a median and a range.
import type { WebSocketConstructorLike } from 'closekit';
import { getGc, heapAfterGc } from './lib/gc';
import { IdleWebSocket, idleOpenCount } from './lib/idle-websocket';
import { spreadOf, type Spread } from './lib/stats';

export const heapScenario = {
  /** Sockets held open at once in each run. */
  sockets: 1_000,
  /** Runs of each subject; the figure is the median, the range is shown. */
  runs: 5,
  /** Sockets made, opened and disposed before the first run, so compiled code is not counted as socket heap. */
  warmupSockets: 300,
} as const;

export type HeapSubjectId = 'closekit' | 'reconnecting-websocket' | 'bare';

/** One thing measured: a library wrapping the fake, or the fake alone. */
export interface HeapSubject {
  readonly id: HeapSubjectId;
  readonly label: string;
  /** Opens one socket with the library's defaults and returns it (holding it costs nothing extra: it is the thing measured). */
  readonly open: () => unknown;
  /** Closes or disposes a socket `open` returned. */
  readonly close: (socket: never) => void;
}

export interface HeapFigure {
  readonly id: HeapSubjectId;
  readonly label: string;
  /** Heap after GC with every socket open, minus before, divided by the socket count; the fake WebSocket included. */
  readonly bytesPerSocket: Spread;
}

export interface HeapResult {
  readonly sockets: number;
  readonly figures: readonly HeapFigure[];
}

const url = 'ws://heap.test/';
const FakeWebSocket = IdleWebSocket as unknown as WebSocketConstructorLike;

/** closekit, reconnecting-websocket 4.4.0 (its `WebSocket` option), and the fake alone; defaults otherwise. */
export async function heapSubjects(): Promise<HeapSubject[]> {
  const { createSocket } = await import('closekit');
  const { default: ReconnectingWebSocket } = await import('reconnecting-websocket');
  return [
    {
      id: 'closekit',
      label: 'closekit createSocket',
      open: () => createSocket(url, { WebSocket: FakeWebSocket }),
      close: (socket: ReturnType<typeof createSocket>) => socket.dispose(),
    },
    {
      id: 'reconnecting-websocket',
      label: 'reconnecting-websocket 4.4.0',
      open: () => new ReconnectingWebSocket(url, undefined, { WebSocket: IdleWebSocket }),
      close: (socket: InstanceType<typeof ReconnectingWebSocket>) => socket.close(),
    },
    {
      id: 'bare',
      label: 'the fake WebSocket alone',
      open: () => new IdleWebSocket(url),
      close: (socket: IdleWebSocket) => socket.close(),
    },
  ];
}

/** Lets each socket open: reconnecting-websocket waits a timer turn before `new WebSocket`, closekit and the fake a microtask. */
async function untilOpen(expected: number): Promise<void> {
  for (let turn = 0; turn < 100; turn++) {
    if (idleOpenCount() === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`heap: expected ${expected} open fake sockets, found ${idleOpenCount()}`);
}

/** One run for one subject: bytes per socket with `sockets` open at once. */
export async function measureOnce(subject: HeapSubject, sockets: number, gc: () => void = getGc()): Promise<number> {
  const baseline = idleOpenCount();
  // Made before the first heap reading, so the array holding the sockets is not charged to them.
  const held = new Array<unknown>(sockets).fill(null);
  const before = await heapAfterGc(gc);
  for (let index = 0; index < sockets; index++) held[index] = subject.open();
  await untilOpen(baseline + sockets);
  const after = await heapAfterGc(gc);
  for (const socket of held) subject.close(socket as never);
  await untilOpen(baseline);
  return (after - before) / sockets;
}

/** Measures every subject `runs` times, alternating their order from run to run. */
export async function runHeap(options: { readonly sockets?: number; readonly runs?: number; readonly warmupSockets?: number } = {}): Promise<HeapResult> {
  const { sockets = heapScenario.sockets, runs = heapScenario.runs, warmupSockets = heapScenario.warmupSockets } = options;
  const gc = getGc();
  const subjects = await heapSubjects();
  for (const subject of subjects) await measureOnce(subject, warmupSockets, gc);
  const samples = new Map<HeapSubjectId, number[]>(subjects.map((subject) => [subject.id, []]));
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? subjects : [...subjects].reverse();
    for (const subject of order) samples.get(subject.id)?.push(await measureOnce(subject, sockets, gc));
  }
  return {
    sockets,
    figures: subjects.map((subject) => ({ id: subject.id, label: subject.label, bytesPerSocket: spreadOf(samples.get(subject.id) ?? []) })),
  };
}
