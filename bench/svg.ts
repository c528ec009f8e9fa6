// Renders the retry-storm histograms as one hand-written SVG: one panel per
// library, side by side, on the same axes so the peaks compare at a glance.
import type { StormResult } from './storm';

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A round axis maximum ≥ value: 1, 2 or 5 × 10^n. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export interface StormSvgOptions {
  readonly bucketMs: number;
  readonly serverBackMs: number;
  readonly clients: number;
  /** Right end of the time axis, in ms. */
  readonly untilMs: number;
  /** Time from new WebSocket() to open or refusal. */
  readonly latencyMs: number;
}

export function renderStormSvg(results: readonly StormResult[], options: StormSvgOptions): string {
  const panelWidth = 300;
  const panelHeight = 200;
  const margin = { top: 58, right: 16, bottom: 56, left: 56 };
  const gap = 36;
  const width = margin.left + results.length * panelWidth + (results.length - 1) * gap + margin.right;
  const height = margin.top + panelHeight + margin.bottom + 44;
  const bucketCount = Math.ceil(options.untilMs / options.bucketMs);
  const yMax = niceCeiling(Math.max(1, ...results.map((result) => result.peakBucket)));
  const seconds = options.untilMs / 1000;
  const secondStep = seconds <= 12 ? 2 : seconds <= 30 ? 5 : 10;
  const barWidth = panelWidth / bucketCount;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="11">`,
    `<title>Retry storm: connection attempts per ${options.bucketMs} ms after a 1012 close of ${options.clients.toLocaleString('en-US')} clients</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin.left}" y="18" font-size="13" font-weight="600">Connection attempts per ${options.bucketMs} ms after the server closes ${options.clients.toLocaleString('en-US')} connections with 1012</text>`,
    `<text x="${margin.left}" y="34" fill="#555">Server refuses until ${options.serverBackMs / 1000} s (shaded), then accepts. Same y axis in every panel. Virtual clock, fake WebSocket, each library's defaults.</text>`,
  );
  results.forEach((result, panel) => {
    const x0 = margin.left + panel * (panelWidth + gap);
    const y0 = margin.top;
    const yOf = (count: number): number => y0 + panelHeight - (count / yMax) * panelHeight;
    out.push(`<g>`);
    out.push(`<text x="${x0}" y="${y0 - 8}" font-weight="600">${escapeXml(result.label)}</text>`);
    out.push(`<rect x="${x0}" y="${y0}" width="${(options.serverBackMs / options.untilMs) * panelWidth}" height="${panelHeight}" fill="#f2f2f2"/>`);
    for (let tick = 0; tick <= 4; tick++) {
      const value = (yMax / 4) * tick;
      const y = yOf(value);
      out.push(`<line x1="${x0}" x2="${x0 + panelWidth}" y1="${y}" y2="${y}" stroke="#e0e0e0"/>`);
      if (panel === 0) out.push(`<text x="${x0 - 6}" y="${y + 4}" text-anchor="end" fill="#555">${value.toLocaleString('en-US')}</text>`);
    }
    const color = result.id === 'closekit' ? '#2b6cb0' : '#c05621';
    for (let index = 0; index < bucketCount; index++) {
      const count = result.buckets[index] ?? 0;
      if (count === 0) continue;
      const y = yOf(Math.min(count, yMax));
      out.push(
        `<rect x="${(x0 + index * barWidth).toFixed(2)}" y="${y.toFixed(2)}" width="${Math.max(barWidth - 0.4, 0.6).toFixed(2)}" height="${(y0 + panelHeight - y).toFixed(2)}" fill="${color}"/>`,
      );
    }
    out.push(`<line x1="${x0}" x2="${x0 + panelWidth}" y1="${y0 + panelHeight}" y2="${y0 + panelHeight}" stroke="#333"/>`);
    out.push(`<line x1="${x0}" x2="${x0}" y1="${y0}" y2="${y0 + panelHeight}" stroke="#333"/>`);
    for (let second = 0; second <= seconds; second += secondStep) {
      const x = x0 + (second / seconds) * panelWidth;
      out.push(`<line x1="${x}" x2="${x}" y1="${y0 + panelHeight}" y2="${y0 + panelHeight + 4}" stroke="#333"/>`);
      out.push(`<text x="${x}" y="${y0 + panelHeight + 16}" text-anchor="middle" fill="#555">${second} s</text>`);
    }
    const back99 = result.reconnected99Ms === undefined ? 'not within the run' : `${(result.reconnected99Ms / 1000).toFixed(2)} s after the close`;
    const later = result.buckets.slice(bucketCount).reduce((sum, count) => sum + count, 0);
    out.push(
      `<text x="${x0}" y="${y0 + panelHeight + 32}" fill="#222">peak ${result.peakBucket.toLocaleString('en-US')} per ${options.bucketMs} ms · worst second ${result.worstSecond.toLocaleString('en-US')}</text>`,
      `<text x="${x0}" y="${y0 + panelHeight + 46}" fill="#222">99% back ${back99}</text>`,
    );
    if (later > 0) out.push(`<text x="${x0}" y="${y0 + panelHeight + 60}" fill="#555">${later.toLocaleString('en-US')} later attempts beyond the axis</text>`);
    out.push(`</g>`);
  });
  out.push(
    `<text x="${margin.left}" y="${height - 6}" fill="#555">Generated by npm run bench (bench/storm.ts). Attempts = new WebSocket() calls; ${options.latencyMs} ms to open or be refused.</text>`,
  );
  out.push(`</svg>`);
  return `${out.join('\n')}\n`;
}
