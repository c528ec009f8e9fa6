// The targets of issues #7 and #13, checked against one run's figures. A figure
// that varies from run to run is checked by its median and shown with its
// range. A target that cannot be checked (its section failed) is reported as
// "not measured".
import type { DecisionResult } from './decision';
import type { HeapResult } from './heap';
import { CLASSIFY_TARGET_BYTES, CLIENT_TARGET_BYTES, HEAP_PER_SOCKET_TARGET_BYTES, LEAK_TARGET_BYTES, LEAK_TARGET_CYCLES, THROUGHPUT_TARGET_RATIO } from './lib/issue-targets';
import { formatSpread } from './lib/stats';
import type { MemoryResult } from './memory';
import { memoryScenario } from './memory';
import type { OverheadResult } from './overhead';
import { overheadScenario } from './overhead';
import type { SizeBreakdown, SizeResult } from './size';
import type { StormResult } from './storm';
import { stormScenario } from './storm';

export interface BenchFigures {
  readonly size?: readonly SizeResult[];
  readonly sizeBreakdown?: readonly SizeBreakdown[];
  readonly storm?: readonly StormResult[];
  readonly overhead?: readonly OverheadResult[];
  readonly decision?: DecisionResult;
  readonly memory?: MemoryResult;
  readonly heap?: HeapResult;
}

export interface TargetCheck {
  readonly id: string;
  readonly target: string;
  readonly measured: string;
  /** undefined: not measured in this run. For a figure that varies, whether its median meets the target. */
  readonly met: boolean | undefined;
}

const bytes = (value: number): string => `${Math.round(value).toLocaleString('en-US')} B`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function gzipOf(size: readonly SizeResult[] | undefined, id: string): number | undefined {
  const result = size?.find((candidate) => candidate.id === id);
  return result?.status === 'ok' ? result.gzipBytes : undefined;
}

export function checkTargets(figures: BenchFigures): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const notMeasured = (id: string, target: string): void => {
    checks.push({ id, target, measured: 'not measured', met: undefined });
  };

  const classifyTarget = `classify alone ≤ ${bytes(CLASSIFY_TARGET_BYTES)} gzip (#13)`;
  const classify = gzipOf(figures.size, 'closekit:classify');
  if (classify === undefined) notMeasured('size.classify', classifyTarget);
  else checks.push({ id: 'size.classify', target: classifyTarget, measured: bytes(classify), met: classify <= CLASSIFY_TARGET_BYTES });

  const client = gzipOf(figures.size, 'closekit:createSocket');
  const rwsMeasured = gzipOf(figures.size, 'reconnecting-websocket');
  const clientTarget = `createSocket with defaults (eventemitter3 included) ≤ ${bytes(CLIENT_TARGET_BYTES)} gzip (#13)`;
  if (client === undefined) notMeasured('size.client', clientTarget);
  else
    checks.push({
      id: 'size.client',
      target: clientTarget,
      measured: `${bytes(client)}${rwsMeasured === undefined ? '' : ` (reconnecting-websocket in this run: ${bytes(rwsMeasured)})`}`,
      met: client <= CLIENT_TARGET_BYTES,
    });

  const closekitStorm = figures.storm?.find((result) => result.id === 'closekit');
  const anchors = figures.storm?.filter((result) => result.group === 'anchor') ?? [];
  if (closekitStorm === undefined || anchors.length === 0) {
    notMeasured('storm.peak', "closekit's peak ≤ 1/5 of the anchors' (#7)");
  } else {
    for (const anchor of anchors) {
      checks.push({
        id: `storm.peak.${anchor.id}`,
        target: `closekit's peak ≤ 1/5 of ${anchor.label}'s (${anchor.peakBucket.toLocaleString('en-US')} / 5 = ${(anchor.peakBucket / 5).toLocaleString('en-US')}) (#7)`,
        measured: `${closekitStorm.peakBucket.toLocaleString('en-US')} per ${stormScenario.bucketMs} ms (${(closekitStorm.peakBucket / anchor.peakBucket).toFixed(2)} × theirs)`,
        met: closekitStorm.peakBucket * 5 <= anchor.peakBucket,
      });
    }
  }
  const recoveryTarget = "closekit: 99% reconnected within 10 s of the server's return (#7)";
  if (closekitStorm === undefined) notMeasured('storm.recovery', recoveryTarget);
  else {
    const afterReturn = closekitStorm.reconnected99Ms === undefined ? undefined : closekitStorm.reconnected99Ms - stormScenario.serverBackMs;
    checks.push({
      id: 'storm.recovery',
      target: recoveryTarget,
      measured: afterReturn === undefined ? 'never, within the run' : `${seconds(afterReturn)} after the server's return`,
      met: afterReturn !== undefined && afterReturn <= 10_000,
    });
  }

  const overheadTarget = (client: string): string => `ManagedSocket ≥ ${THROUGHPUT_TARGET_RATIO} × bare ${client} messages/s (#13)`;
  if (figures.overhead === undefined) notMeasured('overhead', overheadTarget('client'));
  else
    for (const result of figures.overhead) {
      checks.push({
        id: `overhead.${result.client.split(' ')[0] ?? result.client}`,
        target: overheadTarget(result.client),
        measured: `${formatSpread(result.ratio, 3, ' ×')}, median (range) of ${overheadScenario.runs} runs`,
        met: result.ratio.median >= THROUGHPUT_TARGET_RATIO,
      });
    }

  const heapTarget = `heap per idle open socket, defaults, fake WebSocket included ≤ ${bytes(HEAP_PER_SOCKET_TARGET_BYTES)} (#13)`;
  const closekitHeap = figures.heap?.figures.find((figure) => figure.id === 'closekit');
  if (closekitHeap === undefined) notMeasured('heap.idle', heapTarget);
  else {
    const rws = figures.heap?.figures.find((figure) => figure.id === 'reconnecting-websocket');
    checks.push({
      id: 'heap.idle',
      target: heapTarget,
      measured:
        `${formatSpread(closekitHeap.bytesPerSocket, 0, ' B')}, median (range) of ${figures.heap?.figures[0]?.bytesPerSocket.runs.length ?? '?'} runs` +
        `${rws === undefined ? '' : `; reconnecting-websocket ${formatSpread(rws.bytesPerSocket, 0, ' B')}`}`,
      met: closekitHeap.bytesPerSocket.median <= HEAP_PER_SOCKET_TARGET_BYTES,
    });
  }

  const memory = figures.memory;
  const leakTarget = `heap growth after GC < 1 MB over ${LEAK_TARGET_CYCLES.toLocaleString('en-US')} connect/close cycles (#7)`;
  if (memory === undefined) {
    notMeasured('memory.heap', leakTarget);
    notMeasured('memory.timers', 'pending timers after dispose() = 0 (#7)');
  } else {
    // Growth is not linear in the cycle count (most of it is a one-off: compiled code, caches), so a run
    // shorter than the target's cycle count is checked at its own length rather than scaled up.
    const limit = (LEAK_TARGET_BYTES * Math.min(memoryScenario.cycles, LEAK_TARGET_CYCLES)) / LEAK_TARGET_CYCLES;
    const reconnect = memory.reconnectCycles.heapGrowthBytes;
    const createDispose = memory.createDisposeCycles.heapGrowthBytes;
    checks.push({
      id: 'memory.heap',
      target: leakTarget,
      measured: `${formatSpread(reconnect, 0, ' B')} (one socket, reconnects); ${formatSpread(createDispose, 0, ' B')} (create/dispose); median (range) of ${memoryScenario.runs} runs of ${memoryScenario.cycles.toLocaleString('en-US')} cycles`,
      met: Math.max(reconnect.median, createDispose.median) < limit,
    });
    const timers = memory.reconnectCycles.pendingTimersAfterDispose + memory.createDisposeCycles.pendingTimersAfterDispose;
    checks.push({
      id: 'memory.timers',
      target: 'pending timers after dispose() = 0 (#7)',
      measured: timers === 0 ? `0 in each of ${memoryScenario.runs} runs` : `${timers} (the most any run left)`,
      met: timers === 0,
    });
  }
  return checks;
}
