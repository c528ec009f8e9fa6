// The API reference (npm run docs → docs/api) must build from the doc
// comments without a single TypeDoc warning: every exported symbol, and every
// member TypeDoc lists, documented; every {@link} resolvable. This runs the
// same check with --emit none (validation only, nothing written).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('npm run docs builds without warnings', () => {
  const run = spawnSync(process.execPath, ['node_modules/typedoc/bin/typedoc', '--emit', 'none', '--treatWarningsAsErrors'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  // eslint-disable-next-line no-control-regex
  const output = `${run.stdout}${run.stderr}`.replace(/\u001b\[[0-9;]*m/g, '');
  const warnings = output.split('\n').filter((line) => /^\[(warning|error)\]/.test(line) && !/^\[(warning|error)\] Found \d+ errors/.test(line));
  expect(warnings, 'TypeDoc warnings: add a doc comment to each symbol named (in the file named), or fix the link').toEqual([]);
  expect(run.status, output).toBe(0);
}, 120_000);
