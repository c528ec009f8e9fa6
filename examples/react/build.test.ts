// The example bundles for the browser with esbuild, with React inside and
// nothing from Node; its status line reads snapshots as documented.
import { describe, expect, it } from 'vitest';
import { buildExample } from './build';
import { statusLine } from './status';
import { classify, type SocketSnapshot } from '../../src/index';
import { AppCodes } from './codes';

const base: SocketSnapshot<'TokenExpired' | 'AccessDenied'> = {
  state: 'open',
  attempt: 0,
  retryAt: undefined,
  retryDelayMs: undefined,
  lastClose: undefined,
  lastCloseText: undefined,
  stopCause: undefined,
  online: true,
  visible: true,
  queued: 0,
};

describe('examples/react', () => {
  it('bundles with esbuild for the browser: React and closekit/react inside, no Node module', async () => {
    const result = await buildExample(false);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => /node_modules\/react-dom\//.test(path))).toBe(true);
    expect(inputs.some((path) => path.endsWith('src/react/hooks.ts'))).toBe(true);
    expect(inputs.some((path) => /src\/(server|testing|presets)\//.test(path))).toBe(false);
    // Self-contained: the output imports nothing at run time.
    expect(Object.values(result.metafile.outputs).flatMap((output) => output.imports)).toEqual([]);
  }, 60_000);

  it('the status line', () => {
    expect(statusLine(base, 0)).toBe('Connected');
    expect(statusLine({ ...base, state: 'waiting', attempt: 2, retryAt: 4000, retryDelayMs: 4000 }, 100)).toBe('Reconnecting in 4 s (attempt 2)');
    expect(statusLine({ ...base, online: false, state: 'waiting' }, 0)).toBe('Offline: waiting for the network');
    const unauthorized = classify({ code: 4001, wasClean: true }, { codes: AppCodes, opened: true });
    expect(statusLine({ ...base, state: 'stopped', lastClose: unauthorized, stopCause: 'policy' }, 0)).toBe('Signed out: log in again');
  });
});
