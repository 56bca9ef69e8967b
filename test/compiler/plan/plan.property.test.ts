// The plan's laws over generated clusters (test/compiler/arbitraries), one
// per test: a plan folded onto the state it was made for leaves exactly the
// desired ruleset, routes and sysctls; a state planned against itself needs
// nothing. Pairs come both unrelated (large diffs) and as neighbours — the
// same cluster with endpoints or policies gone and labels changed (the
// small diffs an agent sees event by event).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { emittedState, planHost, planKernel } from '../../../compiler/plan/host-plan';
import { isEmptyPlan } from '../../../compiler/plan/types';
import { routeKey } from '../../../compiler/plan/routes-plan';
import { clusterDocs } from '../arbitraries/cluster';
import { afterPlan, assertSameRuleset, kernelOf, snapshotFrom } from './plan-helpers';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);

type Doc = { kind: string; metadata: { name: string; labels?: Record<string, string> } };
const DROPPABLE = new Set(['WorkloadEndpoint', 'NetworkPolicy', 'GlobalNetworkPolicy']);

/** The cluster with some endpoints and policies gone and some endpoints relabelled. */
const neighbour = (docs: object[]): fc.Arbitrary<object[]> =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: docs.length, maxLength: docs.length }),
      fc.array(fc.option(fc.record({ app: fc.constantFrom('web', 'db', 'api'), role: fc.constantFrom('client', 'server') }), { nil: undefined }), { minLength: docs.length, maxLength: docs.length }),
    )
    .map(([drop, relabel]) =>
      (docs as Doc[]).flatMap((d, i) => {
        if (DROPPABLE.has(d.kind) && drop[i]) return [];
        if (d.kind === 'WorkloadEndpoint' && relabel[i] !== undefined) return [{ ...d, metadata: { ...d.metadata, labels: relabel[i] } }];
        return [d];
      }),
    );

const pairs = fc.oneof(
  fc.tuple(clusterDocs, clusterDocs),
  clusterDocs.chain((docs) => fc.tuple(fc.constant(docs), neighbour(docs))),
  clusterDocs.chain((docs) => fc.tuple(neighbour(docs), fc.constant(docs))),
);

/** The kernel as the first cluster leaves it, and the snapshot the second compiles to. */
const actualAndDesired = ([a, d]: [object[], object[]]) => ({ actual: kernelOf(snapshotFrom(a)), desired: snapshotFrom(d) });

test('law: folding the plan onto the actual ruleset gives the desired ruleset, normalised', () => {
  fc.assert(
    fc.property(pairs, (pair) => {
      const { actual, desired } = actualAndDesired(pair);
      assertSameRuleset(afterPlan(actual.nft, planHost(actual, desired)), kernelOf(desired).nft!);
    }),
    { numRuns: RUNS },
  );
});

test('law: a plan between two emitted snapshots (the memory path), folded onto the first as the kernel holds it, gives the second', () => {
  fc.assert(
    fc.property(pairs, ([a, d]) => {
      const before = snapshotFrom(a);
      const after = snapshotFrom(d);
      const plan = planKernel(emittedState(before), emittedState(after));
      assertSameRuleset(afterPlan(kernelOf(before).nft, plan), kernelOf(after).nft!);
    }),
    { numRuns: RUNS },
  );
});

test('law: a plan for a host without the table creates exactly the desired ruleset', () => {
  fc.assert(
    fc.property(clusterDocs, (docs) => {
      const desired = snapshotFrom(docs);
      const plan = planHost({ nft: undefined, routes: [], sysctls: [], bird: undefined }, desired);
      assertSameRuleset(afterPlan(undefined, plan), kernelOf(desired).nft!);
    }),
    { numRuns: RUNS },
  );
});

test('law: planHost(x, x) is empty', () => {
  fc.assert(
    fc.property(clusterDocs, fc.constantFrom('host-1', 'host-2'), (docs, host) => {
      const s = snapshotFrom(docs, host);
      const plan = planHost(kernelOf(s), s);
      assert.ok(isEmptyPlan(plan), JSON.stringify(plan));
    }),
    { numRuns: RUNS },
  );
});

test('law: removing then adding the planned routes gives the desired routes', () => {
  fc.assert(
    fc.property(pairs, (pair) => {
      const { actual, desired } = actualAndDesired(pair);
      const { add, remove } = planHost(actual, desired).routes;
      const table = new Set(actual.routes.map(routeKey));
      for (const r of remove) assert.ok(table.delete(routeKey(r)), `removes a route that is not there: ${routeKey(r)}`);
      for (const r of add) table.add(routeKey(r));
      assert.deepEqual([...table].sort(), desired.routes.map(routeKey).sort());
    }),
    { numRuns: RUNS },
  );
});

test('law: writing the planned sysctls gives every desired key its value, and writes only what differs', () => {
  fc.assert(
    fc.property(pairs, (pair) => {
      const { actual, desired } = actualAndDesired(pair);
      const plan = planHost(actual, desired);
      const values = new Map(actual.sysctls.map((s) => [s.key, s.value]));
      for (const s of plan.sysctls) {
        assert.notEqual(values.get(s.key), s.value, `writes ${s.key} to the value it has`);
        values.set(s.key, s.value);
      }
      for (const s of desired.sysctls) assert.equal(values.get(s.key), s.value, s.key);
    }),
    { numRuns: RUNS },
  );
});

test('law: after the plan, planning again from the result is empty', () => {
  fc.assert(
    fc.property(pairs, (pair) => {
      const { actual, desired } = actualAndDesired(pair);
      const plan = planHost(actual, desired);
      const reached = { nft: afterPlan(actual.nft, plan), routes: desired.routes, sysctls: desired.sysctls, bird: plan.bird ?? actual.bird };
      assert.ok(isEmptyPlan(planKernel(reached, kernelOf(desired))));
    }),
    { numRuns: RUNS },
  );
});
