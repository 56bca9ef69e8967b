// fast-check arbitraries for event histories: a generated cluster put
// document by document, then random edits — endpoints and policies replaced
// by another cluster's version of the same name (new labels, host, ports,
// selectors, rules), removed and put back, endpoints relabelled, namespaces
// relabelled, tiers reordered, profiles edited, IP pools put and removed and
// endpoints given addresses by IPAM, anycast services, host endpoints and the
// failsafe configuration put and removed. Events the fold rejects stay in the
// history (they must change nothing).
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { LoggedEvent } from '../../../compiler/events/event';
import { decodeResource } from '../../../compiler/resources/decode';
import { clusterDocs, HOSTS, NAMESPACES } from '../arbitraries/cluster';
import { felixDocArb, hostEndpointDocArb, serviceDocArb } from '../arbitraries/services';
import { TEST_TIME } from '../policy/build-state';

type Doc = Record<string, any>;

export type Op =
  | { readonly op: 'put-other'; readonly j: number }
  | { readonly op: 'put-first'; readonly j: number }
  | { readonly op: 'remove'; readonly other: boolean; readonly j: number }
  | { readonly op: 'relabel'; readonly j: number; readonly labels: Record<string, string> }
  | { readonly op: 'namespace'; readonly ns: string; readonly env: string | undefined }
  | { readonly op: 'tier'; readonly name: string; readonly order: number | undefined }
  | { readonly op: 'pool'; readonly v6: boolean; readonly remove: boolean }
  | { readonly op: 'ipam-endpoint'; readonly j: number; readonly host: string; readonly labels: Record<string, string>; readonly remove: boolean }
  /** An anycast service, host endpoint or failsafe configuration put or removed. */
  | { readonly op: 'service-or-host'; readonly doc: Doc; readonly remove: boolean };

const labels = fc.record(
  { app: fc.constantFrom('web', 'db', 'api'), tier: fc.constantFrom('fe', 'be'), group: fc.constantFrom('g1', 'g2') },
  { requiredKeys: [] },
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.nat(40).map((j) => ({ op: 'put-other' as const, j })) },
  { weight: 2, arbitrary: fc.nat(40).map((j) => ({ op: 'put-first' as const, j })) },
  { weight: 2, arbitrary: fc.record({ other: fc.boolean(), j: fc.nat(40) }).map((r) => ({ op: 'remove' as const, ...r })) },
  { weight: 4, arbitrary: fc.record({ j: fc.nat(40), labels }).map((r) => ({ op: 'relabel' as const, ...r })) },
  { weight: 1, arbitrary: fc.record({ ns: fc.constantFrom(...NAMESPACES), env: fc.option(fc.constantFrom('prod', 'dev'), { nil: undefined }) }).map((r) => ({ op: 'namespace' as const, ...r })) },
  { weight: 1, arbitrary: fc.record({ name: fc.constantFrom('security', 'platform'), order: fc.option(fc.constantFrom(1, 20, 50), { nil: undefined }) }).map((r) => ({ op: 'tier' as const, ...r })) },
  { weight: 1, arbitrary: fc.record({ v6: fc.boolean(), remove: fc.boolean() }).map((r) => ({ op: 'pool' as const, ...r })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ j: fc.nat(3), host: fc.constantFrom(...HOSTS.map((h) => h.name)), labels, remove: fc.boolean() })
      .map((r) => ({ op: 'ipam-endpoint' as const, ...r })),
  },
  {
    weight: 5,
    arbitrary: fc
      .record({ doc: fc.oneof(serviceDocArb(0), serviceDocArb(1), hostEndpointDocArb(0), hostEndpointDocArb(1), felixDocArb), remove: fc.constantFrom(false, false, true) })
      .map((r) => ({ op: 'service-or-host' as const, doc: r.doc as Doc, remove: r.remove })),
  },
);

/** IPAM: small pools with small blocks, so blocks are claimed, shared and released. */
const poolDoc = (v6: boolean): Doc => ({
  apiVersion: 'foldnet.io/v1', kind: 'IPPool', metadata: { name: v6 ? 'pool-v6' : 'pool-v4' },
  spec: v6 ? { cidr: 'fd20::/120', blockSize: 126 } : { cidr: '10.20.0.0/28', blockSize: 30 },
});
const ipamEndpointDoc = (j: number, host: string, l: Record<string, string>): Doc => ({
  apiVersion: 'foldnet.io/v1', kind: 'WorkloadEndpoint', metadata: { namespace: 'ns-a', name: `ipam${j}`, labels: l },
  spec: { host, interfaceName: `calipam${j}`, profiles: ['p1'] },
});

const pick = <T>(xs: readonly T[], j: number): T => xs[j % xs.length]!;
const endpoints = (docs: readonly Doc[]): Doc[] => docs.filter((d) => d.kind === 'WorkloadEndpoint');

/** The documents (put) or resources (remove) of a history, in order. */
export type Step = { readonly type: 'put'; readonly doc: Doc } | { readonly type: 'remove'; readonly doc: Doc };

export const stepsOf = (first: readonly Doc[], other: readonly Doc[], ops: readonly Op[], pools = false): Step[] => {
  const steps: Step[] = [...first, ...(pools ? [poolDoc(false), poolDoc(true)] : [])].map((doc) => ({ type: 'put', doc }));
  for (const o of ops) {
    switch (o.op) {
      case 'put-other':
        steps.push({ type: 'put', doc: pick(other, o.j) });
        break;
      case 'put-first':
        steps.push({ type: 'put', doc: pick(first, o.j) });
        break;
      case 'remove':
        steps.push({ type: 'remove', doc: pick(o.other ? other : first, o.j) });
        break;
      case 'relabel': {
        const ep = pick(endpoints(first), o.j);
        steps.push({ type: 'put', doc: { ...ep, metadata: { ...ep.metadata, labels: o.labels } } });
        break;
      }
      case 'namespace':
        steps.push({ type: 'put', doc: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: o.ns, labels: o.env === undefined ? {} : { env: o.env } } } });
        break;
      case 'tier':
        steps.push({ type: 'put', doc: { apiVersion: 'foldnet.io/v1', kind: 'Tier', metadata: { name: o.name }, spec: o.order === undefined ? {} : { order: o.order } } });
        break;
      case 'pool':
        steps.push({ type: o.remove ? 'remove' : 'put', doc: poolDoc(o.v6) });
        break;
      case 'ipam-endpoint':
        steps.push({ type: o.remove ? 'remove' : 'put', doc: ipamEndpointDoc(o.j, o.host, o.labels) });
        break;
      case 'service-or-host':
        steps.push({ type: o.remove ? 'remove' : 'put', doc: o.doc });
        break;
    }
  }
  return steps;
};

export const eventsOf = (steps: readonly Step[]): LoggedEvent[] =>
  steps.map((s, offset) => {
    const d = decodeResource(s.doc);
    if (E.isLeft(d)) throw new Error(`does not decode: ${d.left.join('; ')}`);
    const envelope = { offset, id: `h-${offset}`, time: TEST_TIME, actor: 'test', schemaVersion: 1 as const, kind: d.right.kind, key: d.right.key };
    return s.type === 'put' ? { ...envelope, type: 'put' as const, resource: d.right.resource as Record<string, unknown> } : { ...envelope, type: 'remove' as const };
  });

/** A history and the offset at which incremental compilation starts (compiled in full there). */
export const historyArb = fc
  .record({ first: clusterDocs, other: clusterDocs, ops: fc.array(opArb, { maxLength: 30 }), startAt: fc.nat(1000), pools: fc.boolean() })
  .map(({ first, other, ops, startAt, pools }) => {
    const events = eventsOf(stepsOf(first as Doc[], other as Doc[], ops, pools));
    return { events, startAt: startAt % (events.length + 1) };
  });
