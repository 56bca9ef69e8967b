// The benchmark's event stream: the generated cluster put document by
// document, then churn as a cluster lives it — endpoints relabelled (a canary
// promoted or demoted), endpoints deleted and created, policies edited (a
// port allowed). Deterministic from the shape's seed, and every event is one
// the fold accepts. Also the single events the incremental benchmark times.
import type { EventDraft } from '../compiler/events/event';
import { ClusterShape, clusterDocs, Doc, endpointDoc, endpointTraits, EndpointTraits, policiesPerNamespace } from './cluster-gen';
import { namespacedPolicyDoc } from './policy-gen';
import { seededRandom } from './random';

export type BenchStep = { readonly type: 'put'; readonly doc: Doc } | { readonly type: 'remove'; readonly kind: string; readonly key: string };

const KIND: Record<string, string> = {
  'v1/Pod': 'Pod',
  'v1/Namespace': 'Namespace',
  'networking.k8s.io/v1/NetworkPolicy': 'K8sNetworkPolicy',
};

/** The log's kind id and key of a generated document (as decodeResource would give them). */
export const kindAndKey = (doc: Doc): { kind: string; key: string } => {
  const meta = doc.metadata as { name: string; namespace?: string };
  const kind = KIND[`${doc.apiVersion as string}/${doc.kind as string}`] ?? (doc.kind as string);
  return { kind, key: meta.namespace === undefined ? meta.name : `${meta.namespace}/${meta.name}` };
};

const T0 = Date.UTC(2026, 0, 1);

export const draftOf = (step: BenchStep, offset: number): EventDraft => {
  const envelope = { id: `bench-${offset}`, time: new Date(T0 + offset).toISOString(), actor: 'bench', schemaVersion: 1 as const };
  if (step.type === 'remove') return { ...envelope, type: 'remove', kind: step.kind, key: step.key };
  return { ...envelope, type: 'put', ...kindAndKey(step.doc), resource: step.doc };
};

/** A label edit: the endpoint's release flipped between canary and stable. */
export const relabelled = (shape: ClusterShape, t: EndpointTraits, canary: boolean): Doc => endpointDoc(shape, t, { canary });

/** A policy edit: policy `p` of namespace `ns` also allows `port`. */
export const policyEdited = (shape: ClusterShape, ns: number, p: number, port: number): Doc => namespacedPolicyDoc(shape, ns, p, { port });

/** The cluster, then `total` events in all, churn after the cluster's documents. */
export function* benchSteps(shape: ClusterShape, total: number): Generator<BenchStep> {
  let n = 0;
  for (const doc of clusterDocs(shape)) {
    if (n++ >= total) return;
    yield { type: 'put', doc };
  }
  const r = seededRandom(shape.seed ^ 0x5eed);
  const canary = new Map<number, boolean>();
  const removed: number[] = [];
  let nextIndex = shape.endpoints;
  const perNs = policiesPerNamespace(shape);
  const traits = (i: number) => endpointTraits(shape, i);
  while (n < total) {
    const roll = r.next();
    if (roll < 0.5) {
      const i = r.int(shape.endpoints);
      if (removed.includes(i)) continue;
      const t = traits(i);
      const c = !(canary.get(i) ?? t.canary);
      canary.set(i, c);
      yield { type: 'put', doc: relabelled(shape, t, c) };
    } else if (roll < 0.65 && removed.length > 0) {
      const i = removed.splice(r.int(removed.length), 1)[0]!;
      yield { type: 'put', doc: endpointDoc(shape, traits(i), { canary: canary.get(i) }) };
    } else if (roll < 0.8) {
      const i = r.int(shape.endpoints);
      if (removed.includes(i) || removed.length > 1000) continue;
      removed.push(i);
      const { kind, key } = kindAndKey(endpointDoc(shape, traits(i)));
      yield { type: 'remove', kind, key };
    } else if (roll < 0.9) {
      const i = nextIndex++;
      yield { type: 'put', doc: endpointDoc(shape, traits(i)) };
    } else {
      yield { type: 'put', doc: policyEdited(shape, r.int(shape.namespaces), r.int(perNs), 10000 + r.int(1000)) };
    }
    n++;
  }
}
