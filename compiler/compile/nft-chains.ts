// The chains of a host's ruleset. Base chains on forward (workload ↔ anything)
// and input (workload → its host) dispatch by interface through verdict maps
// to the endpoint's egress and ingress steps (egress steps begin with the
// reverse-path anti-spoofing check). Steps walk tiers in
// order, jumping to per-policy chains, then fall back to profiles; they are
// named by their content, so endpoints with the same policies share them. A
// policy's verdict comes back as a mark bit (ALLOW or PASS) because `return`
// cannot carry one; Deny drops at once.
import { ClusterState } from '../fold/state';
import { EndpointModel, PolicyModel, ProfileModel } from '../model/types';
import { Rule } from '../resources/rule';
import { canonicalJson, sha256Hex } from '../hash/canonical';
import { applicableTiers, Direction, TierPolicies } from './applicable';
import * as N from './names';
import * as X from './nft-expr';
import { RuleContext, ruleMatches } from './nft-rules';

export interface ChainSpec {
  readonly name: string;
  /**
   * A base chain's hook, a filter chain unless `type` says nat (the service
   * dispatch chains, nft-services.ts). output: host endpoints' outbound
   * chain (nft-host-endpoints.ts) and the services' nat output.
   */
  readonly base?: {
    readonly type?: 'filter' | 'nat';
    readonly hook: 'prerouting' | 'forward' | 'input' | 'output';
    readonly prio: number;
    readonly policy: 'accept';
  };
  readonly rules: ReadonlyArray<{ readonly expr: readonly X.Expr[]; readonly comment: string }>;
}

type ChainRule = ChainSpec['rules'][number];

type Owner = { readonly ref: string; readonly kind: 'policy' | 'profile' };

const actionVerdict = (owner: Owner, action: Rule['action']): X.Expr[] => {
  switch (action) {
    case 'Allow':
      return [X.setAllowMark, X.ret];
    case 'Deny':
      return [X.drop];
    case 'Pass':
      return owner.kind === 'policy' ? [X.setPassMark, X.ret] : [X.ret];
    case 'Log':
      return [X.log(N.logPrefix(owner.ref))];
  }
};

export const rulesChain = (ctx: RuleContext, name: string, owner: Owner, rules: readonly Rule[], dir: Direction): ChainSpec => ({
  name,
  rules: rules.flatMap((rule, i) =>
    ruleMatches(ctx, rule).map((m) => ({ expr: [...m, ...actionVerdict(owner, rule.action)], comment: N.ruleComment(owner.ref, dir, i) })),
  ),
});

export const policyChainSpec = (ctx: RuleContext, p: PolicyModel, dir: Direction): ChainSpec =>
  rulesChain(ctx, N.policyChain(p, dir), { ref: N.policyRef(p), kind: 'policy' }, p[dir] ?? [], dir);

export const profileChainSpec = (ctx: RuleContext, p: ProfileModel, dir: Direction): ChainSpec =>
  rulesChain(ctx, N.profileChain(p.name, dir), { ref: `profile ${p.name}`, kind: 'profile' }, p[dir], dir);

const BUILTIN_NS_PROFILE = (name: string): ProfileModel | undefined =>
  name.startsWith('kns.') ? { name, labelsToApply: {}, ingress: [{ action: 'Allow' }], egress: [{ action: 'Allow' }] } : undefined;

/** The profile a name stands for: the resource, else the built-in `kns.<ns>`, else none. */
export const profileByName = (state: ClusterState, name: string): ProfileModel | undefined => state.profiles.get(name) ?? BUILTIN_NS_PROFILE(name);

/** The profiles an endpoint falls back to, in its order; `kns.<ns>` is built in unless defined. */
export const endpointProfiles = (ctx: RuleContext, ep: EndpointModel): ProfileModel[] =>
  ep.profiles.flatMap((name) => {
    const p = profileByName(ctx.state, name);
    return p ? [p] : [];
  });

/**
 * Anti-spoofing without a rule per endpoint: a packet from a workload must
 * come from an address the host routes back out of the interface it came in
 * by (reverse path, as Calico gets from rp_filter). A workload's addresses
 * are routed to its interface on its host (routes.ts), so this drops exactly
 * the sources that are not its own — and costs a new endpoint no rule.
 */
const ANTI_SPOOFING: ChainRule = { expr: [X.reversePathMissing, X.drop], comment: 'anti-spoofing: the source is not routed back by this interface' };

/** The chains the steps jump to: a workload's policy and profile chains, or a host endpoint's (nft-host-endpoints.ts). */
export interface StepTargets {
  readonly policy: (p: PolicyModel, dir: Direction) => string;
  readonly profile: (name: string, dir: Direction) => string;
}

/**
 * The steps between clearing the marks and the final drop: tiers in order,
 * jumping to per-policy chains while undecided (an allow returns, an end of
 * tier without pass drops), then profiles until one allows.
 */
export const tierAndProfileSteps = (tiers: readonly TierPolicies[], profiles: readonly ProfileModel[], dir: Direction, to: StepTargets): ChainRule[] => {
  const rules: ChainRule[] = [];
  const undecided = X.markLacks(X.MARK_ALLOW | X.MARK_PASS);
  for (const { tier, policies } of tiers) {
    for (const p of policies) rules.push({ expr: [undecided, X.jump(to.policy(p, dir))], comment: N.comment(`tier ${tier}: ${N.policyRef(p)}`) });
    rules.push({ expr: [X.markHas(X.MARK_ALLOW), X.ret], comment: N.comment(`tier ${tier}: allowed`) });
    rules.push({ expr: [X.markLacks(X.MARK_PASS), X.drop], comment: N.comment(`tier ${tier}: end of tier ${dir}`) });
    rules.push({ expr: [X.clearMarks], comment: N.comment(`tier ${tier}: passed`) });
  }
  for (const pro of profiles) {
    rules.push({ expr: [X.jump(to.profile(pro.name, dir))], comment: N.comment(`profile ${pro.name}`) });
    rules.push({ expr: [X.markHas(X.MARK_ALLOW), X.ret], comment: N.comment(`profile ${pro.name}: allowed`) });
  }
  return rules;
};

/**
 * One direction's policy steps: tiers in order, jumping to per-policy chains,
 * then profiles. They name no endpoint, so endpoints whose policies and
 * profiles are the same share them (see endpointChains).
 */
const policySteps = (ctx: RuleContext, ep: EndpointModel, dir: Direction) => {
  const tiers = applicableTiers(ctx.index, ctx.tiers, ep, dir);
  const profiles = endpointProfiles(ctx, ep);
  const rules: ChainRule[] = [
    ...(dir === 'egress' ? [ANTI_SPOOFING] : []),
    { expr: [X.eq(X.ctState, 'invalid'), X.drop], comment: 'invalid' },
    { expr: [X.clearMarks], comment: dir },
    ...tierAndProfileSteps(tiers, profiles, dir, { policy: N.policyChain, profile: N.profileChain }),
    { expr: [X.drop], comment: N.comment(noProfileAllowed(dir, profiles.map((p) => p.name))) },
  ];
  // Everything the rules are made of, in a few short strings: the same recipe makes the same rules, so their hash is asked for by it.
  const recipe = JSON.stringify([dir, tiers.map((t) => [t.tier, t.policies.map((p) => [N.policyChain(p, dir), N.policyRef(p)])]), profiles.map((p) => p.name)]);
  return { rules, recipe, policies: tiers.flatMap((t) => t.policies), profiles };
};

/** The comment of the drop that ends an endpoint's steps: what trace shows when no policy and no profile allowed. */
export const noProfileAllowed = (dir: Direction, profiles: readonly string[]): string =>
  profiles.length > 0 ? `${dir}: no profile allowed (profiles ${profiles.join(', ')})` : `${dir}: no profiles`;

export interface EndpointChains {
  /** Its egress and ingress steps, named by their content and shared with every endpoint that has the same. */
  readonly steps: ChainSpec[];
  readonly policies: Array<{ policy: PolicyModel; dir: Direction }>;
  readonly profiles: Array<{ profile: ProfileModel; dir: Direction }>;
  /** Its elements of the verdict maps, by map. */
  readonly maps: Record<MapName, MapElem>;
}

export type EndpointToHostAction = 'Drop' | 'Accept';
export type MapName = typeof N.EGRESS_MAP | typeof N.INGRESS_MAP;
export const MAP_NAMES: readonly MapName[] = [N.EGRESS_MAP, N.INGRESS_MAP];
export type MapElem = [string, unknown];

/** The hash of a steps chain's rules, which names it (memoised by the cluster index: an endpoint recompiled with the same policies asks again). */
export const stepsHash = (rules: ChainSpec['rules']): string => sha256Hex(canonicalJson(rules)).slice(0, 12);

const stepsChain = (ctx: RuleContext, dir: Direction, steps: { rules: ChainSpec['rules']; recipe: string }): ChainSpec =>
  ({ name: N.stepsChain(dir, ctx.index.stepsHash(steps.recipe, () => stepsHash(steps.rules))), rules: steps.rules });

/**
 * An endpoint's chains: none of its own. Its policy steps live in chains
 * shared by all endpoints with the same policies and profiles (anti-spoofing
 * included), so a new endpoint like others adds its two verdict-map elements
 * and its set elements — no chain, no rule.
 */
export const endpointChains = (ctx: RuleContext, ep: EndpointModel): EndpointChains => {
  const egressSteps = policySteps(ctx, ep, 'egress');
  const ingressSteps = policySteps(ctx, ep, 'ingress');
  const egress = stepsChain(ctx, 'egress', egressSteps);
  const ingress = stepsChain(ctx, 'ingress', ingressSteps);
  return {
    steps: [egress, ingress],
    policies: [...egressSteps.policies.map((policy) => ({ policy, dir: 'egress' as const })), ...ingressSteps.policies.map((policy) => ({ policy, dir: 'ingress' as const }))],
    profiles: [...egressSteps.profiles.map((profile) => ({ profile, dir: 'egress' as const })), ...ingressSteps.profiles.map((profile) => ({ profile, dir: 'ingress' as const }))],
    maps: {
      [N.EGRESS_MAP]: [ep.interfaceName, { jump: { target: egress.name } }],
      [N.INGRESS_MAP]: [ep.interfaceName, { jump: { target: ingress.name } }],
    } as Record<MapName, MapElem>,
  };
};

export const baseChains = (toHost: EndpointToHostAction): ChainSpec[] => {
  const established = { expr: [X.eq(X.ctState, X.anonSet(['established', 'related'])), X.accept], comment: 'replies of allowed connections' };
  return [
    {
      name: N.FORWARD_CHAIN,
      base: { hook: 'forward', prio: 0, policy: 'accept' },
      rules: [
        established,
        { expr: [X.vmap(X.meta('iifname'), N.EGRESS_MAP)], comment: 'from workloads: egress policy' },
        { expr: [X.vmap(X.meta('oifname'), N.INGRESS_MAP)], comment: 'to workloads: ingress policy' },
      ],
    },
    {
      name: N.INPUT_CHAIN,
      base: { hook: 'input', prio: 0, policy: 'accept' },
      rules: [
        established,
        // What a workload needs to live passes before its policy (and the host's own traffic passes anyway).
        { expr: [X.eq(X.meta('l4proto'), 17), X.eq(X.payload('udp', 'dport'), 67), X.accept], comment: 'workload to host: DHCP' },
        {
          expr: [X.eq(X.meta('l4proto'), 58), X.eq(X.payload('icmpv6', 'type'), X.anonSet([133, 134, 135, 136])), X.accept],
          comment: 'workload to host: ICMPv6 neighbour and router discovery',
        },
        // The allow bit set below can only come from the workload's egress steps.
        { expr: [X.clearMarks], comment: 'from workloads to this host' },
        { expr: [X.vmap(X.meta('iifname'), N.EGRESS_MAP)], comment: 'workload to host: egress policy' },
        { expr: [X.markHas(X.MARK_ALLOW), toHost === 'Drop' ? X.drop : X.accept], comment: `workload to host: default ${toHost}` },
      ],
    },
  ];
};
