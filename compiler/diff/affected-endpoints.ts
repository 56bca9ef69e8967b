// Which endpoints a change from `before` to `after` can have affected, so a
// what-if compares reachability only for pairs with one of them at an end
// instead of the whole matrix. The verdict for a pair (a, b) reads: a's
// egress policies and profiles, b's ingress ones, the labels, namespace and
// named ports of a and b (through rule selectors), tier order, hosts'
// addresses. So a pair can change only if
//   - a or b itself changed (spec, labels, address, profiles);
//   - a policy selecting a or b (before or after) changed, or its tier did;
//   - a profile a or b uses changed (rules, or labels it applies);
//   - a's or b's namespace changed (namespaceSelectors read its labels);
//   - a's or b's host changed (its addresses decide host ↔ workload paths).
// Anything else — a policy selecting neither, an endpoint elsewhere — leaves
// the pair's verdict as it was (a tier created or deleted holds no policy at
// that moment, so it changes nothing by itself).
import type { ClusterState } from '../fold/state';
import type { EndpointModel, PolicyModel } from '../model/types';
import { policyApplies } from '../policy/tiers';

type Keyed<V> = { get(k: string): V | undefined; keys(): Iterable<string> };

/** Keys whose values differ between the maps (by identity: the fold keeps untouched models as they were). */
const changedKeys = <V>(a: Keyed<V>, b: Keyed<V>): string[] => {
  const out: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) if (a.get(k) !== b.get(k)) out.push(k);
  return out;
};

const selects = (state: ClusterState, p: PolicyModel, ep: EndpointModel): boolean => policyApplies(state, p, ep, 'ingress') || policyApplies(state, p, ep, 'egress');

/** Keys of the endpoints (in either state) whose pairs may have changed reachability. */
export const affectedEndpoints = (before: ClusterState, after: ClusterState): Set<string> => {
  const changedPolicies = changedKeys(before.policies, after.policies);
  const changedTiers = new Set(changedKeys(before.tiers, after.tiers));
  const changedProfiles = new Set(changedKeys(before.profiles, after.profiles));
  const changedNamespaces = new Set(changedKeys(before.namespaces, after.namespaces));
  const changedHosts = new Set(changedKeys(before.hosts, after.hosts));
  const affected = new Set(changedKeys(before.endpoints, after.endpoints));
  const consider = (state: ClusterState): void => {
    const policies = [
      ...changedPolicies.map((id) => state.policies.get(id)),
      ...[...state.policies.values()].filter((p) => changedTiers.has(p.tier)),
    ].filter((p): p is PolicyModel => p !== undefined);
    for (const ep of state.endpoints.values()) {
      if (affected.has(ep.key)) continue;
      if (
        changedNamespaces.has(ep.namespace) ||
        changedHosts.has(ep.host) ||
        ep.profiles.some((p) => changedProfiles.has(p)) ||
        policies.some((p) => selects(state, p, ep))
      )
        affected.add(ep.key);
    }
  };
  consider(before);
  consider(after);
  return affected;
};
