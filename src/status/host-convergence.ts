// Which hosts have converged: for every host of the cluster (folded at the
// head), its report from the status store compared with what the log says.
// A live report converges when its snapshot hash equals the hash of
// compileHost(state at its applied offset, host) — the agent applied exactly
// what foldnet computes for that point of history — whatever its lag behind
// the head. No report: unknown; a report its writer stopped keeping alive:
// stale. The log is folded once, front to back, stopping at each reported
// offset on the way. Printing the rows is the CLI's job.
import * as E from 'fp-ts/Either';
import { type CompileOptions, DEFAULT_COMPILE_OPTIONS, compileHost, snapshotHash } from '../../compiler/compile/host';
import { type ClusterState, emptyState } from '../../compiler/fold/state';
import { ClusterIndex } from '../../compiler/incremental/cluster-index';
import { nodeSha256Hex } from '../hash/sha256';
import type { EventLog } from '../log/event-log';
import { foldLogRange } from '../log/fold-range';
import type { HostStatus } from './status-store';

export type Convergence = 'converged' | 'diverged' | 'stale' | 'unknown';

export interface HostRow {
  readonly host: string;
  readonly state: Convergence;
  /** Why it diverged, when the hashes alone do not say. */
  readonly reason?: string;
  readonly appliedOffset?: number;
  /** head - appliedOffset. */
  readonly lag?: number;
  readonly reportedHash?: string;
  /** What foldnet computes for the host at appliedOffset (live reports only). */
  readonly expectedHash?: string;
  readonly lastApplyTime?: string;
  readonly lastError?: string | null;
  readonly reportedAt?: string;
}

export interface ClusterConvergence {
  readonly head: number;
  readonly rows: readonly HostRow[];
}

export async function hostConvergence(
  log: EventLog,
  reports: readonly HostStatus[],
  options: CompileOptions = DEFAULT_COMPILE_OPTIONS,
): Promise<ClusterConvergence> {
  const head = await log.head();
  const byHost = new Map(reports.map((r) => [r.host, r]));
  const wanted = [...new Set(reports.filter((r) => r.live && r.appliedOffset <= head).map((r) => r.appliedOffset))].sort((a, b) => a - b);
  // Fold once from zero, keeping the state at every offset some host reported.
  const states = new Map<number, ClusterState>();
  let state = emptyState();
  for (const stop of [...wanted, head]) {
    if (stop > state.offset) state = (await foldLogRange(log, state, stop)).state;
    states.set(state.offset, state);
  }
  const hosts = [...state.hosts.keys()].sort();
  // Hosts are compiled offset by offset, so that the hosts that applied one offset share one cluster index (building
  // it is most of a compile at scale) and only one index is alive at a time (each is the size of the cluster).
  let index: ClusterIndex | undefined;
  const indexAt = (at: ClusterState): ClusterIndex => (index?.state === at ? index : (index = new ClusterIndex(at)));
  const row = (host: string): HostRow => {
    const r = byHost.get(host);
    if (r === undefined) return { host, state: 'unknown' };
    const base = {
      host,
      appliedOffset: r.appliedOffset,
      lag: head - r.appliedOffset,
      reportedHash: r.snapshotHash,
      lastApplyTime: r.lastApplyTime,
      lastError: r.lastError,
      reportedAt: r.reportedAt,
    };
    if (!r.live) return { ...base, state: 'stale' };
    const at = states.get(r.appliedOffset);
    if (at === undefined) return { ...base, state: 'diverged', reason: `reported offset ${r.appliedOffset} is past the head ${head}` };
    const snap = compileHost(at, host, options, indexAt(at));
    if (E.isLeft(snap)) return { ...base, state: 'diverged', reason: `the host does not exist at offset ${r.appliedOffset}` };
    const expectedHash = snapshotHash(snap.right, nodeSha256Hex);
    return { ...base, expectedHash, state: expectedHash === r.snapshotHash ? 'converged' : 'diverged' };
  };
  const offsetOf = (host: string): number => byHost.get(host)?.appliedOffset ?? -1;
  const rowOf = new Map([...hosts].sort((a, b) => offsetOf(a) - offsetOf(b)).map((host) => [host, row(host)]));
  return { head, rows: hosts.map((host) => rowOf.get(host)!) };
}
