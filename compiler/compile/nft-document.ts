// A host's complete nftables document: table `inet foldnet`, its sets and
// verdict maps, chain declarations, then rules chain by chain — declarations
// first so every jump target exists when `nft -j -f` reads the rules. Sorted
// by name throughout, so the same state gives the same bytes. The objects are
// built by nft-objects.ts (re-exported here), which the incremental compiler
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
import { baseChains, ChainSpec, endpointChains, EndpointToHostAction, MAP_NAMES, MapElem, policyChainSpec, profileChainSpec } from './nft-chains';
import { RuleContext } from './nft-rules';
import { SetRegistry } from './set-registry';
import { chainObject, mapObject, prepareMemberships, ruleObjects, setElements, setObject, tableObject } from './nft-objects';
import { compileSection, NftSection, sectionObjects } from './nft-section';

export { chainObject, mapObject, ruleObjects, setElements, setObject, tableObject } from './nft-objects';

export interface NftOptions {
  readonly endpointToHostAction: EndpointToHostAction;
}

export { MAP_NAMES } from './nft-chains';
export type { MapElem, MapName } from './nft-chains';

/** Local endpoints in the order the document lists them: by interface, then key. */
export const byInterface = (a: EndpointModel, b: EndpointModel): number => byString(a.interfaceName, b.interfaceName) || byString(a.key, b.key);

export const ruleContext = (state: ClusterState, index: ClusterIndex, sets: SetRegistry, namespace?: string): RuleContext =>
  ({ state, index, sets, tiers: tierOrder(state), namespace });

/** `section`: the host's services / host-endpoint section, when the caller has it already (compileHost needs its announced addresses too). */
export const compileNftables = (
  state: ClusterState,
  host: string,
  options: NftOptions,
  index: ClusterIndex = new ClusterIndex(state),
  section: NftSection = compileSection(index, host),
): { nftables: unknown[] } => {
  const ctx = ruleContext(state, index, new SetRegistry((p, f, id) => index.setName(p, f, id)));
  const local = index.localEndpoints(host).sort(byInterface);
  const chains = new Map<string, ChainSpec>();
  for (const c of baseChains(options.endpointToHostAction)) chains.set(c.name, c);
  const maps: Record<string, MapElem[]> = Object.fromEntries(MAP_NAMES.map((m) => [m, []]));
  for (const [i, ep] of local.entries()) {
    const ec = endpointChains(ctx, ep);
    for (const c of ec.steps) chains.set(c.name, c);
    for (const { policy, dir } of ec.policies) {
      const name = N.policyChain(policy, dir);
      if (!chains.has(name)) chains.set(name, policyChainSpec({ ...ctx, namespace: policy.namespace }, policy, dir));
    }
    for (const { profile, dir } of ec.profiles) {
      const name = N.profileChain(profile.name, dir);
      if (!chains.has(name)) chains.set(name, profileChainSpec(ctx, profile, dir));
    }
    // Two endpoints claiming one interface: the last in document order has the elements.
    const later = local[i + 1];
    if (later?.interfaceName !== ep.interfaceName) for (const m of MAP_NAMES) maps[m]!.push(ec.maps[m]);
  }
  const sortedChains = [...chains.values()].sort((a, b) => byString(a.name, b.name));
  const out: unknown[] = [tableObject()];
  for (const c of sortedChains) out.push(chainObject(c));
  const sets = ctx.sets.all();
  prepareMemberships(index, sets);
  for (const s of sets) out.push(setObject(s, setElements(index, s)));
  for (const name of MAP_NAMES) out.push(mapObject(name, maps[name]!));
  for (const c of sortedChains) for (const r of ruleObjects(c)) out.push(r);
  for (const o of sectionObjects(section)) out.push(o);
  return { nftables: out };
};
