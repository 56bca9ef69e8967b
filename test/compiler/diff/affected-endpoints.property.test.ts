// What-if judges only pairs with an affected endpoint at one end; that is
// only sound if no other pair can change. Checked against the full matrix of
// the reference evaluator, over generated clusters and generated changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { affectedEndpoints } from '../../../compiler/diff/affected-endpoints';
import { reachabilityChanges } from '../../../compiler/diff/reachability-changes';
import type { LoggedEvent } from '../../../compiler/events/event';
import { foldAll } from '../../../compiler/fold/fold';
import type { ClusterState } from '../../../compiler/fold/state';
import { evaluate, reachabilityMatrix } from '../../../compiler/policy/reference';
import { clusterDocs } from '../arbitraries/cluster';
import { historyEvents } from '../checkpoint/history';

/**
 * A cluster, then a change of one to three resources drawn from another
 * generated cluster with the same names (so policies, profiles, namespaces and
 * endpoints are edited, created, or removed): [events, where the change starts].
 */
const changeArb = fc
  .tuple(clusterDocs, clusterDocs, fc.array(fc.record({ index: fc.nat(40), remove: fc.boolean() }), { minLength: 1, maxLength: 3 }))
  .map(([a, b, picks]) => {
    // The base cluster's profiles allow everything, so most pairs start allowed and a change has something to break.
    const base = (a as Array<{ kind: string; spec?: object }>).map((d) => (d.kind === 'Profile' ? { ...d, spec: { ...d.spec, ingress: [{ action: 'Allow' }], egress: [{ action: 'Allow' }] } } : d));
    const events = historyEvents([base, b as object[]], picks.map((p) => ({ op: p.remove ? 'remove' : 'put', list: p.remove ? 0 : 1, index: p.index })));
    return { events, cut: a.length };
  });

const PROBES = [{ protocol: 6, port: 80 }, { protocol: 6, port: 1500 }, { protocol: 17, port: 53 }, { protocol: 1 }, { protocol: 58 }];

const statesAround = (events: readonly LoggedEvent[], cut: number): [ClusterState, ClusterState] => {
  const a = foldAll(events.slice(0, cut));
  assert.ok(E.isRight(a));
  // The change is folded onto the state before it, as what-if does: untouched models stay the same objects.
  const b = foldAll(events.slice(cut), a.right);
  assert.ok(E.isRight(b));
  return [a.right, b.right];
};

test('every pair whose reachability changes has an affected endpoint at one end', () => {
  fc.assert(
    fc.property(changeArb, ({ events, cut }) => {
      const [before, after] = statesAround(events, cut);
      const affected = affectedEndpoints(before, after);
      for (const p of PROBES) {
        const m0 = reachabilityMatrix(before, p.protocol, p.port);
        const m1 = reachabilityMatrix(after, p.protocol, p.port);
        for (const a of Object.keys(m0))
          for (const b of Object.keys(m0[a]!))
            if (m1[a]?.[b] !== undefined && m0[a]![b] !== m1[a]![b])
              assert.ok(affected.has(a) || affected.has(b), `${a} → ${b} on ${JSON.stringify(p)} changed but neither is affected`);
      }
    }),
    { numRuns: 300 },
  );
});

test('judging only affected pairs finds the same changes as judging them all', () => {
  fc.assert(
    fc.property(changeArb, ({ events, cut }) => {
      const [before, after] = statesAround(events, cut);
      const verdict = (s: ClusterState) => (p: Parameters<typeof evaluate>[1]) => evaluate(s, p).allowed;
      assert.deepEqual(reachabilityChanges(before, after, PROBES, verdict, affectedEndpoints(before, after)), reachabilityChanges(before, after, PROBES, verdict));
    }),
    { numRuns: 100 },
  );
});
