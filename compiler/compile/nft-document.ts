// A host's complete nftables document: table `inet foldnet`, its sets and
// verdict maps, chain declarations, then rules chain by chain — declarations
// first so every jump target exists when `nft -j -f` reads the rules. Sorted
// by name throughout, so the same state gives the same bytes. The objects are
// built by the functions below, which the incremental compiler
// (compiler/incremental/) reuses so that both write the same bytes. Cluster
// questions (labels, memberships, named ports) go to a ClusterIndex: pass
// one that is kept current to compile many hosts or many times; without one,
// a throw-away index is built. Anycast services and host endpoints follow,
// as a section of their own (nft-section.ts).
import { ClusterState } from '../fold/state';
import { ClusterIndex } from '../incremental/cluster-index';
import { byString } from '../model/sort';
import { EndpointModel } from '../model/types';
import { tierOrder } from './applicable';
import * as N from './names';
import { baseChains, ChainSpec, endpointChains, EndpointToHostAction, policyChainSpec, profileChainSpec } from './nft-chains';
import { RuleContext } from './nft-rules';
import { SetRegistry } from './set-registry';
import { setElements, setObject } from './nft-objects';
import { compileSection, sectionObjects } from './nft-section';

export { setElements, setObject } from './nft-objects';

export interface NftOptions {
  readonly endpointToHostAction: EndpointToHostAction;
}

const FAMILY = 'inet';

export type MapName = typeof N.EGRESS_MAP | typeof N.INGRESS_MAP | typeof N.TO_HOST_MAP;
export const MAP_NAMES: readonly MapName[] = [N.EGRESS_MAP, N.INGRESS_MAP, N.TO_HOST_MAP].sort(byString) as MapName[];
export type MapElem = [string, unknown];

export const tableObject = (): unknown => ({ table: { family: FAMILY, name: N.TABLE } });

export const chainObject = (c: ChainSpec): unknown => ({
  chain: { family: FAMILY, table: N.TABLE, name: c.name, ...(c.base ? { type: 'filter', hook: c.base.hook, prio: c.base.prio, policy: c.base.policy } : {}) },
});

export const mapObject = (name: string, elem: readonly MapElem[]): unknown => ({
  map: { family: FAMILY, table: N.TABLE, name, type: 'ifname', map: 'verdict', ...(elem.length > 0 ? { elem } : {}) },
});

export const ruleObjects = (c: ChainSpec): unknown[] =>
  c.rules.map((r) => ({ rule: { family: FAMILY, table: N.TABLE, chain: c.name, expr: r.expr, comment: r.comment } }));

/** The three verdict-map entries of a local endpoint, by map. */
export const endpointMapEntries = (ep: EndpointModel): Record<MapName, MapElem> => ({
  [N.EGRESS_MAP]: [ep.interfaceName, { jump: { target: N.endpointChain(ep.interfaceName, 'egress') } }],
  [N.INGRESS_MAP]: [ep.interfaceName, { jump: { target: N.endpointChain(ep.interfaceName, 'ingress') } }],
  [N.TO_HOST_MAP]: [ep.interfaceName, { jump: { target: N.endpointChain(ep.interfaceName, 'to-host') } }],
}) as Record<MapName, MapElem>;

/** Local endpoints in the order the document lists them: by interface, then key. */
export const byInterface = (a: EndpointModel, b: EndpointModel): number => byString(a.interfaceName, b.interfaceName) || byString(a.key, b.key);

export const ruleContext = (state: ClusterState, index: ClusterIndex, sets: SetRegistry, namespace?: string): RuleContext =>
  ({ state, index, sets, tiers: tierOrder(state), namespace });

export const compileNftables = (state: ClusterState, host: string, options: NftOptions, index: ClusterIndex = new ClusterIndex(state)): { nftables: unknown[] } => {
  const ctx = ruleContext(state, index, new SetRegistry((p, f, id) => index.setName(p, f, id)));
  const local = index.localEndpoints(host).sort(byInterface);
  const chains = new Map<string, ChainSpec>();
  for (const c of baseChains()) chains.set(c.name, c);
  const maps: Record<string, MapElem[]> = Object.fromEntries(MAP_NAMES.map((m) => [m, []]));
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
    const entries = endpointMapEntries(ep);
    for (const m of MAP_NAMES) maps[m]!.push(entries[m]);
  }
  const sortedChains = [...chains.values()].sort((a, b) => byString(a.name, b.name));
  const out: unknown[] = [tableObject()];
  for (const c of sortedChains) out.push(chainObject(c));
  for (const s of ctx.sets.all()) out.push(setObject(s, setElements(index, s)));
  for (const name of MAP_NAMES) out.push(mapObject(name, maps[name]!));
  for (const c of sortedChains) for (const r of ruleObjects(c)) out.push(r);
  for (const o of sectionObjects(compileSection(index, host))) out.push(o);
  return { nftables: out };
};
