import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPolicy, defaultRules, defineCloseCodes } from '../../src/index';
import { centrifugo, graphqlWs, pusher } from '../../src/presets/index';
import { reasons, renderDefaultTable } from './default-table';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function between(text: string, open: string, close: string): string {
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`README.md has no ${open} … ${close} block`);
  return text.slice(start + open.length, end).trim();
}

describe('README policy section', () => {
  const section = between(readme, '<!-- section:policy -->', '<!-- /section:policy -->');

  it('renders the default table from defaultRules (regenerate with test/policy/default-table.ts)', () => {
    expect(between(section, '<!-- policy-defaults -->', '<!-- /policy-defaults -->')).toBe(renderDefaultTable());
  });

  it('gives a reason for every default row', () => {
    for (const code of [...Object.keys(defaultRules), 'default']) expect(reasons[code], code).toBeTruthy();
  });

  it('shows a preset example', () => {
    const presets = between(readme, '<!-- section:presets -->', '<!-- /section:presets -->');
    expect(presets).toMatch(/from 'closekit\/presets'/);
    for (const preset of [graphqlWs, centrifugo, pusher]) expect(presets).toContain(preset.name === 'graphql-ws' ? 'graphqlWs' : preset.name);
  });

  it('prints what the README example says explain() prints', () => {
    const AppCodes = defineCloseCodes({ TokenExpired: 4001, AccessDenied: 4003, RateLimited: 4029 });
    const sentence = createPolicy({ codes: AppCodes, rules: { TokenExpired: 'reauth' } }).explain(4001);
    expect(section).toContain(`// "${sentence}"`);
  });
});
