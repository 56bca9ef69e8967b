// Which policies apply to an endpoint in a direction, grouped by tier in
// evaluation order: tiers by order (absent = last) then name; policies by
// order (absent = last), then name, then id. Candidates come from the
// cluster index (the endpoint's namespace's policies and the global ones),
// as do the effective labels selectors are matched against.
import { ClusterState } from '../fold/state';
import type { ClusterIndex } from '../incremental/cluster-index';
import { DEFAULT_TIER, EndpointModel, PolicyModel } from '../model/types';
import { byString } from '../model/sort';
import { matches, SelectorSource } from '../selector';

export type Direction = 'ingress' | 'egress';

const byOrder = (a: number | undefined, b: number | undefined): number =>
  a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : a - b;

export const comparePolicies = (a: PolicyModel, b: PolicyModel): number =>
  byOrder(a.order, b.order) || byString(a.name, b.name) || byString(a.id, b.id);

export const policyApplies = (index: ClusterIndex, p: PolicyModel, ep: EndpointModel, dir: Direction): boolean => {
  if (p[dir] === undefined) return false;
  if (p.kind === 'NetworkPolicy' && p.namespace !== ep.namespace) return false;
  if (p.namespaceSelector !== undefined && !matches(index.cache.get(p.namespaceSelector as SelectorSource), index.namespaceLabels(ep.namespace)))
    return false;
  return matches(index.cache.get(p.selector as SelectorSource), index.endpointLabels(ep));
};

export interface TierPolicies {
  readonly tier: string;
  readonly policies: readonly PolicyModel[];
}

export const tierOrder = (state: ClusterState): string[] => {
  const tiers = [...state.tiers.values()];
  if (!state.tiers.has(DEFAULT_TIER)) tiers.push({ name: DEFAULT_TIER });
  return tiers.sort((a, b) => byOrder(a.order, b.order) || byString(a.name, b.name)).map((t) => t.name);
};

/**
 * The `candidates` that `applies` accepts, by tier in evaluation order
 * (`tiers`, from tierOrder), each tier's in policy order. Workload endpoints
 * ask through applicableTiers; host endpoints with their own test
 * (nft-host-endpoints.ts).
 */
export const groupByTier = (tiers: readonly string[], candidates: Iterable<PolicyModel>, applies: (p: PolicyModel) => boolean): TierPolicies[] => {
  const byTier = new Map<string, PolicyModel[]>();
  for (const p of candidates) {
    if (!applies(p)) continue;
    const list = byTier.get(p.tier) ?? [];
    list.push(p);
    byTier.set(p.tier, list);
  }
  return tiers.filter((t) => byTier.has(t)).map((tier) => ({ tier, policies: byTier.get(tier)!.sort(comparePolicies) }));
};

/** `tiers` is tierOrder(state), passed in because every endpoint of a compile asks. */
export const applicableTiers = (index: ClusterIndex, tiers: readonly string[], ep: EndpointModel, dir: Direction): TierPolicies[] =>
  groupByTier(tiers, index.candidatePolicies(ep.namespace, index.endpointLabels(ep)), (p) => policyApplies(index, p, ep, dir));
