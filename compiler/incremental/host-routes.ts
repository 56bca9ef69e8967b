// One host's routes (what compile/routes.ts computes: a host route per local
// workload address, a blackhole per owned block, one route per destination
// with a workload route winning over a blackhole and the lower interface name
// between two workload routes; sorted by family, address and prefix), kept
// as local endpoints and owned blocks change, with destinations ordered by
// precomputed keys instead of parsing addresses at every comparison. The
// property test holds it equal to compileRoutes.
import { EndpointModel } from '../model/types';
import { byString } from '../model/sort';
import { Cidr, cidrAddress, cidrLength, familyOf, hostCidr, Ip } from '../net/ip';
import { FOLDNET_RTPROTO, RouteModel } from '../compile/snapshot';
import { ipSortKey } from './ip-order';
import { Moved, SortedTable } from './sorted-table';

const workloadRoute = (ip: Ip, dev: string): RouteModel =>
  ({ dst: hostCidr(ip), type: 'unicast', dev, scope: familyOf(ip) === 4 ? 'link' : 'global', protocol: FOLDNET_RTPROTO });

const blackholeRoute = (block: Cidr): RouteModel => ({ dst: block, type: 'blackhole', scope: 'global', protocol: FOLDNET_RTPROTO });

/** compareCidr's order as a string: address key, then prefix length. */
const cidrKey = (c: Cidr): string => `${ipSortKey(cidrAddress(c))}/${String(cidrLength(c)).padStart(3, '0')}`;

/** The route compileRoutes keeps among candidates for one destination (which does not depend on their order). */
const preferred = (rs: readonly RouteModel[]): RouteModel => {
  let best = rs[0]!;
  for (const r of rs) {
    if (r.type !== best.type) {
      if (r.type === 'unicast') best = r;
    } else if (byString(r.dev ?? '', best.dev ?? '') < 0) best = r;
  }
  return best;
};

export class HostRoutes {
  private readonly candidates = new Map<string, RouteModel[]>();
  /** The preferred route of each destination, by its sort key. */
  private readonly table = new SortedTable<RouteModel>({ tracked: true });
  private blocks: readonly Cidr[] = [];

  /** An endpoint left (old), arrived (next), or changed. */
  setEndpoint(old: EndpointModel | undefined, next: EndpointModel | undefined): void {
    if (old !== undefined) for (const ip of old.ips) this.remove(workloadRoute(ip, old.interfaceName));
    if (next !== undefined) for (const ip of next.ips) this.add(workloadRoute(ip, next.interfaceName));
  }

  setBlocks(blocks: readonly Cidr[]): void {
    for (const b of this.blocks) this.remove(blackholeRoute(b));
    this.blocks = blocks;
    for (const b of blocks) this.add(blackholeRoute(b));
  }

  /** The destinations (by sort key) whose route changed since the last call: the route before and now. */
  takeMoved(): Map<string, Moved<RouteModel>> {
    return this.table.takeMoved();
  }

  /** Sorted as compileRoutes sorts them; never changed once returned. */
  routes(): readonly RouteModel[] {
    return this.table.values();
  }

  private add(r: RouteModel): void {
    const list = this.candidates.get(r.dst);
    if (list !== undefined) list.push(r);
    else this.candidates.set(r.dst, [r]);
    this.settle(r.dst);
  }

  private remove(r: RouteModel): void {
    const list = this.candidates.get(r.dst)!;
    list.splice(list.findIndex((x) => x.type === r.type && x.dev === r.dev), 1);
    if (list.length === 0) this.candidates.delete(r.dst);
    this.settle(r.dst);
  }

  /** The table's entry for `dst` after its candidates changed; an equal route keeps its object, so an unchanged list stays the same array. */
  private settle(dst: Cidr): void {
    const key = cidrKey(dst);
    const list = this.candidates.get(dst);
    if (list === undefined) {
      this.table.delete(key);
      return;
    }
    const best = preferred(list);
    const had = this.table.get(key);
    if (had === undefined || had.type !== best.type || had.dev !== best.dev || had.scope !== best.scope) this.table.set(key, best);
  }
}
