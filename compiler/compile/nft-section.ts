// The part of a host's ruleset that serves anycast services (nft-services.ts)
// and polices host endpoints (nft-host-endpoints.ts). It comes after the
// workload part of the document — its chain declarations, then its sets,
// then its rules — and shares no object with it, so the incremental compiler
// can recompute it whole for the hosts that have one while keeping the
// workload part event by event. Empty for a host with neither.
import type { ClusterIndex } from '../incremental/cluster-index';
import { byString } from '../model/sort';
import { Ip } from '../net/ip';
import { compileHostEndpoints } from './nft-host-endpoints';
import { compileServices, SectionChain } from './nft-services';
import { setElements, setObject } from './nft-objects';

export interface NftSection {
  /** Sorted by name. */
  readonly chains: readonly SectionChain[];
  /** Set objects, sorted by name. */
  readonly sets: ReadonlyArray<{ readonly name: string; readonly object: unknown }>;
  /** The service addresses the host announces through BIRD: those its service chains serve (not part of the ruleset). */
  readonly announced: readonly Ip[];
}

export const compileSection = (index: ClusterIndex, host: string): NftSection => {
  const services = compileServices(index, host);
  const heps = compileHostEndpoints(index, host);
  const chains = [...services.chains, ...heps.chains].sort((a, b) => byString(a.name, b.name));
  const sets = heps.sets.all().map((s) => ({ name: s.name, object: setObject(s, setElements(index, s)) }));
  return { chains, sets, announced: services.announced };
};

export const isEmptySection = (s: NftSection): boolean => s.chains.length === 0 && s.sets.length === 0;

/** The section's objects in document order: declarations, sets, then rules chain by chain. */
export const sectionObjects = (s: NftSection): unknown[] => {
  const out: unknown[] = [];
  for (const c of s.chains) out.push(c.decl);
  for (const set of s.sets) out.push(set.object);
  for (const c of s.chains) for (const r of c.rules) out.push(r);
  return out;
};
