// Plays one scenario: the embedded server and a closekit client in one
// process, every client event and every server action printed as it happens.
import { DEFAULT_BACKOFF, createPolicy, createSocket, type BackoffOptions, type MatchedRule, type PolicyOptions, type Rule, type RuleObject, type WebSocketConstructorLike } from 'closekit';
import { WebSocket } from 'undici';
import type { Scenario } from './scenarios';
import { startDemoServer } from './server';
import type { Timeline } from './timeline';

/** Backoff is scaled by this much so the whole story fits in a few seconds. */
export const TIME_SCALE = 0.1;
/** The client closes itself this long after reaching a connection the server leaves open. */
const LINGER_MS = 300;
/** A story that has not ended by now is a bug; the demo says so and fails. */
const DEADLINE_MS = 14_000;

const scaleBackoff = (backoff: BackoffOptions | undefined, factor: number): BackoffOptions | undefined => {
  if (backoff === undefined) return undefined;
  const scaled: { -readonly [K in keyof BackoffOptions]: BackoffOptions[K] } = { ...backoff };
  if (backoff.initialMs !== undefined) scaled.initialMs = backoff.initialMs * factor;
  if (backoff.maxMs !== undefined) scaled.maxMs = backoff.maxMs * factor;
  if (backoff.minMs !== undefined) scaled.minMs = backoff.minMs * factor;
  return scaled;
};

/**
 * The policy the scenario would use, with every time in it scaled: the base
 * backoff, and each rule (closekit's or the preset's) that has its own backoff
 * or a fixed delay, such as 1013's 5 s floor. Also returns a line saying so.
 */
export function scaledPolicy(scenario: Scenario, factor: number): { options: PolicyOptions; note: string; origins: ReadonlyMap<string, MatchedRule['origin']> } {
  const base = {
    codes: scenario.codes,
    ...(scenario.preset === undefined ? {} : { preset: scenario.preset }),
    ...(scenario.rules === undefined ? {} : { rules: scenario.rules }),
  };
  const rules: Record<string, Rule> = {};
  for (const [key, rule] of Object.entries(scenario.rules ?? {})) if (rule !== undefined) rules[key] = rule;
  const floors: string[] = [];
  // Rules copied into the app's table to scale them still say whose they were.
  const origins = new Map<string, MatchedRule['origin']>();
  for (const matched of createPolicy(base).rules) {
    const rule: RuleObject = matched.rule;
    if (matched.source === 'default' || (rule.backoff === undefined && !(typeof rule.delayMs === 'number' && rule.delayMs > 0))) continue;
    const backoff = scaleBackoff(rule.backoff, factor);
    rules[matched.key] = {
      ...rule,
      ...(backoff === undefined ? {} : { backoff }),
      ...(rule.delayMs === undefined ? {} : { delayMs: rule.delayMs * factor }),
    };
    origins.set(matched.key, matched.origin);
    const was = (ms: number) => `${ms * factor} ms (not ${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`})`;
    if (rule.backoff?.initialMs !== undefined) floors.push(`${matched.key} from ${was(rule.backoff.initialMs)}`);
    if (rule.backoff?.minMs !== undefined) floors.push(`${matched.key} floor ${was(rule.backoff.minMs)}`);
  }
  const backoff = { initialMs: DEFAULT_BACKOFF.initialMs * factor, maxMs: DEFAULT_BACKOFF.maxMs * factor };
  const note =
    `backoff scaled ×${factor} for the demo: ${backoff.initialMs} ms doubling to ${backoff.maxMs / 1000} s, ${DEFAULT_BACKOFF.jitter} jitter` + (floors.length === 0 ? '' : `; ${floors.join(', ')}`);
  return { options: { ...base, rules, backoff }, note, origins };
}

/** Which rule decided, in words: `app rule for TokenExpired`, `closekit default for 1012`. */
export function ruleText(rule: MatchedRule, origins: ReadonlyMap<string, MatchedRule['origin']> = new Map()): string {
  const origin = rule.origin === 'app' ? (origins.get(rule.key) ?? 'app') : rule.origin;
  if (origin === 'client') return 'the app closed';
  const whose = origin === 'app' ? 'app rule' : origin === 'preset' ? 'preset rule' : 'closekit default';
  return rule.source === 'default' ? `${whose} for unnamed codes` : `${whose} for ${rule.key}`;
}

/** Plays `scenario`; resolves true when the story ended as it should (stopped), false on the deadline. */
export async function runScenario(scenario: Scenario, timeline: Timeline): Promise<boolean> {
  const server = await startDemoServer(scenario.steps, (event) => timeline.row({ side: 'server', ...event }));
  const { options, note, origins } = scaledPolicy(scenario, TIME_SCALE);
  timeline.say(`server  ${server.url}  (ws + closekit/server)`, 'dim');
  timeline.say(`client  createSocket from closekit, undici's WebSocket${scenario.preset === undefined ? '' : `, preset ${scenario.preset.name}`}`, 'dim');
  timeline.say(note, 'dim');
  timeline.say('');
  timeline.header();

  let token = server.issueToken();
  let connection = 0;
  const socket = createSocket(() => `${server.url}?token=${token}&n=${++connection}`, {
    // undici's WebSocket has the browser's shape; Node 20 has no global one.
    WebSocket: WebSocket as unknown as WebSocketConstructorLike,
    codes: scenario.codes,
    policy: createPolicy(options),
    pauseWhenOffline: false,
    auth: {
      refresh: () => {
        token = server.issueToken();
        timeline.row({ side: 'server', event: 'issues', note: `a fresh token ${token}` });
      },
    },
  });

  socket.on('state', ({ state }) => {
    if (state === 'connecting') timeline.row({ side: 'client', event: 'connecting', note: `token ${token}` });
  });
  socket.on('open', ({ attempt }) => {
    timeline.row({ side: 'client', event: 'open', note: attempt > 1 ? `after ${attempt} attempts` : '' });
    // Past the end of the script the server leaves the connection open: the story is over.
    if ((scenario.steps[connection - 1] ?? { do: 'stay' }).do === 'stay') {
      setTimeout(() => socket.close(1000, 'demo over'), LINGER_MS);
    }
  });
  socket.on('message', (data) => timeline.row({ side: 'client', event: 'message', note: String(data) }));
  socket.on('close', ({ result, decision }) => {
    const reason = result.reason === '' ? '' : `"${result.reason}"  `;
    timeline.row({
      side: 'client',
      event: 'close',
      code: result.code,
      name: result.name,
      kind: result.kind,
      decision: decision.action === 'stop' ? `stop (${decision.cause})` : decision.action,
      delayMs: decision.action === 'stop' ? undefined : decision.delayMs,
      note: `${reason}${ruleText(decision.rule, origins)}${result.code === 1006 ? (result.opened ? ', dropped after open' : ', never opened') : ''}`,
    });
  });
  socket.on('rejected', (result) => timeline.row({ side: 'client', event: 'rejected', code: result.code, name: result.name, kind: result.kind, note: 'the server said why' }));
  socket.on('reauth', ({ attempt }) => timeline.row({ side: 'client', event: 'reauth', note: `auth.refresh() #${attempt}` }));
  socket.on('reconnecting', ({ attempt, delayMs }) => timeline.row({ side: 'client', event: 'reconnecting', delayMs, note: `attempt ${attempt}` }));
  socket.on('error', (error) => timeline.row({ side: 'client', event: 'error', note: error.message }));

  const ended = await new Promise<boolean>((resolve) => {
    const deadline = setTimeout(() => resolve(false), DEADLINE_MS);
    socket.on('stopped', ({ cause }) => {
      timeline.row({ side: 'client', event: 'stopped', decision: `stop (${cause})`, note: cause === 'client' ? 'the app called close()' : 'no loop: a permanent close stops for good' });
      clearTimeout(deadline);
      resolve(true);
    });
  });
  socket.dispose();
  await server.close();
  return ended;
}
