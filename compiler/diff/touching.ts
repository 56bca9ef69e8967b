// Whether one fold step changed what applies to an endpoint — the question
// behind `foldnet log --touching ns/name`. It did when it
//   - is about the endpoint itself (its own spec; even when rejected, since a
//     refused change is part of the endpoint's story);
//   - put or removed a policy that selects the endpoint, in either direction,
//     before the step (judged in the state before) or after it (in the state
//     after) — so gaining, losing or editing a policy all count;
//   - put or removed one of the profiles the endpoint has (before or after),
//     or its namespace (labels that namespaceSelectors read);
//   - changed a tier holding a policy that selects it (the tier's order decides
//     when that policy runs);
//   - put or removed an anycast service whose selector picks the endpoint as a
//     backend (before or after): traffic to the service is then DNATed to it.
// Host endpoints and the Felix configuration police hosts' own traffic, not
// workloads', and never count.
// Before the endpoint exists (or after it is gone) a step is judged against
// `fallback`, the endpoint as the caller last knows it (the end of the range
// it reads), so the policies and profiles it was created into count too.
// Events that only change who may reach the endpoint through other endpoints'
// policies are not "what applies to it" and are left out. Reading the log and
// folding it is the shell's job; this looks at one step.
import type { LoggedEvent } from '../events/event';
import type { Change } from '../fold/changes';
import type { ClusterState } from '../fold/state';
import type { EndpointModel, PolicyModel, ServiceModel } from '../model/types';
import { effectiveLabels } from '../policy/effective-labels';
import { selectorTextMatches } from '../policy/selector-text';
import { policyApplies } from '../policy/tiers';

const ENDPOINT_KINDS = new Set(['WorkloadEndpoint', 'Pod']);

const selects = (state: ClusterState, policy: PolicyModel | undefined, ep: EndpointModel): boolean =>
  policy !== undefined && (policyApplies(state, policy, ep, 'ingress') || policyApplies(state, policy, ep, 'egress'));

const serviceSelects = (state: ClusterState, svc: ServiceModel | undefined, ep: EndpointModel): boolean =>
  svc !== undefined && svc.namespace === ep.namespace && selectorTextMatches(svc.selector, effectiveLabels(state, ep));

const tierSelects = (state: ClusterState, tier: string, ep: EndpointModel): boolean =>
  [...state.policies.values()].some((p) => p.tier === tier && selects(state, p, ep));

/** Did the step `before` → `after` (folding `event`, which made `changes`) change what applies to endpoint `key`? */
export const touchesEndpoint = (
  before: ClusterState,
  after: ClusterState,
  event: LoggedEvent,
  changes: readonly Change[],
  key: string,
  fallback?: EndpointModel,
): boolean => {
  if (ENDPOINT_KINDS.has(event.kind) && event.key === key) return true;
  const epBefore = before.endpoints.get(key) ?? fallback;
  const epAfter = after.endpoints.get(key) ?? fallback;
  if (epBefore === undefined || epAfter === undefined) return false;
  return changes.some((c) => {
    switch (c.entity) {
      case 'endpoint':
        return c.key === key;
      case 'policy':
        return selects(before, c.before as PolicyModel | undefined, epBefore) || selects(after, c.after as PolicyModel | undefined, epAfter);
      case 'profile':
        return epBefore.profiles.includes(c.key) || epAfter.profiles.includes(c.key);
      case 'namespace':
        return c.key === epAfter.namespace;
      case 'tier':
        return tierSelects(before, c.key, epBefore) || tierSelects(after, c.key, epAfter);
      case 'service':
        return serviceSelects(before, c.before as ServiceModel | undefined, epBefore) || serviceSelects(after, c.after as ServiceModel | undefined, epAfter);
      case 'hostEndpoint':
      case 'felixConfig':
        return false;
      default:
        return false;
    }
  });
};
