import { describe, expect, it } from 'vitest';
import { classify, createPolicy, type Action, type Preset } from '../../src/index';
import { centrifugo, graphqlWs, pusher } from '../../src/presets/index';

function actionOf(preset: Preset, code: number, options: object = {}): Action {
  return createPolicy({ preset, random: () => 0, ...options }).decide(classify({ code }, { opened: true })).action;
}

// FACTS.md's reading of each protocol, row by row.
describe('graphqlWs preset', () => {
  const fatal = [4004, 4005, 4400, 4401, 4406, 4409, 4429, 4500];
  const retried = [4403, 4408, 4499, 4504, 3000, 3003, 3008, 3999, 4000, 4999, 0, 999, 2000, 2999, 5000, 65535];
  const retriedStandard = [1001, 1005, 1006, 1012, 1013, 1014];
  const fatalStandard = [1002, 1003, 1004, 1007, 1008, 1009, 1010, 1011, 1015, 1016, 1500, 1999];

  it.each(fatal)('%i is fatal', (code) => expect(actionOf(graphqlWs, code)).toBe('stop'));
  it.each(retried)('%i is retried', (code) => expect(actionOf(graphqlWs, code)).toBe('reconnect'));
  it.each(retriedStandard)('%i is retried', (code) => expect(actionOf(graphqlWs, code)).toBe('reconnect'));
  it.each(fatalStandard)('%i (1000–1999) is fatal', (code) => expect(actionOf(graphqlWs, code)).toBe('stop'));
  it('1000 stops', () => expect(actionOf(graphqlWs, 1000)).toBe('stop'));
  it('gives up after 6 sockets in a row, as graphql-ws does after its 5 retries', () => {
    const policy = createPolicy({ preset: graphqlWs, random: () => 0 });
    expect(policy.decide(classify({ code: 4403 }), { attempt: 4 })).toMatchObject({ action: 'reconnect', attempt: 5 });
    expect(policy.decide(classify({ code: 4403 }), { attempt: 5 })).toMatchObject({ action: 'stop', cause: 'max-attempts' });
    expect(createPolicy({ preset: graphqlWs, maxAttempts: 100 }).decide(classify({ code: 4403 }), { attempt: 5 })).toMatchObject({ action: 'reconnect' });
  });

  it('has no attempt limit of its own beyond graphql-ws: a stop rule is not a limit', () => {
    expect(graphqlWs.maxAttempts).toBe(6);
    expect(centrifugo.maxAttempts).toBeUndefined();
    expect(pusher.maxAttempts).toBeUndefined();
  });

  it('keeps the 5 s floor for 1013', () => {
    expect(createPolicy({ preset: graphqlWs, random: () => 0 }).decide(classify({ code: 1013 }))).toMatchObject({ delayMs: 5000 });
  });

  it('lets app rules win: re-authenticate on 4401 instead of giving up', () => {
    const policy = createPolicy({ preset: graphqlWs, rules: { 4401: 'reauth' } });
    expect(policy.decide(classify({ code: 4401 }))).toMatchObject({ action: 'reauth', rule: { origin: 'app' } });
    expect(policy.decide(classify({ code: 4400 }))).toMatchObject({ action: 'stop', rule: { origin: 'preset', key: '4400' } });
  });
});

describe('centrifugo preset', () => {
  it.each([
    [3000, 'reconnect'],
    [3499, 'reconnect'],
    [3500, 'stop'],
    [3999, 'stop'],
    [4000, 'reconnect'],
    [4499, 'reconnect'],
    [4500, 'stop'],
    [4999, 'stop'],
    [1009, 'stop'],
    [1000, 'reconnect'],
    [1006, 'reconnect'],
    [1008, 'reconnect'],
    [1013, 'reconnect'],
    [0, 'reconnect'],
    [2999, 'reconnect'],
  ] as const)('%i → %s', (code, action) => expect(actionOf(centrifugo, code)).toBe(action));

  it('lets app rules win', () => {
    expect(actionOf(centrifugo, 4501, { rules: { 4501: 'reconnect' } })).toBe('reconnect');
    expect(actionOf(centrifugo, 4100, { rules: { '4100-4199': 'stop' } })).toBe('stop');
  });
});

describe('pusher preset', () => {
  it.each([
    [4000, 'reconnect'],
    [4001, 'stop'],
    [4099, 'stop'],
    [4100, 'reconnect'],
    [4199, 'reconnect'],
    [4200, 'reconnect'],
    [4299, 'reconnect'],
    [4300, 'stop'],
    [4999, 'stop'],
    [5000, 'stop'],
  ] as const)('%i → %s', (code, action) => expect(actionOf(pusher, code)).toBe(action));

  it('retries 4200–4299 at once and 4100–4199 after backoff', () => {
    const policy = createPolicy({ preset: pusher, random: () => 0.5 });
    expect(policy.decide(classify({ code: 4200 }), { attempt: 5 })).toMatchObject({ action: 'reconnect', delayMs: 0 });
    expect(policy.decide(classify({ code: 4150 }), { attempt: 2 })).toMatchObject({ action: 'reconnect', delayMs: 1000 });
  });

  it('retries 4000 (switch to TLS) with backoff, so a URL still on ws:// does not spin', () => {
    expect(createPolicy({ preset: pusher, random: () => 0.5 }).decide(classify({ code: 4000 }), { attempt: 3 })).toMatchObject({ delayMs: 2000 });
  });

  it('reconnects on every code below 4000, as pusher-js does', () => {
    for (const code of [0, 1000, 1002, 1003, 1006, 1008, 1015, 2000, 3000, 3003, 3999]) expect(actionOf(pusher, code)).toBe('reconnect');
  });

  it('is bounded by maxAttempts even when retrying at once', () => {
    expect(createPolicy({ preset: pusher, maxAttempts: 3 }).decide(classify({ code: 4200 }), { attempt: 3 })).toMatchObject({ action: 'stop', cause: 'max-attempts' });
  });
});

describe('every preset', () => {
  it.each([graphqlWs, centrifugo, pusher])('$name is frozen and accepted by createPolicy', (preset) => {
    expect(Object.isFrozen(preset)).toBe(true);
    expect(Object.isFrozen(preset.rules)).toBe(true);
    expect(() => createPolicy({ preset })).not.toThrow();
    expect(createPolicy({ preset }).explain(4500)).toMatch(/→/);
  });

  it('survives a low cap: a preset floor gives way to it', () => {
    expect(createPolicy({ preset: graphqlWs, backoff: { maxMs: 1000 }, random: () => 0 }).decide(classify({ code: 1013 }))).toMatchObject({ delayMs: 1000 });
  });
});

describe('closekit/presets stays a separate entry', () => {
  it('is not imported by the main entry', async () => {
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(new URL('../../src/index.ts', import.meta.url), 'utf8')).not.toMatch(/presets/);
  });
});
