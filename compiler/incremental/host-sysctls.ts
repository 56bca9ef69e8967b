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
import { SortedNames } from './sorted-names';

export class HostSysctls {
  private readonly counts = new Map<string, { readonly s: SysctlModel; n: number }>();
  private readonly keys = new SortedNames();
  private cached: readonly SysctlModel[] | undefined;

  constructor(private readonly host: string) {}

  /** An endpoint left (old), arrived (next), or changed; `state` is any state (only its endpoints are replaced). */
  setEndpoint(state: ClusterState, old: EndpointModel | undefined, next: EndpointModel | undefined): void {
    if (old !== undefined) for (const s of this.of(state, old)) this.count(s, -1);
    if (next !== undefined) for (const s of this.of(state, next)) this.count(s, 1);
  }

  sysctls(): readonly SysctlModel[] {
    this.cached ??= this.keys.list.map((k) => this.counts.get(k)!.s);
    return this.cached;
  }

  private of(state: ClusterState, ep: EndpointModel): SysctlModel[] {
    return sysctlsOf(state, this.host, [ep]);
  }

  private count(s: SysctlModel, by: number): void {
    this.cached = undefined;
    const c = this.counts.get(s.key);
    if (c === undefined) {
      this.counts.set(s.key, { s, n: by });
      this.keys.add(s.key);
    } else if ((c.n += by) === 0) {
      this.counts.delete(s.key);
      this.keys.remove(s.key);
    }
  }
}
