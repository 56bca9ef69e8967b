// The incremental compiler's law: after every event of any history, the
// snapshot it keeps for each host is byte for byte the one a full compile of
// the folded state gives (and an unknown host is unknown to both).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { compileHost, snapshotBytes, snapshotHash } from '../../../compiler/compile/host';
import { SnapshotHasher } from '../../../compiler/compile/snapshot-hash';
import { fold } from '../../../compiler/fold/fold';
import { ClusterState, emptyState } from '../../../compiler/fold/state';
import { IncrementalCompiler } from '../../../compiler/incremental/incremental-compiler';
import { DeltaAccumulator } from '../../../compiler/incremental/snapshot-delta';
import { HOSTS } from '../arbitraries/cluster';
import { historyArb } from './histories';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);
const HOST_NAMES = [...HOSTS.map((h) => h.name), 'host-absent'];

const foldOne = (state: ClusterState, e: Parameters<typeof fold>[1]) => {
  const r = fold(state, e);
  if (E.isLeft(r)) throw new Error('out of order');
  return r.right;
};

/**
 * One hasher per host, as each agent keeps one; the delta it is given (when
 * it is) is that host's summed since its last hash, as an agent's is (updates
 * while the host was unknown included).
 */
type Hashers = Map<string, SnapshotHasher>;
type Pending = Map<string, DeltaAccumulator>;

const sameAsFull = (inc: IncrementalCompiler, state: ClusterState, where: string, hashers: Hashers, pending: Pending, withDelta: boolean): void => {
  for (const options of [{ endpointToHostAction: 'Drop' as const }]) {
    for (const h of HOST_NAMES) {
      const full = compileHost(state, h, options);
      const mine = inc.snapshot(h);
      assert.equal(E.isRight(mine), E.isRight(full), `${where}: ${h} known to one compiler only`);
      if (E.isRight(mine) && E.isRight(full)) {
        assert.equal(mine.right.offset, full.right.offset, where);
        assert.equal(snapshotBytes(mine.right), snapshotBytes(full.right), `${where}: ${h} differs`);
        // A hasher that remembers objects across updates and is told what moved (as the agent's is) hashes as a fresh one would.
        const hasher = hashers.get(h) ?? new SnapshotHasher();
        hashers.set(h, hasher);
        const delta = withDelta ? pending.get(h)?.result() : undefined;
        pending.set(h, new DeltaAccumulator());
        assert.equal(hasher.hash(mine.right, delta), snapshotHash(full.right), `${where}: ${h} hash differs`);
      }
    }
  }
};

test('after every event, the incrementally kept snapshot of every host equals a full compile, byte for byte, and hashes alike', () => {
  fc.assert(
    fc.property(historyArb, ({ events, startAt }) => {
      let state = emptyState();
      for (const e of events.slice(0, startAt)) state = foldOne(state, e).state;
      const inc = new IncrementalCompiler(state, HOST_NAMES);
      const hashers: Hashers = new Map();
      const pending: Pending = new Map();
      sameAsFull(inc, state, `start at ${startAt}`, hashers, pending, false);
      for (const e of events.slice(startAt)) {
        const r = foldOne(state, e);
        const updates = inc.update(state, r.state, r.changes);
        state = r.state;
        for (const [h, u] of updates) pending.get(h)?.add(u.delta);
        // Every third step is hashed without its delta (as after a failed apply): the sets are then summed whole.
        sameAsFull(inc, state, `after #${e.offset} ${e.type} ${e.kind} ${e.key}${r.rejection ? ' (rejected)' : ''}`, hashers, pending, e.offset % 3 !== 0);
      }
    }),
    { numRuns: RUNS },
  );
});
