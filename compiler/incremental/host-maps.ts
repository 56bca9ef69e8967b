// The verdict maps of one host's ruleset (interface → jump to the
// endpoint's chain), kept from the local endpoints in document order. An
// element's key is the interface and its verdict follows from it, so
// endpoints sharing an interface share one element: it comes with the first
// and goes with the last. Which endpoints are local is host-chains.ts's.
import { EndpointModel } from '../model/types';
import { byInterface, endpointMapEntries, MAP_NAMES, MapName } from '../compile/nft-document';
import { DeltaAccumulator, elementKey } from './snapshot-delta';
import { lowerBound } from './sorted-names';

export class HostMaps {
  /** Local endpoints in document order (the verdict maps list them so). */
  private readonly order: EndpointModel[] = [];
  /** Bumped whenever `order` changes: the maps are rebuilt then (two endpoints may share an interface, which no element delta shows). */
  version = 0;
  /** How many local endpoints use each interface name. */
  private readonly interfaces = new Map<string, number>();

  /**
   * Keeps `order` sorted and reports verdict-map elements that came and went.
   * An element's key is the interface and its verdict follows from it, so
   * endpoints sharing an interface share one element: it comes with the first
   * and goes with the last.
   */
  move(old: EndpointModel | undefined, next: EndpointModel | undefined, delta: DeltaAccumulator): void {
    const less = (a: EndpointModel, b: EndpointModel) => byInterface(a, b) < 0;
    if (old?.interfaceName !== next?.interfaceName || old?.key !== next?.key) this.version++;
    if (old !== undefined) {
      const i = lowerBound(this.order, old, less);
      if (this.order[i]?.key === old.key) this.order.splice(i, 1);
    }
    if (next !== undefined) this.order.splice(lowerBound(this.order, next, less), 0, next);
    if (old?.interfaceName === next?.interfaceName) return;
    const gone = old !== undefined && this.count(old.interfaceName, -1) === 0 ? endpointMapEntries(old) : undefined;
    const came = next !== undefined && this.count(next.interfaceName, 1) === 1 ? endpointMapEntries(next) : undefined;
    if (gone === undefined && came === undefined) return;
    for (const m of MAP_NAMES) {
      const del = gone ? new Map([[elementKey(gone[m][0]), gone[m] as unknown]]) : new Map<string, unknown>();
      const add = came ? new Map([[elementKey(came[m][0]), came[m] as unknown]]) : new Map<string, unknown>();
      delta.changeMapElements(m, { add, del });
    }
  }

  private count(iface: string, by: number): number {
    const n = (this.interfaces.get(iface) ?? 0) + by;
    if (n === 0) this.interfaces.delete(iface);
    else this.interfaces.set(iface, n);
    return n;
  }

  mapElements(m: MapName): Array<[string, unknown]> {
    return this.order.map((ep) => endpointMapEntries(ep)[m]);
  }
}
