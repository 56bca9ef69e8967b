// compileHost with a cluster index the caller keeps: the bytes are those of a
// compile with its own throw-away index, for every host in any order (the
// kept index carries memberships and names from one host to the next), and
// an index at another state is not used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { compileHost, CompileError, snapshotBytes } from '../../../compiler/compile/host';
import { HostSnapshot } from '../../../compiler/compile/snapshot';
import { emptyState } from '../../../compiler/fold/state';
import { ClusterIndex } from '../../../compiler/incremental/cluster-index';
import { clusterDocs, HOSTS } from '../arbitraries/cluster';
import { stateFrom } from '../policy/build-state';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);
const NAMES = [...HOSTS.map((h) => h.name), 'host-absent'];

const bytes = (s: E.Either<CompileError, HostSnapshot>): string => (E.isRight(s) ? snapshotBytes(s.right) : JSON.stringify(s.left));

test('compiling hosts one after another with one kept index gives the bytes of compiling each with its own, and an index at another state is ignored', () => {
  fc.assert(
    fc.property(clusterDocs, fc.shuffledSubarray(NAMES, { minLength: 1 }), (docs, hosts) => {
      const state = stateFrom(docs);
      const kept = new ClusterIndex(state);
      const stale = new ClusterIndex(emptyState());
      for (const h of hosts) {
        const own = bytes(compileHost(state, h));
        assert.equal(bytes(compileHost(state, h, undefined, kept)), own, `${h} with the kept index`);
        assert.equal(bytes(compileHost(state, h, undefined, stale)), own, `${h} with an index at another state`);
      }
    }),
    { numRuns: RUNS },
  );
});
