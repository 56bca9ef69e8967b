// Which policies judge an endpoint in a direction, and in what order: tiers
// by `order` (none = last), then name; inside a tier, policies by `order`
// (none = last), then name, then id. The `default` tier always exists. A
// policy applies when it selects the endpoint (a NetworkPolicy only in its own
// namespace; a GlobalNetworkPolicy also through its namespaceSelector) and its
// types include the direction (rules list present, possibly empty). Only a
// GlobalNetworkPolicy without namespaceSelector can apply to a host endpoint
// (which has no namespace).
import { ClusterState } from '../fold/state';
import { DEFAULT_TIER, EndpointModel, HostEndpointModel, PolicyModel } from '../model/types';
import { effectiveLabels, hostEndpointLabels, namespaceLabels } from './effective-labels';
import { selectorTextMatches } from './selector-text';
import { Direction } from './verdict';

export interface OrderedTier {
  readonly name: string;
  readonly policies: readonly PolicyModel[];
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Lower first; an absent order sorts after every number. */
const byOrder = (a: number | undefined, b: number | undefined): number => {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a - b;
};

export const orderedTiers = (state: ClusterState): OrderedTier[] => {
  const names = new Set<string>([DEFAULT_TIER, ...state.tiers.keys(), ...[...state.policies.values()].map((p) => p.tier)]);
  const tierOrder = (name: string): number | undefined => state.tiers.get(name)?.order;
  return [...names]
    .sort((a, b) => byOrder(tierOrder(a), tierOrder(b)) || byString(a, b))
    .map((name) => ({
      name,
      policies: [...state.policies.values()]
        .filter((p) => p.tier === name)
        .sort((a, b) => byOrder(a.order, b.order) || byString(a.name, b.name) || byString(a.id, b.id)),
    }));
};

export const policyApplies = (state: ClusterState, policy: PolicyModel, ep: EndpointModel, direction: Direction): boolean => {
  if (policy[direction] === undefined) return false;
  if (!selectorTextMatches(policy.selector, effectiveLabels(state, ep))) return false;
  if (policy.kind === 'NetworkPolicy') return ep.namespace === policy.namespace;
  return policy.namespaceSelector === undefined || selectorTextMatches(policy.namespaceSelector, namespaceLabels(state, ep.namespace));
};

export const policyAppliesToHostEndpoint = (state: ClusterState, policy: PolicyModel, hep: HostEndpointModel, direction: Direction): boolean =>
  policy[direction] !== undefined &&
  policy.kind === 'GlobalNetworkPolicy' &&
  policy.namespaceSelector === undefined &&
  selectorTextMatches(policy.selector, hostEndpointLabels(state, hep));
