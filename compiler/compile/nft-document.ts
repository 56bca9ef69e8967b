// A host's complete nftables document: table `inet foldnet`, its sets and
// verdict maps, chain declarations, then rules chain by chain — declarations
// first so every jump target exists when `nft -j -f` reads the rules. Sorted
// by name throughout, so the same state gives the same bytes.
import { ClusterState } from '../fold/state';
import { byString } from '../model/sort';
import { SelectorCache } from '../selector';
import * as N from './names';
import { baseChains, ChainSpec, endpointChains, EndpointToHostAction, policyChainSpec, profileChainSpec } from './nft-chains';
import { RuleContext } from './nft-rules';
import { SetRegistry } from './set-registry';

export interface NftOptions {
  readonly endpointToHostAction: EndpointToHostAction;
}

const FAMILY = 'inet';

export const compileNftables = (state: ClusterState, host: string, options: NftOptions): { nftables: unknown[] } => {
  const ctx: RuleContext = { state, cache: new SelectorCache(), sets: new SetRegistry(), namespace: undefined };
  const local = [...state.endpoints.values()].filter((ep) => ep.host === host).sort((a, b) => byString(a.interfaceName, b.interfaceName));
  const chains = new Map<string, ChainSpec>();
  for (const c of baseChains()) chains.set(c.name, c);
  const maps: Record<string, Array<[string, unknown]>> = { [N.EGRESS_MAP]: [], [N.INGRESS_MAP]: [], [N.TO_HOST_MAP]: [] };
  for (const ep of local) {
    const ec = endpointChains(ctx, ep, options.endpointToHostAction);
    for (const c of ec.chains) chains.set(c.name, c);
    for (const { policy, dir } of ec.policies) {
      const name = N.policyChain(policy, dir);
      if (!chains.has(name)) chains.set(name, policyChainSpec({ ...ctx, namespace: policy.namespace }, policy, dir));
    }
    for (const { profile, dir } of ec.profiles) {
      const name = N.profileChain(profile.name, dir);
      if (!chains.has(name)) chains.set(name, profileChainSpec(ctx, profile, dir));
    }
    maps[N.EGRESS_MAP]!.push([ep.interfaceName, { jump: { target: N.endpointChain(ep.interfaceName, 'egress') } }]);
    maps[N.INGRESS_MAP]!.push([ep.interfaceName, { jump: { target: N.endpointChain(ep.interfaceName, 'ingress') } }]);
    maps[N.TO_HOST_MAP]!.push([ep.interfaceName, { jump: { target: N.endpointChain(ep.interfaceName, 'to-host') } }]);
  }
  const sortedChains = [...chains.values()].sort((a, b) => byString(a.name, b.name));
  const out: unknown[] = [{ table: { family: FAMILY, name: N.TABLE } }];
  for (const c of sortedChains)
    out.push({ chain: { family: FAMILY, table: N.TABLE, name: c.name, ...(c.base ? { type: 'filter', hook: c.base.hook, prio: c.base.prio, policy: c.base.policy } : {}) } });
  for (const s of ctx.sets.all()) {
    const elem = s.elements();
    out.push({
      set: {
        family: FAMILY, table: N.TABLE, name: s.name, type: s.type,
        ...(s.interval ? { flags: ['interval'] } : {}),
        ...(elem.length > 0 ? { elem } : {}),
        comment: N.comment(s.comment),
      },
    });
  }
  for (const name of Object.keys(maps).sort(byString)) {
    const elem = maps[name]!;
    out.push({ map: { family: FAMILY, table: N.TABLE, name, type: 'ifname', map: 'verdict', ...(elem.length > 0 ? { elem } : {}) } });
  }
  for (const c of sortedChains)
    for (const r of c.rules) out.push({ rule: { family: FAMILY, table: N.TABLE, chain: c.name, expr: r.expr, comment: r.comment } });
  return { nftables: out };
};
