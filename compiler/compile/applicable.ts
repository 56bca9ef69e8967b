// Which policies apply to an endpoint in a direction, grouped by tier in
// evaluation order: tiers by order (absent = last) then name; policies by
// order (absent = last), then name, then id.
import { ClusterState } from '../fold/state';
import { DEFAULT_TIER, EndpointModel, PolicyModel } from '../model/types';
import { byString } from '../model/sort';
import { matches, SelectorCache, SelectorSource } from '../selector';
import { effectiveLabels, namespaceLabels } from './labels';

export type Direction = 'ingress' | 'egress';

const byOrder = (a: number | undefined, b: number | undefined): number =>
  a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : a - b;

export const comparePolicies = (a: PolicyModel, b: PolicyModel): number =>
  byOrder(a.order, b.order) || byString(a.name, b.name) || byString(a.id, b.id);

export const policyApplies = (state: ClusterState, cache: SelectorCache, p: PolicyModel, ep: EndpointModel, dir: Direction): boolean => {
  if (p[dir] === undefined) return false;
  if (p.kind === 'NetworkPolicy' && p.namespace !== ep.namespace) return false;
  if (p.namespaceSelector !== undefined && !matches(cache.get(p.namespaceSelector as SelectorSource), namespaceLabels(state, ep.namespace)))
    return false;
  return matches(cache.get(p.selector as SelectorSource), effectiveLabels(state, ep));
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

export const applicableTiers = (state: ClusterState, cache: SelectorCache, ep: EndpointModel, dir: Direction): TierPolicies[] => {
  const byTier = new Map<string, PolicyModel[]>();
  for (const p of state.policies.values()) {
    if (!policyApplies(state, cache, p, ep, dir)) continue;
    const list = byTier.get(p.tier) ?? [];
    list.push(p);
    byTier.set(p.tier, list);
  }
  return tierOrder(state)
    .filter((t) => byTier.has(t))
    .map((tier) => ({ tier, policies: byTier.get(tier)!.sort(comparePolicies) }));
};
