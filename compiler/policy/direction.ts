// One endpoint (a workload's or a host's), one direction: the tiers in order,
// then (if no policy applied, or the last applying tier passed) the endpoint's
// profiles. Allow and Deny decide; Log records and goes on; Pass leaves the
// tier (or, in a profile, goes to the next profile). A tier where some policy
// applied but nothing decided drops; no policy and no profile drops too (for
// a host endpoint, Calico's default deny). Which packet reaches which hop, and
// the failsafe ports before a host endpoint's policy, are reference.ts's business.
import { ClusterState } from '../fold/state';
import { EndpointModel, HostEndpointModel, PolicyModel, ProfileModel } from '../model/types';
import { Rule } from '../resources/rule';
import { endpointProfiles, hostEndpointProfiles } from './effective-labels';
import { ruleMatches, SelectorScope } from './rule-match';
import { orderedTiers, policyApplies, policyAppliesToHostEndpoint } from './tiers';
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

/** What policy judges, whichever kind of endpoint it is. */
interface Policed {
  readonly key: string;
  readonly host: string;
  readonly profiles: readonly ProfileModel[];
  readonly applies: (policy: PolicyModel, direction: Direction) => boolean;
}

const runProfiles = (state: ClusterState, profiles: readonly ProfileModel[], direction: Direction, packet: Packet, logs: string[]): Decision => {
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

const evaluatePoliced = (state: ClusterState, target: Policed, direction: Direction, packet: Packet): HopVerdict => {
  const logs: string[] = [];
  const hop = (decision: Decision): HopVerdict =>
    ({ host: target.host, endpoint: target.key, direction, allowed: isAllow(decision), decision, logs });
  for (const tier of orderedTiers(state)) {
    const applying = tier.policies.filter((p) => target.applies(p, direction));
    if (applying.length === 0) continue;
    const outcome = runTier(state, tier.name, applying, direction, packet, logs);
    if (outcome.kind === 'decided') return hop(outcome.decision);
    if (outcome.kind === 'undecided') return hop({ kind: 'end-of-tier', tier: tier.name, direction });
  }
  return hop(runProfiles(state, target.profiles, direction, packet, logs));
};

/** The verdict of the endpoint's policy, in one direction, for the packet. */
export const evaluateEndpoint = (state: ClusterState, ep: EndpointModel, direction: Direction, packet: Packet): HopVerdict =>
  evaluatePoliced(
    state,
    { key: ep.key, host: ep.host, profiles: endpointProfiles(state, ep), applies: (p, d) => policyApplies(state, p, ep, d) },
    direction,
    packet,
  );

/** The HopVerdict `endpoint` of a host endpoint. */
export const hostEndpointKey = (hep: HostEndpointModel): string => `hostendpoint:${hep.name}`;

/** The verdict of the host endpoint's policy (GlobalNetworkPolicies and its profiles only), in one direction, for the packet. */
export const evaluateHostEndpoint = (state: ClusterState, hep: HostEndpointModel, direction: Direction, packet: Packet): HopVerdict =>
  evaluatePoliced(
    state,
    {
      key: hostEndpointKey(hep),
      host: hep.host,
      profiles: hostEndpointProfiles(state, hep),
      applies: (p, d) => policyAppliesToHostEndpoint(state, p, hep, d),
    },
    direction,
    packet,
  );

/** evaluateEndpoint by endpoint key (for trace); undefined when there is no such endpoint. */
export const evaluateDirection = (state: ClusterState, endpointKey: string, direction: Direction, packet: Packet): HopVerdict | undefined => {
  const ep = state.endpoints.get(endpointKey);
  return ep === undefined ? undefined : evaluateEndpoint(state, ep, direction, packet);
};
