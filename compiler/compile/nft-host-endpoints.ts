// Host endpoints on one host: traffic to the host (input) and from it
// (output) through an interface with a host endpoint is policed like a
// workload's — global policies in tier order, then the host endpoint's
// profiles, then drop — after the failsafe ports, which always pass so an
// operator is never locked out. Two base chains at priority 10 do it, after
// the workload chains at 0: a packet a workload sent its host was decided
// there (and is let through here), and the host always reaches its own
// workloads. Loopback and replies pass. An allowed packet returns to the
// base chain, whose policy accepts it: the mark names the rule that allowed. Forwarded traffic is not policed here.
// Only global policies select host endpoints; their rules' selectors name
// workloads, through sets of this section's own (prefix `h`).
import { ClusterState } from '../fold/state';
import type { ClusterIndex } from '../incremental/cluster-index';
import { byString } from '../model/sort';
import { FailsafePortModel, HostEndpointModel, PolicyModel, ProfileModel } from '../model/types';
import { matches, SelectorSource } from '../selector';
import { Direction, groupByTier, TierPolicies, tierOrder } from './applicable';
import * as N from './names';
import { ChainSpec, profileByName, rulesChain, tierAndProfileSteps } from './nft-chains';
import * as X from './nft-expr';
import { RuleContext } from './nft-rules';
import { SectionChain, sectionChain, serviceProtocolName } from './nft-services';
import { SetRegistry } from './set-registry';

type Rule = { readonly expr: readonly X.Expr[]; readonly comment: string };

/** A host endpoint's labels as selectors see them: its profiles' labelsToApply, then its own (no namespace). */
const hostEndpointLabels = (state: ClusterState, hep: HostEndpointModel): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const name of hep.profiles) Object.assign(out, state.profiles.get(name)?.labelsToApply ?? {});
  return Object.assign(out, hep.labels);
};

/** Global policies that select the host endpoint in `dir` (a namespace selector limits a policy to workloads), by tier in evaluation order. */
const applicable = (ctx: RuleContext, hep: HostEndpointModel, dir: Direction): TierPolicies[] => {
  const labels = hostEndpointLabels(ctx.state, hep);
  return groupByTier(ctx.tiers, ctx.state.policies.values(), (p) =>
    p.kind === 'GlobalNetworkPolicy' && p[dir] !== undefined && p.namespaceSelector === undefined && matches(ctx.index.cache.get(p.selector as SelectorSource), labels));
};

const failsafeRules = (ports: readonly FailsafePortModel[], dir: Direction): Rule[] => {
  const byProto = new Map<number, number[]>();
  for (const p of ports) byProto.set(p.protocol, [...(byProto.get(p.protocol) ?? []), p.port]);
  return [...byProto].sort((a, b) => a[0] - b[0]).map(([proto, list]) => {
    const name = serviceProtocolName(proto);
    return {
      expr: [X.eq(X.payload(name, 'dport'), list.length === 1 ? list[0] : X.anonSet(list)), X.accept],
      comment: N.comment(`failsafe ${dir === 'ingress' ? 'inbound' : 'outbound'} ${name.toUpperCase()} ${list.join(',')}`),
    };
  });
};

interface HepChains {
  readonly chain: ChainSpec;
  readonly policies: readonly PolicyModel[];
  readonly profiles: readonly ProfileModel[];
}

const hostEndpointChain = (ctx: RuleContext, hep: HostEndpointModel, dir: Direction): HepChains => {
  const failsafe = dir === 'ingress' ? ctx.state.felixConfig.failsafeInboundHostPorts : ctx.state.felixConfig.failsafeOutboundHostPorts;
  const who = `host endpoint ${hep.name}`;
  const rules: Rule[] = [...failsafeRules(failsafe, dir), { expr: [X.clearMarks], comment: N.comment(`${who} ${dir}`) }];
  const tiers = applicable(ctx, hep, dir);
  const profiles = hep.profiles.flatMap((name) => profileByName(ctx.state, name) ?? []);
  rules.push(...tierAndProfileSteps(tiers, profiles, dir, { policy: N.hostPolicyChain, profile: N.hostProfileChain }));
  rules.push({ expr: [X.drop], comment: N.comment(`${who} ${dir}: ${profiles.length > 0 ? 'no profile allowed' : 'no profiles'}`) });
  return { chain: { name: N.hostEndpointChain(hep.name, dir), rules }, policies: tiers.flatMap((t) => t.policies), profiles };
};

const dispatchChain = (name: string, hook: 'input' | 'output', heps: readonly HostEndpointModel[], workloadIfaces: readonly string[], dir: Direction): SectionChain => {
  const ifname = X.meta(hook === 'input' ? 'iifname' : 'oifname');
  const rules: Rule[] = [
    { expr: [X.eq(X.ctState, X.anonSet(['established', 'related'])), X.accept], comment: 'replies of allowed connections' },
    { expr: [X.eq(ifname, 'lo'), X.accept], comment: 'loopback' },
  ];
  if (workloadIfaces.length > 0) {
    const set = workloadIfaces.length === 1 ? workloadIfaces[0] : X.anonSet(workloadIfaces);
    rules.push({ expr: [X.eq(ifname, set), X.accept], comment: hook === 'input' ? 'from workloads: decided by the input chain' : 'to workloads: a host reaches its own' });
  }
  const named = heps.filter((h) => h.interfaceName !== '*');
  if (named.length > 0)
    rules.push({
      expr: [{ vmap: { key: ifname, data: { set: named.map((h) => [h.interfaceName, { goto: { target: N.hostEndpointChain(h.name, dir) } }]) } } }],
      comment: 'host endpoints by interface',
    });
  for (const h of heps.filter((x) => x.interfaceName === '*'))
    rules.push({ expr: [X.goto(N.hostEndpointChain(h.name, dir))], comment: N.comment(`host endpoint ${h.name} (every interface)`) });
  return sectionChain({ name, base: { hook, prio: 10, policy: 'accept' }, rules });
};

export interface HostEndpointSection {
  readonly chains: readonly SectionChain[];
  readonly sets: SetRegistry;
}

export const compileHostEndpoints = (index: ClusterIndex, host: string): HostEndpointSection => {
  const state = index.state;
  const sets = new SetRegistry((p, f, id) => index.setName(`h${p}`, f, id));
  const heps = [...state.hostEndpoints.values()].filter((h) => h.host === host).sort((a, b) => byString(a.interfaceName, b.interfaceName) || byString(a.name, b.name));
  if (heps.length === 0) return { chains: [], sets };
  const ctx: RuleContext = { state, index, sets, tiers: tierOrder(state), namespace: undefined };
  const workloadIfaces = [...new Set(index.localEndpoints(host).map((ep) => ep.interfaceName))].sort(byString);
  const chains = new Map<string, SectionChain>();
  const put = (c: SectionChain) => chains.set(c.name, c);
  for (const dir of ['ingress', 'egress'] as const) {
    const base = dir === 'ingress' ? N.HOST_INPUT_CHAIN : N.HOST_OUTPUT_CHAIN;
    put(dispatchChain(base, dir === 'ingress' ? 'input' : 'output', heps, workloadIfaces, dir));
    for (const hep of heps) {
      const h = hostEndpointChain(ctx, hep, dir);
      put(sectionChain(h.chain));
      for (const p of h.policies) {
        const name = N.hostPolicyChain(p, dir);
        if (!chains.has(name)) put(sectionChain(rulesChain(ctx, name, { ref: N.policyRef(p), kind: 'policy' }, p[dir] ?? [], dir)));
      }
      for (const pro of h.profiles) {
        const name = N.hostProfileChain(pro.name, dir);
        if (!chains.has(name)) put(sectionChain(rulesChain(ctx, name, { ref: `profile ${pro.name}`, kind: 'profile' }, pro[dir], dir)));
      }
    }
  }
  return { chains: [...chains.values()], sets };
};
