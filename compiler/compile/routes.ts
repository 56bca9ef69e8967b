// compileRoutes(state, host, ownedBlocks): the routes foldnet owns on one host,
// as data. Each local workload address gets a host route to its interface (so
// the host delivers to it and BIRD can announce it), and each IPAM block the
// host owns gets a blackhole (so addresses of the block not in use are dropped
// here rather than bounced back along the default route; BIRD announces the
// block as one aggregate). Routes to other hosts' workloads are BIRD's, not
// these. Which blocks a host owns is decided elsewhere and passed in.
import { ClusterState } from '../fold/state';
import { byString } from '../model/sort';
import { EndpointModel } from '../model/types';
import { Cidr, compareCidr, familyOf, hostCidr, Ip } from '../net/ip';
import { FOLDNET_RTPROTO, RouteModel } from './snapshot';

/**
 * IPv4 workload routes are link-scoped: the address is on the other end of the
 * veth, no gateway. IPv6 routes have no scope in Linux (the kernel stores every
 * one as universe, and `ip -j -6 route` shows none), so writing `link` there
 * would make the applier's read-back differ from the snapshot forever.
 */
const workloadRoute = (ip: Ip, dev: string): RouteModel =>
  ({ dst: hostCidr(ip), type: 'unicast', dev, scope: familyOf(ip) === 4 ? 'link' : 'global', protocol: FOLDNET_RTPROTO });

const blackholeRoute = (block: Cidr): RouteModel => ({ dst: block, type: 'blackhole', scope: 'global', protocol: FOLDNET_RTPROTO });

/**
 * At most one route per destination, because the kernel keeps one per
 * (table, dst, metric): a workload route wins over a blackhole for the same
 * prefix (a /32 block whose one address is in use), and between two workload
 * routes (which the fold's IP-uniqueness rule should already prevent) the
 * lower interface name wins, so the choice never depends on input order.
 */
const preferred = (a: RouteModel, b: RouteModel): RouteModel => {
  if (a.type !== b.type) return a.type === 'unicast' ? a : b;
  return byString(a.dev ?? '', b.dev ?? '') <= 0 ? a : b;
};

export const compileRoutes = (state: ClusterState, host: string, ownedBlocks: readonly Cidr[]): RouteModel[] =>
  routesOf(host, state.endpoints.values(), ownedBlocks);

/** compileRoutes from the endpoints to consider (those of other hosts are skipped): a caller with an index passes the host's own. */
export const routesOf = (host: string, endpoints: Iterable<EndpointModel>, ownedBlocks: readonly Cidr[]): RouteModel[] => {
  const byDst = new Map<string, RouteModel>();
  const add = (r: RouteModel): void => {
    const existing = byDst.get(r.dst);
    byDst.set(r.dst, existing === undefined ? r : preferred(existing, r));
  };
  for (const ep of endpoints) {
    if (ep.host !== host) continue;
    for (const ip of ep.ips) add(workloadRoute(ip, ep.interfaceName));
  }
  for (const block of ownedBlocks) add(blackholeRoute(block));
  return [...byDst.values()].sort((a, b) => compareCidr(a.dst, b.dst));
};
