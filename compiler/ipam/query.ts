// Questions the compiler and the shell ask of IPAM's state: which blocks a
// host owns (each becomes a blackhole route and one BGP aggregate) and which
// of its workloads' addresses are borrowed from other hosts' blocks (those
// travel as host routes). Nothing here changes state.
import { ClusterState } from '../fold/state';
import { Cidr, compareIp, Ip } from '../net/ip';

export const ownedBlocks = (state: ClusterState, host: string): readonly Cidr[] => state.blockAffinities.get(host) ?? [];

/** Addresses of the host's workloads that IPAM handed out from a block the host does not own. */
export const borrowedAddresses = (state: ClusterState, host: string): Ip[] =>
  [...state.endpoints.values()]
    .filter((ep) => ep.host === host)
    .flatMap((ep) => ep.ips.filter((ip) => {
      const a = state.allocations.get(ip);
      return a !== undefined && state.blocks.get(a.block)?.host !== host;
    }))
    .sort(compareIp);
