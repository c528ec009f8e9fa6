// The benchmark harness itself: the virtual clock, the storm's fake server,
// the SVG and the text tables. Behaviour only; no timings are asserted.
import { describe, expect, it } from 'vitest';
import { formatNumber, markdownTable, textTable } from '../../bench/lib/format';
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
    const base = { buckets: [0, 3, 1], totalAttempts: 4, refusedAttempts: 0, peakBucket: 3, peakAtMs: 100, meanPerBucket: 2, peakToMean: 1.5, worstSecond: 4, reconnected99Ms: 300, reconnected100Ms: 300, note: '' };
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
    const table = textTable(['name', 'bytes'], [['a', formatNumber(1234)], ['longer', '5']]).split('\n');
    expect(table[2]).toBe('a       1,234');
    expect(table[3]).toBe('longer      5');
    expect(markdownTable(['a', 'b'], [['1', '2']], ['l', 'r'])).toBe('| a | b |\n| --- | ---: |\n| 1 | 2 |');
  });
});
