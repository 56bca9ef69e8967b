// The verdict maps of one host's ruleset (interface → jump to the endpoint's
// egress or ingress steps), kept from the local endpoints in document order.
// An element's key is the interface: when two local endpoints claim one
// interface, the last in document order has the element, as the full compile
// writes it. An endpoint whose steps changed changes that element's verdict
// (a del and an add of the same key). Which endpoints are local is
// host-chains.ts's.
import { EndpointModel } from '../model/types';
import { byInterface, MAP_NAMES, MapElem, MapName } from '../compile/nft-document';
import { jsonEqual } from './json-equal';
import { DeltaAccumulator, elementKey } from './snapshot-delta';
import { lowerBound, SortedTable } from './sorted-table';

/** A local endpoint as the maps see it: its model and its elements, by map. */
export interface MapUser {
  readonly model: EndpointModel;
  readonly entries: Record<MapName, MapElem>;
}

const less = (a: MapUser, b: MapUser): boolean => byInterface(a.model, b.model) < 0;

export class HostMaps {
  /** Local endpoints in document order (by interface, then key). */
  private readonly order: MapUser[] = [];
  /** Each map's elements by interface, in document order (interfaces sort as their endpoints do). */
  private readonly tables = new Map<MapName, SortedTable<MapElem>>(MAP_NAMES.map((m) => [m, new SortedTable<MapElem>()]));
  /** Bumped whenever an element changed: the map objects are made again then. */
  version = 0;

  /** Keeps `order` sorted and reports the verdict-map elements that came, went or changed verdict. */
  move(old: MapUser | undefined, next: MapUser | undefined, delta: DeltaAccumulator): void {
    if (old !== undefined && next !== undefined && old.model.interfaceName === next.model.interfaceName && old.model.key === next.model.key &&
      jsonEqual(old.entries, next.entries)) {
      this.order[lowerBound(this.order, old, less)] = next;
      return;
    }
    const ifaces = [...new Set([old?.model.interfaceName, next?.model.interfaceName].filter((x): x is string => x !== undefined))];
    const before = ifaces.map((i) => this.effective(i));
    if (old !== undefined) {
      const i = lowerBound(this.order, old, less);
      if (this.order[i]?.model.key === old.model.key) this.order.splice(i, 1);
    }
    if (next !== undefined) this.order.splice(lowerBound(this.order, next, less), 0, next);
    ifaces.forEach((iface, n) => {
      const was = before[n];
      const now = this.effective(iface);
      for (const m of MAP_NAMES) {
        if (was !== undefined && now !== undefined && jsonEqual(was[m], now[m])) continue;
        if (now === undefined) this.tables.get(m)!.delete(iface);
        else this.tables.get(m)!.set(iface, now[m]);
        this.version++;
        const del = was ? new Map([[elementKey(was[m][0]), was[m] as unknown]]) : new Map<string, unknown>();
        const add = now ? new Map([[elementKey(now[m][0]), now[m] as unknown]]) : new Map<string, unknown>();
        if (del.size + add.size > 0) delta.changeMapElements(m, { add, del });
      }
    });
  }

  /** The elements of the interface's last endpoint in document order, if it has any. */
  private effective(iface: string): Record<MapName, MapElem> | undefined {
    let i = lowerBound(this.order, { model: { interfaceName: iface, key: '' } } as MapUser, less);
    let last: MapUser | undefined;
    for (; i < this.order.length && this.order[i]!.model.interfaceName === iface; i++) last = this.order[i];
    return last?.entries;
  }

  /** The map's elements in document order; never changed once returned. */
  mapElements(m: MapName): readonly MapElem[] {
    return this.tables.get(m)!.values();
  }
}
