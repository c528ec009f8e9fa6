// Prints the demo's timeline: one aligned line per event, coloured only when
// stdout is a terminal and NO_COLOR is not set (https://no-color.org).

/** One line of the timeline. Empty fields print as blanks. */
export interface TimelineRow {
  /** Who speaks: the closekit client, or the demo's server. */
  readonly side: 'client' | 'server';
  readonly event: string;
  readonly code?: number | undefined;
  readonly name?: string | undefined;
  readonly kind?: string | undefined;
  readonly decision?: string | undefined;
  readonly delayMs?: number | undefined;
  /** Free text at the end of the line: a reason, a token, a cause. */
  readonly note?: string | undefined;
}

type Paint = (text: string) => string;

const ansi =
  (open: number, close: number): Paint =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;
const plain: Paint = (text) => text;

/** Whether to colour: a TTY, no NO_COLOR; FORCE_COLOR=1 forces it on (for screenshots of the output). */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '' && env['FORCE_COLOR'] !== '0') return true;
  return stream.isTTY === true;
}

const WIDTHS = { time: 7, event: 14, code: 4, name: 16, kind: 11, decision: 15, delay: 7 } as const;

/** Writes timeline rows with elapsed time measured from `start`. */
export class Timeline {
  readonly #write: (line: string) => void;
  readonly #now: () => number;
  readonly #start: number;
  readonly #colour: boolean;
  readonly #rows: TimelineRow[] = [];

  constructor(options: { write: (line: string) => void; colour: boolean; now?: () => number }) {
    this.#write = options.write;
    this.#colour = options.colour;
    this.#now = options.now ?? (() => performance.now());
    this.#start = this.#now();
  }

  /** Every row printed so far, in order. */
  get rows(): readonly TimelineRow[] {
    return this.#rows;
  }

  /** Milliseconds since the start. */
  elapsedMs(): number {
    return this.#now() - this.#start;
  }

  #paint(code: number): Paint {
    if (!this.#colour) return plain;
    const codes: Record<number, Paint> = { 1: ansi(1, 22), 2: ansi(2, 22), 31: ansi(31, 39), 32: ansi(32, 39), 33: ansi(33, 39), 35: ansi(35, 39), 36: ansi(36, 39) };
    return codes[code] ?? plain;
  }

  /** A plain line of text (headings, notes). */
  say(text: string, style: 'bold' | 'dim' | 'plain' = 'plain'): void {
    this.#write(style === 'bold' ? this.#paint(1)(text) : style === 'dim' ? this.#paint(2)(text) : text);
  }

  /** The column headings. */
  header(): void {
    const cells = [
      'time'.padStart(WIDTHS.time),
      'event'.padEnd(WIDTHS.event),
      'code'.padEnd(WIDTHS.code),
      'name'.padEnd(WIDTHS.name),
      'kind'.padEnd(WIDTHS.kind),
      'decision'.padEnd(WIDTHS.decision),
      'delay'.padStart(WIDTHS.delay),
      '  note',
    ];
    this.#write(this.#paint(1)(cells.join('  ').trimEnd()));
  }

  /** Prints one event. */
  row(row: TimelineRow): void {
    this.#rows.push(row);
    const seconds = `${(this.elapsedMs() / 1000).toFixed(3)}s`;
    const eventText = row.side === 'server' ? `server ${row.event}` : row.event;
    const eventColour = row.side === 'server' ? 2 : row.event === 'open' ? 32 : row.event === 'stopped' ? 31 : row.event === 'close' ? 33 : 36;
    const decisionColour = row.decision?.startsWith('stop') === true ? 31 : row.decision === 'reauth' ? 35 : 36;
    const cells = [
      seconds.padStart(WIDTHS.time),
      this.#paint(eventColour)(eventText.padEnd(WIDTHS.event)),
      (row.code === undefined ? '' : String(row.code)).padEnd(WIDTHS.code),
      (row.name ?? '').padEnd(WIDTHS.name),
      (row.kind ?? '').padEnd(WIDTHS.kind),
      this.#paint(decisionColour)((row.decision ?? '').padEnd(WIDTHS.decision)),
      (row.delayMs === undefined ? '' : `${row.delayMs} ms`).padStart(WIDTHS.delay),
      row.note === undefined || row.note === '' ? '' : `  ${this.#paint(2)(row.note)}`,
    ];
    this.#write(cells.join('  ').trimEnd());
  }
}
