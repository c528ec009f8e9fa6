// Renders the README's close-code table from the single source, `CloseCode`
// in src/codes.ts, and (with --write) puts it between the README's
// `<!-- section:codes -->` markers; with --write it also rewrites the default
// policy table between `<!-- policy-defaults -->` markers from `defaultRules`
// (rendered by test/policy/default-table.ts). test/docs/code-table.test.ts and
// test/policy/readme.test.ts fail when the README and the sources disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { classify } from '../../src/classify';
import { CLOSE_CODE_RANGES, CloseCode, isClientCloseCode, isSendableCode, type CloseCodeName } from '../../src/codes';
import { describe } from '../../src/describe';
import { renderDefaultTable } from '../../test/policy/default-table';

export const README = fileURLToPath(new URL('../../README.md', import.meta.url));
export const START = '<!-- section:codes -->';
export const END = '<!-- /section:codes -->';

/** Who may put `code` in a close frame. */
function sender(code: number): string {
  if (classify({ code }).local) return 'never sent: the client reports it';
  if (isClientCloseCode(code)) return 'server, or the page via `close()`';
  if (isSendableCode(code)) return 'server';
  return NOT_SENDABLE;
}

const NOT_SENDABLE = 'not sendable, yet a raw frame reaches Chromium and Firefox as-is (WebKitGTK: 1006)';

/** `describe()`'s sentence for a named code, e.g. 'The server is restarting'. */
function meaning(code: number): { sentence: string } {
  const text = describe(classify({ code, reason: '', wasClean: true }, { opened: true }));
  const match = /^(.*) \(\d+ [^)]+\)\.$/.exec(text);
  if (match === null) throw new Error(`describe(${code}) has an unexpected shape: ${text}`);
  return { sentence: match[1] ?? '' };
}

const bandNotes: Record<string, string> = {
  unused: 'Not used by the standard. Chromium and Firefox pass a raw frame through.',
  future: 'Reserved for future versions of the standard.',
  extension: 'Reserved for WebSocket extensions.',
  library: 'Libraries and frameworks, registered with IANA. Name your own with `defineCloseCodes`.',
  application: "Your app's private codes. Name them with `defineCloseCodes`.",
};

/** The markdown table, one row per named code plus one per reserved or open band. */
export function renderCodeTable(): string {
  const rows: string[] = [];
  const row = (code: string, name: string, kind: string, text: string, sent: string) => rows.push(`| ${code} | ${name} | ${kind} | ${text} | ${sent} |`);
  const named = (Object.keys(CloseCode) as CloseCodeName[]).map((name) => [name, CloseCode[name]] as const);
  const band = (range: string) => CLOSE_CODE_RANGES.find((b) => b.range === range)!;
  const bandRow = (range: string, label?: string) => {
    const b = band(range);
    const kind = classify({ code: b.min }).kind;
    row(label ?? `${b.min}–${b.max}`, '—', `\`${kind}\``, bandNotes[range] ?? '', sender(b.min));
  };

  bandRow('unused');
  for (let code: number = band('standard').min; code <= band('standard').max; code++) {
    const entry = named.find(([, value]) => value === code);
    if (entry === undefined) {
      row(String(code), '—', `\`${classify({ code }).kind}\``, 'Reserved, no meaning.', NOT_SENDABLE);
      continue;
    }
    const { sentence } = meaning(code);
    const local = classify({ code }).local ? ' `local`' : '';
    row(String(code), `\`${entry[0]}\``, `\`standard\`${local}`, `${sentence}.`, sender(code));
  }
  bandRow('future');
  bandRow('extension');
  for (const [name, code] of named) {
    if (code < band('library').min) continue;
    const { sentence } = meaning(code);
    row(String(code), `\`${name}\``, '`library`', `${sentence}.`, sender(code));
  }
  bandRow('library', `other ${band('library').min}–${band('library').max}`);
  bandRow('application');
  row(`${band('application').max + 1}+`, '—', `\`${classify({ code: band('application').max + 1 }).kind}\``, 'Not a valid close code; also negative, fractional and NaN.', NOT_SENDABLE);

  return ['| code | `CloseCode` name | `kind` | meaning | who can send it |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** The README with the table section replaced by `table`. */
export function withCodeTable(readme: string, table: string, intro: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} section`);
  return `${readme.slice(0, start + START.length)}\n${intro}\n${table}\n${readme.slice(end)}`;
}

/** The README with the default-policy table (between its markers) replaced by `table`. */
export function withDefaultTable(readme: string, table: string): string {
  const open = '<!-- policy-defaults -->';
  const close = '<!-- /policy-defaults -->';
  const start = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (start < 0 || end < start) throw new Error(`README.md has no ${open} … ${close} section`);
  return `${readme.slice(0, start + open.length)}\n${table}\n${readme.slice(end)}`;
}

/** The text between the markers. */
export function codeSection(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} section`);
  return readme.slice(start + START.length, end);
}

/** Pulls the table (the lines starting with `|`) out of the section. */
export function tableIn(section: string): string {
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const table = renderCodeTable();
  if (process.argv.includes('--write')) {
    const readme = readFileSync(README, 'utf8');
    const section = codeSection(readme);
    // Keep the prose around the table; replace only the table lines.
    const current = tableIn(section);
    const withCodes = current === '' ? withCodeTable(readme, table, '') : readme.replace(current, table);
    const next = withDefaultTable(withCodes, renderDefaultTable());
    writeFileSync(README, next);
    console.log(next === readme ? 'README close-code and default-policy tables are up to date.' : 'README tables rewritten.');
  } else {
    console.log(table);
  }
}
