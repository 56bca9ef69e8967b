// The named sets one host's ruleset holds, counted by the chains that name
// them: a set appears with its first user and goes with its last. Each set's
// document object is kept and rebuilt only when its members change, which the
// cluster index reports per membership with the addresses that came and went
// — so a set of 100,000 members that gains one costs one copy of its array,
// not a recomputation. Which chains need which sets is host-chains.ts's.
import { setObject } from '../compile/nft-document';
import { SetSpec } from '../compile/set-registry';
import type { ClusterIndex } from './cluster-index';
import type { MembershipChange } from './index-delta';
import { Membership } from './memberships';
import { DeltaAccumulator, elementKey } from './snapshot-delta';
import { SortedNames } from './sorted-names';

interface UsedSet {
  readonly spec: SetSpec;
  refs: number;
  readonly membership: Membership | undefined;
  object: unknown;
}

/** How many hosts use each membership: the index may forget one nobody uses. */
export interface MembershipUsers {
  retain(id: string): void;
  release(id: string): void;
}

export class HostSets {
  private readonly used = new Map<string, UsedSet>();
  private readonly byMembership = new Map<string, Set<string>>();
  readonly names = new SortedNames();

  constructor(private readonly index: ClusterIndex, private readonly users: MembershipUsers) {}

  object(name: string): unknown {
    return this.used.get(name)!.object;
  }

  retain(spec: SetSpec, delta: DeltaAccumulator): void {
    const hit = this.used.get(spec.name);
    if (hit !== undefined) {
      hit.refs++;
      return;
    }
    const src = spec.source;
    const membership = src.kind === 'members' ? this.index.membership(src.scope, src.port) : undefined;
    const elements = membership === undefined ? (src as { elements: readonly unknown[] }).elements : this.index.elements(membership, spec.family);
    this.used.set(spec.name, { spec, refs: 1, membership, object: setObject(spec, elements) });
    if (membership !== undefined) {
      this.users.retain(membership.id);
      const names = this.byMembership.get(membership.id) ?? new Set<string>();
      names.add(spec.name);
      this.byMembership.set(membership.id, names);
    }
    this.names.add(spec.name);
    delta.addSet(spec.name);
  }

  release(name: string, delta: DeltaAccumulator): void {
    const u = this.used.get(name)!;
    if (--u.refs > 0) return;
    this.used.delete(name);
    if (u.membership !== undefined) {
      const names = this.byMembership.get(u.membership.id)!;
      names.delete(name);
      if (names.size === 0) this.byMembership.delete(u.membership.id);
      this.users.release(u.membership.id);
    }
    this.names.remove(name);
    delta.removeSet(name);
  }

  /** Members moved: the sets of this host built from those memberships get new objects and element deltas. */
  membersMoved(changes: Iterable<MembershipChange>, delta: DeltaAccumulator): void {
    for (const c of changes) {
      for (const name of this.byMembership.get(c.membership.id) ?? []) {
        const u = this.used.get(name)!;
        const moved = c[u.spec.family];
        if (moved.add.length + moved.del.length === 0) continue;
        u.object = setObject(u.spec, this.index.elements(c.membership, u.spec.family));
        delta.changeSetElements(name, {
          add: new Map(moved.add.map((ip) => [elementKey(ip), ip])),
          del: new Map(moved.del.map((ip) => [elementKey(ip), ip])),
        });
      }
    }
  }

  /** Ids of the memberships this host's sets are built from. */
  memberships(): Iterable<string> {
    return this.byMembership.keys();
  }
}
