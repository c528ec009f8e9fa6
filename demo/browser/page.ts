// The playground page: one closekit socket, buttons that ask the server to
// close it, a live timeline of every event, and a policy editor. Bundled from
// the built dist/ by playground-server.ts.
import { createPolicy, createSocket, describe, isPolicyError, type CloseResult, type Decision, type Policy, type PolicyOptions } from 'closekit';
import { AppCodes } from '../contract';

type Names = (typeof AppCodes.names)[number];

const session = Math.random().toString(36).slice(2);
const started = performance.now();
const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`#${id} is missing from the page`);
  return element as T;
};

// ---- timeline ---------------------------------------------------------------

interface Row {
  readonly event: string;
  readonly server?: boolean;
  readonly code?: number;
  readonly name?: string | undefined;
  readonly kind?: string;
  readonly decision?: Decision;
  readonly delayMs?: number;
  readonly note?: string;
}

function addRow(row: Row): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset['event'] = row.event;
  if (row.server === true) tr.className = 'server';
  const cell = (text: string, className: string) => {
    const td = document.createElement('td');
    td.className = className;
    td.textContent = text;
    tr.append(td);
    return td;
  };
  cell(`${((performance.now() - started) / 1000).toFixed(2)} s`, 'time');
  cell(row.server === true ? `server ${row.event}` : row.event, 'event');
  cell(row.code === undefined ? '' : String(row.code), 'code');
  cell(row.name ?? '', 'name');
  cell(row.kind ?? '', 'kind');
  const decision = row.decision;
  const action = cell(decision === undefined ? '' : decision.action === 'stop' ? `stop (${decision.cause})` : decision.action, 'decision');
  if (decision !== undefined) action.dataset['action'] = decision.action;
  const delay = row.delayMs ?? (decision !== undefined && decision.action !== 'stop' ? decision.delayMs : undefined);
  cell(delay === undefined ? '' : `${delay} ms`, 'delay');
  cell(row.note ?? '', 'note');
  const body = $<HTMLTableSectionElement>('timeline');
  body.append(tr);
  tr.scrollIntoView({ block: 'nearest' });
  return tr;
}

// ---- policy -------------------------------------------------------------------

const initialPolicy = {
  rules: {
    TokenExpired: 'reauth',
    AccessDenied: 'stop',
    RateLimited: { action: 'reconnect', backoff: { minMs: 2000 } },
    '4100-4199': 'reconnect',
  },
  backoff: { initialMs: 500, maxMs: 5000, jitter: 'full' },
  maxReauth: 2,
};

let current: Policy<Names> = createPolicy({ codes: AppCodes, ...(initialPolicy as PolicyOptions<typeof AppCodes.codes>) });

// The socket keeps this one object; it always asks the policy last applied.
const livePolicy: Policy<Names> = {
  decide: (result, context) => current.decide(result, context),
  explain: (code) => current.explain(code),
  get rules() {
    return current.rules;
  },
  // Read once, when the socket is created: an open this long resets the counters, as with the policy itself.
  resetAfterMs: current.resetAfterMs ?? Infinity,
};

let edits = 0;
function applyPolicy(text: string): void {
  const status = $<HTMLParagraphElement>('policy-status');
  // Counts every edit the page has applied or refused, so a test can wait for this one.
  status.dataset['edits'] = String(++edits);
  try {
    const options = JSON.parse(text) as PolicyOptions<typeof AppCodes.codes>;
    current = createPolicy({ ...options, codes: AppCodes });
    status.className = '';
    status.textContent = `✓ applied. ${current.explain(4001)}`;
  } catch (error) {
    status.className = 'error';
    if (isPolicyError(error)) status.textContent = `PolicyError (${error.option}): ${error.message}`;
    else status.textContent = `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const editor = $<HTMLTextAreaElement>('policy');
editor.value = JSON.stringify(initialPolicy, null, 2);
let typing: ReturnType<typeof setTimeout> | undefined;
editor.addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(() => applyPolicy(editor.value), 250);
});
applyPolicy(editor.value);

// ---- the socket -----------------------------------------------------------------

let token = '';
async function freshToken(): Promise<string> {
  const response = await fetch(`/token?session=${session}`, { method: 'POST' });
  token = ((await response.json()) as { token: string }).token;
  return token;
}
await freshToken();

const socket = createSocket(() => `ws://${location.host}/live?session=${session}&token=${token}`, {
  codes: AppCodes,
  policy: livePolicy,
  auth: {
    refresh: async () => {
      const fresh = await freshToken();
      addRow({ event: 'token', server: true, note: `issued a fresh token ${fresh}` });
    },
  },
});

/** describe()'s sentence, then which rule decided: `app rule for TokenExpired`, `closekit default for 1012`. */
function why(result: CloseResult<Names>, decision: Decision): string {
  const { origin, source, key } = decision.rule;
  const sentence = describe(result).replace(/\.$/, '');
  if (origin === 'client') return `${sentence} · the page called close()`;
  const whose = origin === 'app' ? 'app rule' : origin === 'preset' ? 'preset rule' : 'closekit default';
  return `${sentence} · ${whose} for ${source === 'default' ? 'unnamed codes' : key}`;
}

socket.on('state', ({ state }) => {
  const pill = $('state');
  pill.dataset['state'] = state;
  pill.textContent = state;
  if (state === 'connecting') addRow({ event: 'connecting', note: `token ${token}` });
});
socket.on('open', ({ attempt }) => addRow({ event: 'open', note: attempt > 1 ? `after ${attempt} attempts` : '' }));
socket.on('close', ({ result, decision }) => addRow({ event: 'close', code: result.code, name: result.name, kind: result.kind, decision, note: why(result, decision) }));
socket.on('rejected', (result) => addRow({ event: 'rejected', code: result.code, name: result.name, kind: result.kind, note: 'the server said why' }));
socket.on('reauth', ({ attempt }) => addRow({ event: 'reauth', note: `auth.refresh() #${attempt}` }));
socket.on('reconnecting', ({ attempt, delayMs }) => addRow({ event: 'reconnecting', delayMs, note: `attempt ${attempt}` }));
socket.on('stopped', ({ cause }) => addRow({ event: 'stopped', note: `cause: ${cause}` }));
socket.on('error', (error) => addRow({ event: 'error', note: error.message }));

// ---- buttons --------------------------------------------------------------------

// The server's row goes in before the request, so it precedes the close it causes.
async function control(body: object, label: string): Promise<void> {
  const row = addRow({ event: label, server: true, note: '…' });
  const note = row.querySelector('td.note') as HTMLTableCellElement;
  try {
    const response = await fetch(`/control?session=${session}`, { method: 'POST', body: JSON.stringify(body) });
    const answer = (await response.json()) as { done?: string; error?: string };
    note.textContent = answer.done ?? `could not: ${answer.error ?? response.statusText}`;
  } catch (error) {
    note.textContent = `could not reach the server: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const closeButtons: readonly [code: number, label: string, reason: string][] = [
  [1000, 'Normal Closure', 'bye'],
  [1001, 'Going Away', 'node draining'],
  [1008, 'Policy Violation', 'policy violation'],
  [1011, 'Internal Error', 'internal error'],
  [1012, 'Service Restart', 'server restart'],
  [1013, 'Try Again Later', 'overloaded'],
  [4001, 'TokenExpired', 'token expired'],
  [4003, 'AccessDenied', 'account suspended'],
  [4029, 'RateLimited', 'slow down'],
  [3000, 'IANA Unauthorized', 'unauthorized'],
  [1004, 'reserved', ''],
  [2000, 'extension', ''],
  [5000, 'invalid', ''],
  [1006, 'never on the wire', ''],
];

const codes = $('codes');
for (const [code, label, reason] of closeButtons) {
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset['code'] = String(code);
  button.innerHTML = `<b>${code}</b> <small></small>`;
  (button.querySelector('small') as HTMLElement).textContent = label;
  button.addEventListener('click', () => void control({ action: 'close', code, reason }, 'closes'));
  codes.append(button);
}
const extra: readonly [id: string, html: string, body: object][] = [
  ['empty', '<b>no code</b> <small>empty frame</small>', { action: 'empty' }],
  ['drop', '<b>drop</b> <small>cut TCP, no frame</small>', { action: 'drop' }],
  ['refuse', '<b>HTTP 401</b> <small>at upgrade</small>', { action: 'refuse', status: 401 }],
];
for (const [id, html, body] of extra) {
  const button = document.createElement('button');
  button.type = 'button';
  button.id = `server-${id}`;
  button.innerHTML = html;
  button.addEventListener('click', () => void control(body, id === 'refuse' ? 'refuses' : 'closes'));
  codes.append(button);
}

$('custom-close').addEventListener('click', () => {
  const code = Number($<HTMLInputElement>('custom-code').value);
  const reason = $<HTMLInputElement>('custom-reason').value;
  void control({ action: 'close', code, reason }, 'closes');
});
$('page-close').addEventListener('click', () => socket.close(1000, 'closed from the page'));
$('page-reconnect').addEventListener('click', () => socket.reconnect());

// For the automated test and the screenshot script.
Object.assign(globalThis, { playground: { socket, session } });
