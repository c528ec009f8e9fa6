// Every close code, 0–4999 and beyond, against graphql-ws's own client (6.4.2)
// as the oracle: its createClient runs over an in-process WebSocket that
// opens and closes at once with the code, and counts the sockets it makes
// before it gives up; closekit's policy with the graphqlWs preset decides the
// same sequence of closes. The network suite (graphql-ws.test.ts) covers a
// sample of these over real sockets; this covers them all, in memory.
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/classify';
import { createPolicy } from '../../src/policy';
import { graphqlWs } from '../../src/presets/index';
import { CAP } from './oracle';

/** Sockets graphql-ws's client makes against a server that closes every connection with `code` (CAP: still going). */
function graphqlWsSockets(code: number): Promise<number> {
  return new Promise((resolve) => {
    let sockets = 0;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      resolve(sockets);
    };
    // Just enough of a WebSocket for graphql-ws: open, then a close frame with `code`. Once the run is
    // over, a new socket reports an error instead, which graphql-ws treats as fatal: it ends by itself.
    class ClosingSocket {
      static readonly CONNECTING = 0;
      static readonly OPEN = 1;
      static readonly CLOSING = 2;
      static readonly CLOSED = 3;
      readyState = 0;
      onopen: (() => void) | null = null;
      onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null = null;
      onerror: ((event: unknown) => void) | null = null;
      onmessage: ((event: { data: string }) => void) | null = null;
      constructor() {
        if (!done && ++sockets >= CAP) finish();
        const over = done;
        setTimeout(() => {
          if (over) return this.onerror?.(new Error('run over'));
          this.readyState = 1;
          this.onopen?.();
          setTimeout(() => {
            this.readyState = 3;
            this.onclose?.({ code, reason: '', wasClean: true });
          });
        });
      }
      send(): void {}
      close(): void {}
    }
    createClient({ url: 'ws://in-memory', lazy: false, webSocketImpl: ClosingSocket, retryWait: async () => {}, onNonLazyError: finish });
  });
}

/** Sockets closekit makes under the graphqlWs preset when every connection closes with `code` at once. */
function closekitSockets(code: number): number {
  const policy = createPolicy({ preset: graphqlWs, random: () => 0 });
  let sockets = 1;
  while (sockets < CAP && policy.decide(classify({ code, reason: '', wasClean: true }, { opened: true }), { attempt: sockets - 1 }).action !== 'stop') sockets++;
  return sockets;
}

const codes = [...Array.from({ length: 5000 }, (_, code) => code), 5000, 65535];

describe('graphqlWs against graphql-ws createClient, every close code', () => {
  it('gives up after the same number of sockets for every code 0–4999, 5000 and 65535, but 1000', async () => {
    const differences: string[] = [];
    const counts = new Map<number, number>();
    for (let i = 0; i < codes.length; i += 250) {
      const batch = codes.slice(i, i + 250);
      const oracle = await Promise.all(batch.map(graphqlWsSockets));
      batch.forEach((code, j) => {
        const theirs = oracle[j] as number;
        counts.set(theirs, (counts.get(theirs) ?? 0) + 1);
        if (code !== 1000 && theirs !== closekitSockets(code)) differences.push(`${code}: graphql-ws ${theirs}, closekit ${closekitSockets(code)}`);
      });
    }
    expect(differences).toEqual([]);
    // graphql-ws's verdicts: 1 socket (fatal), 6 (five retries), and CAP for 1000 alone (reconnects without end).
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([1, 6, CAP]);
    expect(counts.get(CAP)).toBe(1);
  }, 120_000);

  it('1000: graphql-ws reconnects without end while it holds a lock, closekit stops at once (deliberate)', async () => {
    expect(await graphqlWsSockets(1000)).toBe(CAP);
    expect(closekitSockets(1000)).toBe(1);
  });
});
