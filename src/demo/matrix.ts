// Reachability measured with real packets between the demo's workloads — a
// TCP handshake from each workload namespace to every other one, or one ping —
// next to what `foldnet reachability` predicts, rendered side by side. An
// endpoint to itself counts as allowed, as in the prediction.
import { renderTable } from '../cli/format-output';
import { inNetns } from './exec';
import type { DemoWorkload } from './topology';
import type { WorkloadClient } from './workload-client';

export type Matrix = Record<string, Record<string, boolean>>;

const firstIp = (w: DemoWorkload): string => w.ips[0] ?? '';

/** All pairs at once; each connect gives up after `timeoutMs` (a dropped SYN is retried only after 1 s). */
export async function measureTcp(workloads: readonly DemoWorkload[], client: (key: string) => WorkloadClient, port: number, timeoutMs = 1000): Promise<Matrix> {
  const out: Matrix = {};
  await Promise.all(workloads.map(async (a) => {
    const row: Record<string, boolean> = {};
    await Promise.all(workloads.map(async (b) => {
      row[b.key] = (await client(a.key).connect(firstIp(b), port, timeoutMs)).ok;
    }));
    out[a.key] = row;
  }));
  return sortMatrix(out);
}

/** One echo request per pair, waiting at most a second for the reply. */
export async function measurePing(workloads: readonly DemoWorkload[]): Promise<Matrix> {
  const out: Matrix = {};
  await Promise.all(workloads.map(async (a) => {
    const row: Record<string, boolean> = {};
    await Promise.all(workloads.map(async (b) => {
      const r = await inNetns(a.netns, 'ping', ['-n', '-q', '-c', '1', '-W', '1', firstIp(b)], { timeoutMs: 5000 });
      row[b.key] = r.code === 0;
    }));
    out[a.key] = row;
  }));
  return sortMatrix(out);
}

const sortMatrix = (m: Matrix): Matrix => {
  const keys = Object.keys(m).sort();
  return Object.fromEntries(keys.map((k) => [k, Object.fromEntries(Object.keys(m[k]!).sort().map((j) => [j, m[k]![j]!]))]));
};

export interface Comparison {
  readonly agree: number;
  readonly total: number;
  /** `a → b: measured yes, predicted no`, one per disagreement. */
  readonly mismatches: readonly string[];
}

export function compareMatrices(measured: Matrix, predicted: Matrix): Comparison {
  const mismatches: string[] = [];
  let total = 0;
  const keys = [...new Set([...Object.keys(measured), ...Object.keys(predicted)])].sort();
  for (const a of keys)
    for (const b of keys) {
      total += 1;
      const m = measured[a]?.[b];
      const p = predicted[a]?.[b];
      if (m !== p) mismatches.push(`${a} → ${b}: measured ${word(m)}, predicted ${word(p)}`);
    }
  return { agree: total - mismatches.length, total, mismatches };
}

const word = (v: boolean | undefined): string => (v === undefined ? 'nothing' : v ? 'yes' : 'no');
const cell = (v: boolean | undefined): string => (v === undefined ? '?' : v ? 'yes' : '-');

/** The two matrices side by side, with a line saying whether they agree. */
export function renderSideBySide(measured: Matrix, predicted: Matrix): string {
  const keys = Object.keys(predicted).sort();
  const table = (m: Matrix): string[] =>
    renderTable(['FROM \\ TO', ...keys], keys.map((k) => [k, ...keys.map((j) => cell(m[k]?.[j]))])).trimEnd().split('\n');
  const left = ['measured (real packets)', ...table(measured)];
  const right = ['predicted (foldnet reachability)', ...table(predicted)];
  const width = Math.max(...left.map((l) => l.length)) + 4;
  const lines = left.map((l, i) => `${l.padEnd(width)}${right[i] ?? ''}`);
  const c = compareMatrices(measured, predicted);
  lines.push(c.mismatches.length === 0 ? `agree on all ${c.total} pairs` : `DISAGREE on ${c.mismatches.length} of ${c.total} pairs:\n  ${c.mismatches.join('\n  ')}`);
  return `${lines.join('\n')}\n`;
}
