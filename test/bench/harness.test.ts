// The benchmark harness itself: the virtual clock, the storm's fake server,
// the idle fake WebSocket, the heap section's bookkeeping, spreads, the size
// settings, targets and the report text. Behaviour only; no timings or heap
// sizes are asserted.
import { describe, expect, it } from 'vitest';
import { runHeap, type HeapResult } from '../../bench/heap';
import { formatNumber, markdownTable, textTable } from '../../bench/lib/format';
import { IdleWebSocket, idleOpenCount } from '../../bench/lib/idle-websocket';
import { HEAP_PER_SOCKET_TARGET_BYTES, THROUGHPUT_TARGET_RATIO } from '../../bench/lib/issue-targets';
import { formatSpread, mapSpread, spreadOf } from '../../bench/lib/stats';
import { summariseRuns, type OverheadRun } from '../../bench/overhead';
import { markdownReport, type RunInfo } from '../../bench/report';
import { BUILD_SETTINGS, createSocketSource, measureEntry } from '../../bench/size';
import { checkTargets, type BenchFigures } from '../../bench/targets';
import { createStormServer } from '../../bench/lib/storm-server';
import { createSeededRandom as seededRandom } from '../../src/testing';
import { VirtualClock } from '../../bench/lib/virtual-clock';
import { runStorm, stormScenario } from '../../bench/storm';
import { renderStormSvg } from '../../bench/svg';

describe('VirtualClock', () => {
  it('runs timers in due order, ties in scheduling order, and skips cancelled ones', async () => {
    const clock = new VirtualClock(0);
    const order: string[] = [];
    clock.setTimeout(() => order.push('b@20'), 20);
    clock.setTimeout(() => order.push('a@10'), 10);
    const cancelled = clock.setTimeout(() => order.push('never'), 15);
    clock.setTimeout(() => order.push('c@20'), 20);
    clock.clearTimeout(cancelled);
    expect(clock.pending()).toBe(3);
    await clock.runUntil(100);
    expect(order).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(100);
    expect(clock.pending()).toBe(0);
  });

  it('lets promise callbacks settle at the virtual time of the timer that started them', async () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    clock.setTimeout(() => {
      void Promise.resolve()
        .then(() => undefined)
        .then(() => {
          seen.push(clock.now());
          clock.setTimeout(() => seen.push(clock.now()), 5);
        });
    }, 10);
    await clock.runUntil(50);
    expect(seen).toEqual([10, 15]);
  });

  it('stands in for the global timers and Date.now, and restores them', async () => {
    const clock = new VirtualClock(1_000);
    const realSetTimeout = globalThis.setTimeout;
    const realNow = Date.now;
    let firedAt = -1;
    clock.install();
    try {
      expect(Date.now()).toBe(1_000);
      setTimeout(() => {
        firedAt = Date.now();
      }, 250);
      await clock.runUntil(2_000);
    } finally {
      clock.restore();
    }
    expect(firedAt).toBe(1_250);
    expect(globalThis.setTimeout).toBe(realSetTimeout);
    expect(Date.now).toBe(realNow);
  });

  it('gives the same sequence for the same seed', () => {
    const first = seededRandom(7);
    const second = seededRandom(7);
    const values = Array.from({ length: 5 }, () => first());
    expect(Array.from({ length: 5 }, () => second())).toEqual(values);
    for (const value of values) expect(value >= 0 && value < 1).toBe(true);
  });
});

describe('the storm server', () => {
  it('opens an accepted attempt after the latency and refuses others with error then close 1006', async () => {
    const clock = new VirtualClock(0);
    const server = createStormServer(clock, { accepts: (nowMs) => nowMs >= 100, latencyMs: 20 });
    const events: string[] = [];
    const refused = new server.WebSocket('ws://test/');
    refused.onerror = () => events.push(`error@${clock.now()}`);
    refused.addEventListener('close', (event) => events.push(`close ${String(event.code)} ${String(event.wasClean)}@${clock.now()}`));
    await clock.runUntil(100);
    const accepted = new server.WebSocket('ws://test/');
    accepted.onopen = () => events.push(`open@${clock.now()}`);
    await clock.runUntil(200);
    expect(events).toEqual(['error@20', 'close 1006 false@20', 'open@120']);
    expect(server.attemptTimes).toEqual([0, 100]);
    expect(server.openCount()).toBe(1);
    server.closeAll(1012, 'restart');
    expect(server.openCount()).toBe(0);
    expect(accepted.readyState).toBe(3);
  });
});

describe('the storm', () => {
  it('sends every partysocket client in one bucket at its fixed 3 s delay (200 clients)', async () => {
    const [result] = await runStorm(['partysocket'], 200);
    expect(result?.peakBucket).toBe(200);
    expect(result?.peakAtMs).toBe(3_000);
    expect(result?.totalAttempts).toBe(200);
    expect(result?.refusedAttempts).toBe(0);
  });

  it('is deterministic for closekit and spreads its first retries (200 clients)', async () => {
    const [first] = await runStorm(['closekit'], 200);
    const [second] = await runStorm(['closekit'], 200);
    expect(second?.buckets).toEqual(first?.buckets);
    expect(first?.reconnected100Ms).toBeDefined();
    expect(first?.peakBucket).toBeLessThan(200);
  });
});

describe('output', () => {
  it('renders one SVG panel per library with its label', () => {
    const base = {
      buckets: [0, 3, 1],
      totalAttempts: 4,
      refusedAttempts: 0,
      peakBucket: 3,
      peakAtMs: 100,
      meanPerBucket: 2,
      peakToMean: 1.5,
      worstSecond: 4,
      reconnected99Ms: 300,
      reconnected100Ms: 300,
      note: '',
    };
    const svg = renderStormSvg(
      [
        { ...base, id: 'closekit', label: 'closekit <x>', group: 'closekit' },
        { ...base, id: 'other', label: 'other & co', group: 'anchor' },
      ],
      { bucketMs: stormScenario.bucketMs, serverBackMs: 200, clients: 4, untilMs: 1_000, latencyMs: 20 },
    );
    expect(svg.startsWith('<svg ')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('closekit &lt;x&gt;');
    expect(svg).toContain('other &amp; co');
    expect(svg.match(/<g>/g)).toHaveLength(2);
  });

  it('aligns figures right and text left in tables', () => {
    const table = textTable(
      ['name', 'bytes'],
      [
        ['a', formatNumber(1234)],
        ['longer', '5'],
      ],
    ).split('\n');
    expect(table[2]).toBe('a       1,234');
    expect(table[3]).toBe('longer      5');
    expect(markdownTable(['a', 'b'], [['1', '2']], ['l', 'r'])).toBe('| a | b |\n| --- | ---: |\n| 1 | 2 |');
  });
});

describe('spreads', () => {
  it('gives the median, the lowest and the highest, and keeps every run in order', () => {
    expect(spreadOf([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, runs: [5, 1, 3] });
    expect(spreadOf([4, 1, 3, 2]).median).toBe(2.5);
    expect(spreadOf([7]).median).toBe(7);
    expect(() => spreadOf([])).toThrow(RangeError);
  });

  it('prints the median with its unit and the range in brackets, negative values with a minus sign', () => {
    expect(formatSpread(spreadOf([5512, 5448, 5778]), 0, ' B')).toBe('5,512 B (5,448 to 5,778)');
    expect(formatSpread(spreadOf([-1500, 200, 30]), 0, ' B')).toBe('30 B (−1,500 to 200)');
    expect(mapSpread(spreadOf([10, 20, 30]), (value) => value / 10)).toEqual({ median: 2, min: 1, max: 3, runs: [1, 2, 3] });
  });
});

describe('size settings', () => {
  it("are issue #13's command: --bundle --minify --format=esm --platform=browser --legal-comments=none", () => {
    expect(BUILD_SETTINGS).toMatchObject({ bundle: true, minify: true, format: 'esm', platform: 'browser', legalComments: 'none' });
    expect(createSocketSource.trim()).toBe("import { createSocket } from 'closekit'; export const x = (u) => createSocket(u);");
  });

  it('leave a license comment out of the bytes', async () => {
    const license = `/*! @license ${'a licence text that says nothing about the code '.repeat(12)}*/`;
    const result = await measureEntry({ id: 'test:licensed', label: 'licensed', group: 'anchor', source: `${license}\nexport const x = 1;\n` });
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.minBytes).toBeLessThan(40);
    expect(result.gzipBytes).toBeGreaterThan(0);
  });
});

describe('the idle fake WebSocket', () => {
  it('opens on the next microtask, closes cleanly when open and with 1006 before open, and counts what is open', async () => {
    const baseline = idleOpenCount();
    const events: string[] = [];
    const socket = new IdleWebSocket('ws://idle.test/');
    socket.onopen = () => events.push('onopen');
    socket.addEventListener('open', () => events.push('listener open'));
    socket.addEventListener('close', (event) => events.push(`close ${String(event.code)} ${String(event.wasClean)}`));
    expect(socket.readyState).toBe(IdleWebSocket.CONNECTING);
    await Promise.resolve();
    expect(events).toEqual(['onopen', 'listener open']);
    expect(idleOpenCount()).toBe(baseline + 1);
    socket.close(1000, 'bye');
    await Promise.resolve();
    expect(events.at(-1)).toBe('close 1000 true');
    expect(idleOpenCount()).toBe(baseline);

    const early = new IdleWebSocket('ws://idle.test/');
    const closes: string[] = [];
    early.onclose = (event) => closes.push(`${String(event.code)} ${String(event.wasClean)}`);
    early.close();
    await Promise.resolve();
    await Promise.resolve();
    expect(closes).toEqual(['1006 false']);
    expect(early.readyState).toBe(IdleWebSocket.CLOSED);
    expect(idleOpenCount()).toBe(baseline);
  });
});

describe('the heap section', () => {
  it('measures closekit, reconnecting-websocket and the bare fake for each run, and closes every socket it opened', async () => {
    const baseline = idleOpenCount();
    const result = await runHeap({ sockets: 20, runs: 2, warmupSockets: 5 });
    expect(result.sockets).toBe(20);
    expect(result.figures.map((figure) => figure.id)).toEqual(['closekit', 'reconnecting-websocket', 'bare']);
    for (const figure of result.figures) {
      expect(figure.bytesPerSocket.runs).toHaveLength(2);
      expect(figure.bytesPerSocket.min).toBeLessThanOrEqual(figure.bytesPerSocket.median);
      expect(figure.bytesPerSocket.median).toBeLessThanOrEqual(figure.bytesPerSocket.max);
    }
    expect(idleOpenCount()).toBe(baseline);
  });
});

const overheadRun = (ratio: number): OverheadRun => ({
  bareMessagesPerSecond: 40_000,
  managedMessagesPerSecond: 40_000 * ratio,
  ratio,
  bareCpuMicrosPerMessage: 10,
  managedCpuMicrosPerMessage: 10 / ratio,
  cpuRatio: ratio,
});

describe('targets', () => {
  it('check a figure that varies by its median and show its range', () => {
    const overhead = summariseRuns('ws 8', [0.97, 0.93, 0.99, 0.96, 0.9].map(overheadRun));
    expect(overhead.ratio.median).toBe(0.96);
    const heapAt = (median: number): HeapResult => ({
      sockets: 1000,
      figures: [
        { id: 'closekit', label: 'closekit', bytesPerSocket: spreadOf([median - 100, median, median + 400]) },
        { id: 'reconnecting-websocket', label: 'rws', bytesPerSocket: spreadOf([2000, 2100, 2200]) },
      ],
    });
    const checks = checkTargets({ overhead: [overhead], heap: heapAt(HEAP_PER_SOCKET_TARGET_BYTES) });
    const throughput = checks.find((check) => check.id === 'overhead.ws');
    expect(throughput?.met).toBe(overhead.ratio.median >= THROUGHPUT_TARGET_RATIO);
    expect(throughput?.measured).toContain('0.960 × (0.900 to 0.990)');
    const heap = checks.find((check) => check.id === 'heap.idle');
    expect(heap?.met).toBe(true);
    expect(heap?.measured).toContain('(2,900 to 3,400)');
    expect(heap?.measured).toContain('reconnecting-websocket 2,100 B');
    expect(checkTargets({ heap: heapAt(HEAP_PER_SOCKET_TARGET_BYTES + 1) }).find((check) => check.id === 'heap.idle')?.met).toBe(false);
    expect(checkTargets({}).find((check) => check.id === 'heap.idle')?.met).toBeUndefined();
  });
});

describe('the report', () => {
  it('gives varying figures with their range and calls only sizes and the storm deterministic', () => {
    const info: RunInfo = { generatedAt: '2026-01-01T00:00:00Z', node: '20', cpu: 'test CPU', cores: 2, loadAverage: [0, 0, 0], durationMs: 1000, wroteFiles: false, errors: {} };
    const figures: BenchFigures = {
      overhead: [summariseRuns('ws 8', [0.97, 0.98, 0.99].map(overheadRun))],
      heap: {
        sockets: 1000,
        figures: [
          { id: 'closekit', label: 'closekit createSocket', bytesPerSocket: spreadOf([5000, 5100, 5300]) },
          { id: 'bare', label: 'the fake WebSocket alone', bytesPerSocket: spreadOf([100, 200, 300]) },
        ],
      },
    };
    const report = markdownReport(figures, checkTargets(figures), info);
    expect(report).toContain('## 6. Heap per idle open socket');
    expect(report).toContain('5,100 B (5,000 to 5,300)');
    expect(report).toContain('4,900 B');
    expect(report).toContain('0.980 (0.970 to 0.990)');
    expect(report).toContain('varies from run to run');
    expect(report).not.toMatch(/memory figures (are|do not)|deterministic; messages/);
  });
});
