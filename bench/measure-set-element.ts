// One set element added through foldnet's applier (plan + nft transaction),
// into a set already holding N elements, for several N: the issue wants the
// cost flat from 10k to 500k. Run as root inside a fresh network namespace
// (main.ts makes it). The ruleset is made up here, not compiled — one base
// chain whose rule looks an address up in one ipv4_addr set, as foldnet's
// policy rules do — so that sizes the compiler would need a huge cluster for
// cost nothing to build. Two paths: from the delta the incremental compiler
// hands the agent (what the agent does), and from memory (the applier
// indexing the new snapshot, when no delta is given).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostSnapshot } from '../compiler/compile/snapshot';
import { elementKey, SnapshotDelta } from '../compiler/incremental/snapshot-delta';
import { planSize } from '../compiler/plan/host-plan';
import { SpawnHelper } from '../src/applier/spawn-helper';
import { Applier, SyncResult } from '../src/applier/applier';
import { median, quantile, round, timedAsync } from './stats';

export interface ElementAddFigure {
  readonly samples: number;
  /** Objects the plan touches (one element), median. */
  readonly planSize: number;
  readonly planMsP50: number;
  readonly applyMsP50: number;
  readonly totalMsP50: number;
  readonly totalMsP99: number;
}

export interface SetSizeFigure {
  readonly setElements: number;
  /** Loading the set whole (foldnet's first apply), ms. */
  readonly loadMs: number;
  readonly fromDelta: ElementAddFigure;
  readonly fromMemory: ElementAddFigure;
}

export interface SetElementFigures {
  readonly sizes: readonly SetSizeFigure[];
  /** Largest over smallest, p50 of plan + apply: the issue wants ≤ 1.2. */
  readonly ratio: { readonly fromDelta: number; readonly fromMemory: number };
}

const TABLE = { family: 'inet', table: 'foldnet' } as const;
const SET = 'big';

/** The i-th address of 10.0.0.0/8 (sorted by i, as the compiler sorts elements). */
const address = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

const snapshotWith = (elem: readonly string[], offset: number): HostSnapshot => ({
  host: 'bench',
  offset,
  routes: [],
  sysctls: [],
  bird: 'router id 192.0.2.1;\nprotocol device {}\n', // the smallest config bird -p accepts
  nftables: {
    nftables: [
      { table: { family: 'inet', name: 'foldnet' } },
      { chain: { ...TABLE, name: 'forward', type: 'filter', hook: 'forward', prio: 0, policy: 'accept' } },
      { set: { ...TABLE, name: SET, type: 'ipv4_addr', elem } },
      { rule: { ...TABLE, chain: 'forward', expr: [{ match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: `@${SET}` } }, { accept: null }] } },
    ],
  },
});

const oneElementAdded = (e: string): SnapshotDelta => ({
  chains: { added: new Set(), removed: new Set(), rewritten: new Set() },
  sets: { added: new Set(), removed: new Set(), elements: new Map([[SET, { add: new Map([[elementKey(e), e]]), del: new Map() }]]) },
  maps: new Map(),
  routes: new Map(),
  sysctls: new Map(),
  bird: false,
});

const figure = (rows: ReadonlyArray<{ r: SyncResult; ms: number }>): ElementAddFigure => ({
  samples: rows.length,
  planSize: median(rows.map(({ r }) => planSize(r.plan))),
  planMsP50: round(median(rows.map(({ r, ms }) => ms - r.result.durationMs)), 2),
  applyMsP50: round(median(rows.map(({ r }) => r.result.durationMs)), 2),
  totalMsP50: round(median(rows.map(({ ms }) => ms)), 2),
  totalMsP99: round(quantile(rows.map(({ ms }) => ms), 0.99), 2),
});

async function measureOne(n: number, samples: number, dir: string): Promise<SetSizeFigure> {
  // As the agent runs it: commands go through the spawn helper (src/applier/spawn-helper.ts).
  const spawner = new SpawnHelper();
  try {
    return await measureWith(n, samples, dir, new Applier({ birdConfigPath: join(dir, 'bird.conf'), tmpDir: dir, run: spawner.run }));
  } finally {
    spawner.close();
  }
}

async function measureWith(n: number, samples: number, dir: string, applier: Applier): Promise<SetSizeFigure> {
  let elem = Array.from({ length: n }, (_, i) => address(i));
  let snap = snapshotWith(elem, 0);
  const load = await timedAsync(() => applier.sync(snap));
  if (!load.value.result.ok) throw new Error(`loading a set of ${n} failed: ${JSON.stringify(load.value.result.failed)}`);
  let next = n;
  const step = async (withDelta: boolean) => {
    const e = address(next++);
    elem = [...elem, e]; // built outside the timed sync: the compiler hands the applier a finished snapshot
    const base = snap;
    snap = snapshotWith(elem, base.offset + 1);
    const t = await timedAsync(() => applier.sync(snap, withDelta ? { base, delta: oneElementAdded(e) } : undefined));
    if (!t.value.result.ok) throw new Error(`adding one element to ${n} failed: ${JSON.stringify(t.value.result.failed)}`);
    if (t.value.readKernel) throw new Error('the applier read the kernel to add one element');
    return { r: t.value, ms: t.ms };
  };
  const fromDelta: Array<{ r: SyncResult; ms: number }> = [];
  for (let k = 0; k < samples; k++) fromDelta.push(await step(true));
  const fromMemory: Array<{ r: SyncResult; ms: number }> = [];
  for (let k = 0; k < samples; k++) fromMemory.push(await step(false));
  execFileSync('nft', ['delete', 'table', 'inet', 'foldnet']);
  return { setElements: n, loadMs: round(load.ms), fromDelta: figure(fromDelta), fromMemory: figure(fromMemory) };
}

export async function measureSetElement(sizes: readonly number[], samples: number): Promise<SetElementFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'foldnet-bench-set-'));
  try {
    const out: SetSizeFigure[] = [];
    for (const n of sizes) out.push(await measureOne(n, samples, dir));
    const small = out[0]!;
    const large = out[out.length - 1]!;
    return {
      sizes: out,
      ratio: {
        fromDelta: round(large.fromDelta.totalMsP50 / small.fromDelta.totalMsP50, 2),
        fromMemory: round(large.fromMemory.totalMsP50 / small.fromMemory.totalMsP50, 2),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
