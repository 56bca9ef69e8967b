// Memory of an agent-like process: fold the cluster's part of a cached log
// without documents (as an agent does at start, src/agent/fold-log.ts),
// compile one host incrementally, follow the churn that comes next event by
// event and hash each changed snapshot with one long-lived hasher, as the
// agent does after each apply (its remembered digests count); then report
// the process's peak resident set.
import * as E from 'fp-ts/Either';
import type { HostSnapshot } from '../compiler/compile/snapshot';
import { SnapshotHasher } from '../compiler/compile/snapshot-hash';
import { nodeSha256Hex } from '../src/hash/sha256';
import { isEmptyDelta, SnapshotDelta } from '../compiler/incremental/snapshot-delta';
import { fold, type FoldOptions } from '../compiler/fold/fold';
import { emptyState } from '../compiler/fold/state';
import { IncrementalCompiler } from '../compiler/incremental/incremental-compiler';
import { SqliteLog } from '../src/log/sqlite-log';
import { foldLogRange } from '../src/log/fold-range';
import { hostName } from './cluster-gen';
import { round } from './stats';

export interface RssFigures {
  readonly events: number;
  readonly endpoints: number;
  readonly peakRssMb: number;
  readonly heapUsedMb: number;
}

/** The agent folds without the resources' documents (src/agent/fold-log.ts). */
const AGENT: FoldOptions = { documents: 'drop' };

export async function measureAgentRss(path: string, clusterEvents: number, followEvents: number): Promise<RssFigures> {
  const log = new SqliteLog(path, { synchronous: 'normal', pageSize: 1000 });
  try {
    // As the agent starts: the log up to its head folded, then the host compiled and hashed once.
    let state = (await foldLogRange(log, emptyState(), clusterEvents, AGENT)).state;
    const host = hostName(0);
    const inc = new IncrementalCompiler(state, [host]);
    const hasher = new SnapshotHasher(nodeSha256Hex);
    const hash = (s: E.Either<unknown, HostSnapshot>, delta?: SnapshotDelta) => void (E.isRight(s) && hasher.hash(s.right, delta));
    hash(inc.snapshot(host));
    // Then it follows the log event by event.
    for await (const e of log.read(clusterEvents, clusterEvents + followEvents)) {
      const r = fold(state, e, AGENT);
      if (E.isLeft(r)) throw new Error(`out of order at ${e.offset}`);
      const u = inc.update(state, r.right.state, r.right.changes).get(host)!;
      if (!isEmptyDelta(u.delta)) hash(u.snapshot, u.delta);
      state = r.right.state;
    }
    return {
      events: state.offset,
      endpoints: state.endpoints.size,
      peakRssMb: round(process.resourceUsage().maxRSS / 1024),
      heapUsedMb: round(process.memoryUsage().heapUsed / 1e6),
    };
  } finally {
    await log.close();
  }
}
