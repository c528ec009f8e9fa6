import { describe, expect, it } from 'vitest';
import { Timeline, wantsColour } from '../../demo/timeline';

describe('demo timeline', () => {
  it.each([
    [{ isTTY: true }, {}, true],
    [{ isTTY: false }, {}, false],
    [{}, {}, false],
    [{ isTTY: true }, { NO_COLOR: '1' }, false],
    [{ isTTY: true }, { NO_COLOR: '' }, true],
    [{ isTTY: false }, { FORCE_COLOR: '1' }, true],
    [{ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
    [{ isTTY: false }, { FORCE_COLOR: '0' }, false],
  ])('colour for %j with env %j: %s', (stream, env, expected) => {
    expect(wantsColour(stream, env)).toBe(expected);
  });

  function print(colour: boolean): string[] {
    const lines: string[] = [];
    let now = 0;
    const timeline = new Timeline({ write: (line) => lines.push(line), colour, now: () => now });
    timeline.header();
    now = 12;
    timeline.row({ side: 'client', event: 'close', code: 4001, name: 'TokenExpired', kind: 'application', decision: 'reauth', delayMs: 0, note: '"token expired"' });
    now = 1512;
    timeline.row({ side: 'server', event: 'closes', code: 1012, note: '"server restart"' });
    timeline.row({ side: 'client', event: 'stopped', decision: 'stop (policy)' });
    return lines;
  }

  it('aligns every column under its heading', () => {
    const [header, close, server, stopped] = print(false) as [string, string, string, string];
    const column = (line: string, text: string) => line.indexOf(text);
    expect(column(close, '4001')).toBe(column(header, 'code'));
    expect(column(server, '1012')).toBe(column(header, 'code'));
    expect(column(close, 'TokenExpired')).toBe(column(header, 'name'));
    expect(column(close, 'application')).toBe(column(header, 'kind'));
    expect(column(close, 'reauth')).toBe(column(header, 'decision'));
    expect(column(stopped, 'stop (policy)')).toBe(column(header, 'decision'));
    expect(close.indexOf('0 ms') + '0 ms'.length).toBe(header.indexOf('delay') + 'delay'.length);
    expect(close).toMatch(/^ *0\.012s {2}close /);
    expect(server).toMatch(/^ *1\.512s {2}server closes /);
  });

  it('writes no escape codes without colour, and resets every colour it sets', () => {
    expect(print(false).join('\n')).not.toMatch(/\u001b/);
    for (const line of print(true)) {
      const opened = line.match(/\u001b\[(1|2|3[0-7])m/g) ?? [];
      const closed = line.match(/\u001b\[(22|39)m/g) ?? [];
      expect(closed.length).toBe(opened.length);
    }
  });
});
