// One endpoint, one direction: the tiers in order, then (if no policy applied,
// or the last applying tier passed) the endpoint's profiles. Allow and Deny
// decide; Log records and goes on; Pass leaves the tier (or, in a profile,
// goes to the next profile). A tier where some policy applied but nothing
// decided drops. Which packet reaches which hop is reference.ts's business.
import { ClusterState } from '../fold/state';
import { EndpointModel, PolicyModel } from '../model/types';
import { Rule } from '../resources/rule';
import { endpointProfiles } from './effective-labels';
import { ruleMatches, SelectorScope } from './rule-match';
import { orderedTiers, policyApplies } from './tiers';
import { Decision, Direction, HopVerdict, Packet } from './verdict';

type RulesOutcome = { readonly action: 'Allow' | 'Deny' | 'Pass'; readonly ruleIndex: number } | undefined;

/** The first deciding rule (Allow, Deny or Pass); matching Log rules append to `logs` on the way. */
const runRules = (
  state: ClusterState,
  rules: readonly Rule[],
  scope: SelectorScope,
  packet: Packet,
  logPrefix: string,
  logs: string[],
): RulesOutcome => {
  for (const [ruleIndex, rule] of rules.entries()) {
    if (!ruleMatches(state, rule, scope, packet)) continue;
    if (rule.action === 'Log') logs.push(`${logPrefix} rule ${ruleIndex}`);
    else return { action: rule.action, ruleIndex };
  }
  return undefined;
};

type TierOutcome = { readonly kind: 'decided'; readonly decision: Decision } | { readonly kind: 'pass' } | { readonly kind: 'undecided' };

const runProfiles = (state: ClusterState, ep: EndpointModel, direction: Direction, packet: Packet, logs: string[]): Decision => {
  const profiles = endpointProfiles(state, ep);
  if (profiles.length === 0) return { kind: 'no-profiles', direction };
  for (const profile of profiles) {
    const policy = `profile:${profile.name}`;
    const outcome = runRules(state, profile[direction], { kind: 'cluster' }, packet, `${direction} ${policy}`, logs);
    if (outcome === undefined || outcome.action === 'Pass') continue;
    return { kind: 'rule', policy, direction, ruleIndex: outcome.ruleIndex, action: outcome.action };
  }
  return { kind: 'profiles-no-match', direction, profiles: profiles.map((p) => p.name) };
};

const runTier = (
  state: ClusterState,
  tier: string,
  policies: readonly PolicyModel[],
  direction: Direction,
  packet: Packet,
  logs: string[],
): TierOutcome => {
  for (const policy of policies) {
    const scope: SelectorScope =
      policy.kind === 'NetworkPolicy' && policy.namespace !== undefined ? { kind: 'namespace', namespace: policy.namespace } : { kind: 'cluster' };
    const outcome = runRules(state, policy[direction] ?? [], scope, packet, `${direction} ${policy.id}`, logs);
    if (outcome === undefined) continue;
    if (outcome.action === 'Pass') return { kind: 'pass' };
    return { kind: 'decided', decision: { kind: 'rule', tier, policy: policy.id, direction, ruleIndex: outcome.ruleIndex, action: outcome.action } };
  }
  return { kind: 'undecided' };
};

const isAllow = (d: Decision): boolean => d.kind === 'rule' && d.action === 'Allow';

/** The verdict of the endpoint's policy, in one direction, for the packet. */
export const evaluateEndpoint = (state: ClusterState, ep: EndpointModel, direction: Direction, packet: Packet): HopVerdict => {
  const logs: string[] = [];
  const hop = (decision: Decision): HopVerdict => ({ host: ep.host, endpoint: ep.key, direction, allowed: isAllow(decision), decision, logs });
  for (const tier of orderedTiers(state)) {
    const applying = tier.policies.filter((p) => policyApplies(state, p, ep, direction));
    if (applying.length === 0) continue;
    const outcome = runTier(state, tier.name, applying, direction, packet, logs);
    if (outcome.kind === 'decided') return hop(outcome.decision);
    if (outcome.kind === 'undecided') return hop({ kind: 'end-of-tier', tier: tier.name, direction });
  }
  return hop(runProfiles(state, ep, direction, packet, logs));
};

/** evaluateEndpoint by endpoint key (for trace); undefined when there is no such endpoint. */
export const evaluateDirection = (state: ClusterState, endpointKey: string, direction: Direction, packet: Packet): HopVerdict | undefined => {
  const ep = state.endpoints.get(endpointKey);
  return ep === undefined ? undefined : evaluateEndpoint(state, ep, direction, packet);
};
