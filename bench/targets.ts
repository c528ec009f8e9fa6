// The targets from issue #7, checked against one run's figures. A target that
// cannot be checked (its section failed) is reported as "not measured".
import type { DecisionResult } from './decision';
import type { MemoryResult } from './memory';
import type { OverheadResult } from './overhead';
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
}

export interface TargetCheck {
  readonly id: string;
  readonly target: string;
  readonly measured: string;
  /** undefined: not measured in this run. */
  readonly met: boolean | undefined;
}

const bytes = (value: number): string => `${value.toLocaleString('en-US')} B`;
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

  const classify = gzipOf(figures.size, 'closekit:classify');
  if (classify === undefined) notMeasured('size.classify', 'classify alone < 600 B gzip');
  else checks.push({ id: 'size.classify', target: 'classify alone < 600 B gzip', measured: bytes(classify), met: classify < 600 });

  const client = gzipOf(figures.size, 'closekit:createSocket');
  const rwsMeasured = gzipOf(figures.size, 'reconnecting-websocket');
  const clientTarget = 'full client (createSocket + eventemitter3) ≤ reconnecting-websocket, 3,218 B gzip (FACTS.md)';
  if (client === undefined) notMeasured('size.client', clientTarget);
  else
    checks.push({
      id: 'size.client',
      target: clientTarget,
      measured: `${bytes(client)}${rwsMeasured === undefined ? '' : ` (reconnecting-websocket measured in this run: ${bytes(rwsMeasured)})`}`,
      met: client <= 3218 && (rwsMeasured === undefined || client <= rwsMeasured),
    });

  const closekitStorm = figures.storm?.find((result) => result.id === 'closekit');
  const anchors = figures.storm?.filter((result) => result.group === 'anchor') ?? [];
  if (closekitStorm === undefined || anchors.length === 0) {
    notMeasured('storm.peak', "closekit's peak ≤ 1/5 of the anchors'");
  } else {
    for (const anchor of anchors) {
      checks.push({
        id: `storm.peak.${anchor.id}`,
        target: `closekit's peak ≤ 1/5 of ${anchor.label}'s (${anchor.peakBucket.toLocaleString('en-US')} / 5 = ${(anchor.peakBucket / 5).toLocaleString('en-US')})`,
        measured: `${closekitStorm.peakBucket.toLocaleString('en-US')} per ${stormScenario.bucketMs} ms (${(closekitStorm.peakBucket / anchor.peakBucket).toFixed(2)} × theirs)`,
        met: closekitStorm.peakBucket * 5 <= anchor.peakBucket,
      });
    }
  }
  const recoveryTarget = "closekit: 99% reconnected within 10 s of the server's return";
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

  if (figures.overhead === undefined) notMeasured('overhead', 'ManagedSocket ≥ 0.95 × the bare client’s messages/s');
  else
    for (const result of figures.overhead) {
      checks.push({
        id: `overhead.${result.client.split(' ')[0] ?? result.client}`,
        target: `ManagedSocket ≥ 0.95 × bare ${result.client} messages/s`,
        measured: `${result.ratio.toFixed(3)} ×`,
        met: result.ratio >= 0.95,
      });
    }

  const memory = figures.memory;
  if (memory === undefined) {
    notMeasured('memory.heap', 'heap growth after GC < 1 MB over 10,000 cycles');
    notMeasured('memory.timers', 'pending timers after dispose() = 0');
  } else {
    const growth = Math.max(memory.reconnectCycles.heapGrowthBytes, memory.createDisposeCycles.heapGrowthBytes);
    checks.push({
      id: 'memory.heap',
      target: 'heap growth after GC < 1 MB over 10,000 cycles',
      measured: `${bytes(memory.reconnectCycles.heapGrowthBytes)} (one socket, reconnects); ${bytes(memory.createDisposeCycles.heapGrowthBytes)} (create/dispose)`,
      met: growth < 1024 * 1024,
    });
    const timers = memory.reconnectCycles.pendingTimersAfterDispose + memory.createDisposeCycles.pendingTimersAfterDispose;
    checks.push({ id: 'memory.timers', target: 'pending timers after dispose() = 0', measured: String(timers), met: timers === 0 });
  }
  return checks;
}
