// The cluster index's memberships against brute force: whatever the index
// did to find and keep them (buckets by namespace and named port, the list
// first evaluated, joins and leaves through every kind of event), a
// membership's addresses are those of the endpoints a plain filter over the
// folded state admits — effective labels, namespace labels, named port —
// in set order. Both compilers read memberships from the same index, so the
// incremental-vs-full law cannot see a membership that is wrong in both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { fold } from '../../../compiler/fold/fold';
import { ClusterState, emptyState } from '../../../compiler/fold/state';
import { ClusterIndex } from '../../../compiler/incremental/cluster-index';
import { NamedPortKey } from '../../../compiler/incremental/memberships';
import { effectiveLabels, namespaceLabels } from '../../../compiler/compile/labels';
import { Scope } from '../../../compiler/compile/scope';
import { EndpointModel } from '../../../compiler/model/types';
import { compareIp, familyOf, Ip } from '../../../compiler/net/ip';
import { matches, parseSelector, renderSelector, Selector } from '../../../compiler/selector';
import { NAMESPACES } from '../arbitraries/cluster';
import { historyArb } from './histories';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);

const canonical = (text: string): string => {
  const p = parseSelector(text);
  if (E.isLeft(p)) throw new Error(`bad selector in the test: ${text}`);
  return renderSelector(p.right);
};

/** Selectors over the labels the cluster arbitraries write (own, profile-applied, namespace). */
const SELECTORS = [
  'all()', "app == 'web'", "app in {'api', 'db'}", "tier != 'fe'", 'has(tier)', '!has(app)', "group == 'g1'",
  "app == 'web' || group == 'g1'", "has(app) && tier == 'be'", "projectcalico.org/namespace == 'ns-b'",
].map(canonical);
const NS_SELECTORS = ["env == 'prod'", "env != 'prod'", 'all()', "kubernetes.io/metadata.name == 'ns-a'"].map(canonical);
const PORTS: readonly NamedPortKey[] = [
  { name: 'http', proto: 6, port: 80 },
  { name: 'metrics', proto: 6, port: 9100 },
  { name: 'http', proto: 17, port: 8080 },
];

const scopeArb: fc.Arbitrary<Scope> = fc.oneof(
  fc.constantFrom(...SELECTORS).map((selector) => ({ kind: 'any' as const, selector })),
  fc.record({ namespace: fc.constantFrom(...NAMESPACES, 'ns-empty'), selector: fc.constantFrom(...SELECTORS) }).map((r) => ({ kind: 'namespace' as const, ...r })),
  fc.record({ namespaceSelector: fc.constantFrom(...NS_SELECTORS), selector: fc.constantFrom(...SELECTORS) }).map((r) => ({ kind: 'namespaces' as const, ...r })),
);
const wantedArb = fc.array(fc.record({ scope: scopeArb, port: fc.option(fc.constantFrom(...PORTS), { nil: undefined }) }), { minLength: 1, maxLength: 6 });

const selectorOf = (text: string): Selector => {
  const p = parseSelector(text);
  return E.isRight(p) ? p.right : { kind: 'not', operand: { kind: 'all' } };
};

const admitted = (state: ClusterState, ep: EndpointModel, scope: Scope, port: NamedPortKey | undefined): boolean => {
  if (scope.kind === 'namespace' && ep.namespace !== scope.namespace) return false;
  if (scope.kind === 'namespaces' && !matches(selectorOf(scope.namespaceSelector), namespaceLabels(state, ep.namespace))) return false;
  if (port !== undefined && !ep.ports.some((p) => p.name === port.name && p.protocol === port.proto && p.port === port.port)) return false;
  return matches(selectorOf(scope.selector), effectiveLabels(state, ep));
};

const bruteForce = (state: ClusterState, scope: Scope, port: NamedPortKey | undefined, family: 4 | 6): Ip[] => {
  const out: Ip[] = [];
  for (const ep of state.endpoints.values()) if (admitted(state, ep, scope, port)) for (const ip of new Set(ep.ips)) if (familyOf(ip) === family) out.push(ip);
  return out.sort(compareIp);
};

const agrees = (index: ClusterIndex, state: ClusterState, wanted: ReadonlyArray<{ scope: Scope; port: NamedPortKey | undefined }>, where: string): void => {
  for (const { scope, port } of wanted) {
    const m = index.membership(scope, port);
    for (const f of [4, 6] as const)
      assert.deepEqual([...index.elements(m, f)], bruteForce(state, scope, port, f), `${where}: ${m.id} v${f}`);
  }
};

test('every membership the index keeps through any history holds exactly the addresses a brute-force filter of the folded state admits, in set order', () => {
  fc.assert(
    fc.property(historyArb, wantedArb, wantedArb, ({ events, startAt }, early, late) => {
      let state = emptyState();
      for (const e of events.slice(0, startAt)) {
        const r = fold(state, e);
        if (E.isLeft(r)) throw new Error('out of order');
        state = r.right.state;
      }
      const index = new ClusterIndex(state);
      // Some memberships are evaluated before the events (and kept through them), others only at the end.
      index.prepareMemberships(early);
      agrees(index, state, early, `at ${startAt}`);
      for (const e of events.slice(startAt)) {
        const r = fold(state, e);
        if (E.isLeft(r)) throw new Error('out of order');
        index.update(r.right.state, r.right.changes);
        state = r.right.state;
      }
      agrees(index, state, [...early, ...late], 'at the end');
    }),
    { numRuns: RUNS },
  );
});
