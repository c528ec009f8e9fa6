// Renders closekit's default policy table (src/policy/defaults.ts) as the
// Markdown table in the README; test/policy/readme.test.ts keeps them in step.
import { nameOfCode } from '../../src/codes';
import { defaultRule, defaultRules } from '../../src/policy/defaults';
import type { Rule } from '../../src/policy/types';

// Why each default is what it is; a row without a reason fails the test.
export const reasons: Readonly<Record<string, string>> = {
  1000: 'A deliberate, final close.',
  1001: 'The server is shutting down or restarting; another instance will take the connection.',
  1002: 'Retrying would repeat the same protocol error.',
  1003: 'Retrying would send the same data again.',
  1005: 'An empty close frame says nothing against coming back.',
  1006: 'The network dropped, or the handshake failed (the browser cannot tell which).',
  1007: 'Retrying would send the same data again.',
  1008: 'The server refused the client on purpose.',
  1009: 'Retrying would send the same message again.',
  1010: 'The server will not offer the extension next time either.',
  1011: 'A server fault a later attempt may not meet.',
  1012: 'The server is restarting, and every client heard it at once: a wide first window keeps them from returning as one wave.',
  1013: 'The server is overloaded and asked for patience.',
  1014: 'A gateway that accepted the connection got a bad answer from the server behind it. (A proxy that cannot reach the server at all, such as nginx, answers the upgrade with HTTP 502: a 1006, never opened.)',
  1015: 'A TLS failure does not fix itself.',
  3000: 'Refresh credentials (`auth.refresh`), then reconnect.',
  3003: 'Refused with the credentials the client has.',
  3008: 'The server timed the client out; a new connection is fine.',
  default: 'Unnamed 3000–4999 codes, reserved (0–999, 1004, 1016–2999) and invalid codes: nothing says the server wants the client gone.',
};

function describeRule(rule: Rule): string {
  if (typeof rule === 'string') return rule === 'stop' ? '**stop**' : `**${rule}** with backoff`;
  if (rule.action === 'stop') return '**stop**';
  if (rule.delayMs === 0) return `**${rule.action}** at once`;
  if (rule.delayMs !== undefined) return `**${rule.action}** after ${rule.delayMs} ms`;
  const floor = rule.backoff?.minMs;
  const first = rule.backoff?.initialMs;
  const base = first === undefined ? `**${rule.action}** with backoff` : `**${rule.action}** with backoff, first retry within ${first / 1000} s`;
  return floor === undefined ? base : `${base}, never before ${floor / 1000} s`;
}

/** The README table, one row per default rule plus the row for every other code. */
export function renderDefaultTable(): string {
  const rows = Object.entries(defaultRules).map(([code, rule]: [string, Rule]) => {
    const name = nameOfCode(Number(code));
    return `| ${code} | ${name === undefined ? '—' : `\`${name}\``} | ${describeRule(rule)} | ${reasons[code] ?? ''} |`;
  });
  rows.push(`| any other | — | ${describeRule(defaultRule)} | ${reasons['default'] ?? ''} |`);
  return ['| code | name | decision | why |', '|---|---|---|---|', ...rows].join('\n');
}

// `npx tsx test/policy/default-table.ts` prints the table to paste into the README.
if (typeof process !== 'undefined' && process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  console.log(renderDefaultTable());
}
