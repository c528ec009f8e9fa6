// Where the heap of an idle open socket sits: a V8 heap snapshot before and
// after `sockets` sockets are opened (the same subjects and fake WebSocket as
// bench/heap.ts), and every object that is new in the second one, grouped by
// kind and name, per socket. Object counts are exact; byte sizes are V8's
// shallow sizes; "code" rows are code compiled in between, not socket data. Not part of `npm run bench` (two snapshots per subject take a
// few seconds); run it when working on the heap figure:
//
//   npm run build && node --expose-gc --import tsx bench/heap-breakdown.ts [closekit|reconnecting-websocket|bare] [sockets]
//
// ROWS=n in the environment prints n rows of the by-name table instead of 30.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';
import { heapAfterGc, getGc } from './lib/gc';
import { formatNumber, textTable } from './lib/format';
import { idleOpenCount } from './lib/idle-websocket';
import { heapSubjects, type HeapSubjectId } from './heap';

interface SnapshotNode {
  readonly kind: string;
  readonly name: string;
  readonly selfBytes: number;
}

interface HeapSnapshotJson {
  readonly snapshot: { readonly meta: { readonly node_fields: string[]; readonly node_types: [string[], ...unknown[]] } };
  readonly nodes: number[];
  readonly strings: string[];
}

/** Every node of a heap snapshot file, by its snapshot id. */
function snapshotNodes(file: string): Map<number, SnapshotNode> {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshotJson;
  const fields = snapshot.snapshot.meta.node_fields;
  const kinds = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, idAt, sizeAt] = ['type', 'name', 'id', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number, number];
  const nodes = new Map<number, SnapshotNode>();
  for (let offset = 0; offset < snapshot.nodes.length; offset += fields.length) {
    const at = (index: number): number => snapshot.nodes[offset + index] as number;
    nodes.set(at(idAt), { kind: kinds[at(typeAt)] ?? 'unknown', name: snapshot.strings[at(nameAt)] ?? '', selfBytes: at(sizeAt) });
  }
  return nodes;
}

/** One row: objects of one kind and name that are new per socket. */
export interface BreakdownRow {
  readonly kind: string;
  readonly name: string;
  readonly countPerSocket: number;
  readonly bytesPerSocket: number;
}

/** Opens `sockets` sockets of one subject and returns the new heap objects per socket, largest first. */
export async function heapBreakdown(id: HeapSubjectId, sockets: number): Promise<BreakdownRow[]> {
  const gc = getGc();
  const subject = (await heapSubjects()).find((candidate) => candidate.id === id);
  if (subject === undefined) throw new Error(`heap-breakdown: no subject ${id}`);
  // Warm up, as the heap section does, so compiled code is in the first snapshot already.
  const warm = Array.from({ length: 100 }, () => subject.open());
  await new Promise((resolve) => setTimeout(resolve, 5));
  for (const socket of warm) subject.close(socket as never);
  await new Promise((resolve) => setTimeout(resolve, 5));
  // Both snapshots go to files and are read afterwards: anything the script itself allocated between
  // them would be counted as socket heap.
  const directory = mkdtempSync(join(tmpdir(), 'closekit-heap-'));
  const held = new Array<unknown>(sockets).fill(null);
  const baseline = idleOpenCount();
  let before: Map<number, SnapshotNode>;
  let after: Map<number, SnapshotNode>;
  try {
    await heapAfterGc(gc);
    const beforeFile = writeHeapSnapshot(join(directory, 'before.heapsnapshot'));
    for (let index = 0; index < sockets; index++) held[index] = subject.open();
    for (let turn = 0; turn < 100 && idleOpenCount() < baseline + sockets; turn++) await new Promise((resolve) => setTimeout(resolve, 1));
    await heapAfterGc(gc);
    const afterFile = writeHeapSnapshot(join(directory, 'after.heapsnapshot'));
    for (const socket of held) subject.close(socket as never);
    before = snapshotNodes(beforeFile);
    after = snapshotNodes(afterFile);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const groups = new Map<string, { kind: string; name: string; count: number; bytes: number }>();
  for (const [nodeId, node] of after) {
    if (before.has(nodeId)) continue;
    // Long names (strings' contents) are cut so that they group.
    const name = node.name.length > 40 ? `${node.name.slice(0, 40)}…` : node.name;
    const key = `${node.kind} ${name}`;
    const group = groups.get(key) ?? { kind: node.kind, name, count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += node.selfBytes;
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((group) => ({ kind: group.kind, name: group.name, countPerSocket: group.count / sockets, bytesPerSocket: group.bytes / sockets }))
    .sort((a, b) => b.bytesPerSocket - a.bytesPerSocket);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ids: readonly HeapSubjectId[] = ['closekit', 'reconnecting-websocket', 'bare'];
  const id = (process.argv[2] ?? 'closekit') as HeapSubjectId;
  const sockets = Number(process.argv[3] ?? 500);
  if (!ids.includes(id) || !Number.isInteger(sockets) || sockets < 1) {
    console.error(`usage: node --expose-gc --import tsx bench/heap-breakdown.ts [${ids.join('|')}] [sockets, a positive integer]`);
    process.exit(2);
  }
  const rows = await heapBreakdown(id, sockets);
  const total = rows.reduce((sum, row) => sum + row.bytesPerSocket, 0);
  const byKind = new Map<string, { count: number; bytes: number }>();
  for (const row of rows) {
    const kind = byKind.get(row.kind) ?? { count: 0, bytes: 0 };
    kind.count += row.countPerSocket;
    kind.bytes += row.bytesPerSocket;
    byKind.set(row.kind, kind);
  }
  console.log(`${id}: ${formatNumber(total)} B of new objects per socket (shallow sizes), ${sockets} sockets`);
  console.log('"code" rows are code V8 compiled between the two snapshots, not data each socket holds.\n');
  console.log(
    textTable(
      ['kind', 'objects per socket', 'bytes per socket'],
      [...byKind].sort((a, b) => b[1].bytes - a[1].bytes).map(([kind, value]) => [kind, formatNumber(value.count, 1), formatNumber(value.bytes)]),
    ),
  );
  console.log('');
  console.log(
    textTable(
      ['kind', 'name', 'objects per socket', 'bytes per socket'],
      rows.slice(0, Number(process.env.ROWS ?? 30)).map((row) => [row.kind, row.name || '(no name)', formatNumber(row.countPerSocket, 2), formatNumber(row.bytesPerSocket)]),
    ),
  );
}
