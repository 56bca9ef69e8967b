// The snapshot hasher's memory changes nothing: after any sequence of edits
// to a document of several runs (objects replaced, inserted, removed, kept),
// a hasher that has seen the earlier snapshots hashes the new one as a fresh
// hasher does, and two different documents hash differently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { HostSnapshot } from '../../../compiler/compile/snapshot';
import { SnapshotHasher, snapshotHash } from '../../../compiler/compile/snapshot-hash';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);

const snapshot = (objects: readonly unknown[]): HostSnapshot =>
  ({ host: 'h', offset: 0, routes: [], bird: '', sysctls: [], nftables: { nftables: objects } });

type Edit = { kind: 'replace' | 'insert' | 'remove'; at: number; value: number } | { kind: 'none' };
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constantFrom('replace' as const, 'insert' as const, 'remove' as const), at: fc.nat(), value: fc.integer() }),
  fc.constant({ kind: 'none' as const }),
);

const apply = (objects: readonly unknown[], e: Edit): unknown[] => {
  const out = [...objects];
  if (e.kind === 'none' || out.length === 0) return out;
  const at = e.at % out.length;
  // New objects, as the compiler makes them: an edited object is never changed in place.
  if (e.kind === 'replace') out[at] = { rule: { n: e.value } };
  else if (e.kind === 'insert') out.splice(at, 0, { chain: { n: e.value } });
  else out.splice(at, 1);
  return out;
};

test('a hasher that remembers earlier snapshots hashes every next one as a fresh hasher does', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 900 }), fc.array(fc.array(edit, { maxLength: 4 }), { minLength: 1, maxLength: 8 }), (size, steps) => {
      let objects: unknown[] = Array.from({ length: size }, (_, i) => ({ set: { i } }));
      const hasher = new SnapshotHasher();
      assert.equal(hasher.hash(snapshot(objects)), snapshotHash(snapshot(objects)));
      for (const edits of steps) {
        const before = objects;
        objects = edits.reduce(apply, objects);
        const got = hasher.hash(snapshot(objects));
        assert.equal(got, snapshotHash(snapshot(objects)));
        if (JSON.stringify(before) !== JSON.stringify(objects)) assert.notEqual(got, snapshotHash(snapshot(before)));
      }
    }),
    { numRuns: RUNS },
  );
});
