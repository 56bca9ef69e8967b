// One host's sysctls, kept as local endpoints change. What an endpoint needs
// is asked of compile/sysctls.ts itself, one endpoint at a time: its settings
// are per interface and address family, plus host-wide forwarding per family,
// so the host's list is the union of its endpoints' lists (an interface two
// endpoints share gets each family's settings once). Kept sorted by key, as
// compileSysctls sorts them; the property test holds the two equal.
import { ClusterState } from '../fold/state';
import { EndpointModel } from '../model/types';
import { SysctlModel } from '../compile/snapshot';
import { sysctlsOf } from '../compile/sysctls';
import { jsonEqual } from './json-equal';
import { Moved, SortedTable } from './sorted-table';

export class HostSysctls {
  /** How many local endpoints ask for each setting. */
  private readonly counts = new Map<string, number>();
  private readonly table = new SortedTable<SysctlModel>({ tracked: true });

  constructor(private readonly host: string) {}

  /** An endpoint left (old), arrived (next), or changed; `state` is any state (only its endpoints are replaced). */
  setEndpoint(state: ClusterState, old: EndpointModel | undefined, next: EndpointModel | undefined): void {
    const before = old === undefined ? [] : this.of(state, old);
    const after = next === undefined ? [] : this.of(state, next);
    // A label edit changes no setting: leaving the counts be keeps the list the same array.
    if (jsonEqual(before, after)) return;
    for (const s of before) this.count(s, -1);
    for (const s of after) this.count(s, 1);
  }

  /** The keys whose setting changed since the last call: the setting before and now. */
  takeMoved(): Map<string, Moved<SysctlModel>> {
    return this.table.takeMoved();
  }

  /** Sorted by key; never changed once returned. */
  sysctls(): readonly SysctlModel[] {
    return this.table.values();
  }

  private of(state: ClusterState, ep: EndpointModel): SysctlModel[] {
    return sysctlsOf(state, this.host, [ep]);
  }

  private count(s: SysctlModel, by: number): void {
    const n = (this.counts.get(s.key) ?? 0) + by;
    if (n === 0) {
      this.counts.delete(s.key);
      this.table.delete(s.key);
    } else {
      this.counts.set(s.key, n);
      if (!this.table.has(s.key)) this.table.set(s.key, s);
    }
  }
}
