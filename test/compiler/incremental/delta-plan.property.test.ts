// The delta's law: planning from the incremental compiler's delta (summed
// over any run of events, as an agent applying after a burst sees it) gives
// exactly the plan compiler/plan computes by diffing the two snapshots as
// emitted — same commands, same order — for every host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { HostSnapshot } from '../../../compiler/compile/snapshot';
import { fold } from '../../../compiler/fold/fold';
import { ClusterState, emptyState } from '../../../compiler/fold/state';
import { planFromDelta } from '../../../compiler/incremental/delta-plan';
import { IncrementalCompiler } from '../../../compiler/incremental/incremental-compiler';
import { DeltaAccumulator } from '../../../compiler/incremental/snapshot-delta';
import { emittedState, indexKernel, planIndexed } from '../../../compiler/plan/host-plan';
import { HOSTS } from '../arbitraries/cluster';
import { historyArb } from './histories';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);
const HOST_NAMES = HOSTS.map((h) => h.name);

test('a plan made from the summed delta equals the plan made by diffing the committed and the new snapshot', () => {
  fc.assert(
    fc.property(historyArb, fc.array(fc.boolean(), { minLength: 1, maxLength: 50 }), ({ events, startAt }, commits) => {
      let state: ClusterState = emptyState();
      for (const e of events.slice(0, startAt)) {
        const r = fold(state, e);
        if (E.isLeft(r)) throw new Error('out of order');
        state = r.right.state;
      }
      const inc = new IncrementalCompiler(state, HOST_NAMES);
      const committed = new Map<string, HostSnapshot | undefined>(HOST_NAMES.map((h) => [h, E.toUnion(inc.snapshot(h)) as HostSnapshot | undefined]));
      const pending = new Map(HOST_NAMES.map((h) => [h, new DeltaAccumulator()]));
      events.slice(startAt).forEach((e, i) => {
        const r = fold(state, e);
        if (E.isLeft(r)) throw new Error('out of order');
        const updates = inc.update(state, r.right.state, r.right.changes);
        state = r.right.state;
        for (const h of HOST_NAMES) {
          const u = updates.get(h)!;
          pending.get(h)!.add(u.delta);
          const was = committed.get(h);
          if (!commits[i % commits.length] || E.isLeft(u.snapshot)) continue;
          const now = u.snapshot.right;
          // A host that did not exist at the last commit has nothing to plan from (the applier reads the kernel then).
          if (was !== undefined && 'nftables' in was) {
            const want = planIndexed(indexKernel(emittedState(was)), indexKernel(emittedState(now)));
            const got = planFromDelta(was, now, pending.get(h)!.result());
            assert.deepEqual(got, want, `after #${e.offset} on ${h}`);
          }
          committed.set(h, now);
          pending.set(h, new DeltaAccumulator());
        }
      });
    }),
    { numRuns: RUNS },
  );
});
