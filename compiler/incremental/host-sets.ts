// The named sets one host's ruleset holds, counted by the chains that name
// them: a set appears with its first user and goes with its last. Each set's
// document object is kept and rebuilt only when its members change, which the
// cluster index reports per membership with the addresses that came and went
// — so a set of 100,000 members that gains one costs one copy of its array,
// not a recomputation. Which chains need which sets is host-chains.ts's.
import { prepareMemberships, setObject } from '../compile/nft-objects';
import { SetSpec } from '../compile/set-registry';
import type { ClusterIndex } from './cluster-index';
import type { MembershipChange } from './index-delta';
import { Membership, membershipId } from './memberships';
import { DeltaAccumulator, elementKey } from './snapshot-delta';
import { SortedTable } from './sorted-table';

interface UsedSet {
  readonly spec: SetSpec;
  refs: number;
  /** The membership its elements come from (none for a fixed set), once looked up. */
  membership: Membership | undefined;
  readonly membershipId: string | undefined;
  /** Undefined while its elements wait for the batch (see defer). */
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
  /** Each set's object by name, in name order (undefined while waiting for flush). */
  private readonly objects = new SortedTable<unknown>();
  /** Sets retained since defer(), whose objects flush() makes. */
  private pending: UsedSet[] | undefined;

  constructor(private readonly index: ClusterIndex, private readonly users: MembershipUsers) {}

  /** The set objects in name order; never changed once returned. */
  objectList(): readonly unknown[] {
    return this.objects.values();
  }

  /**
   * Until flush(), sets retained get their objects later, all at once: the
   * memberships they need are then evaluated together, in one pass over the
   * cluster (a host's first compile).
   */
  defer(): void {
    this.pending ??= [];
  }

  flush(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return;
    const live = pending.filter((u) => this.used.get(u.spec.name) === u);
    prepareMemberships(this.index, live.map((u) => u.spec));
    for (const u of live) this.fill(u);
  }

  retain(spec: SetSpec, delta: DeltaAccumulator): void {
    const hit = this.used.get(spec.name);
    if (hit !== undefined) {
      hit.refs++;
      return;
    }
    const src = spec.source;
    const id = src.kind === 'members' ? membershipId(src.scope, src.port) : undefined;
    const u: UsedSet = { spec, refs: 1, membership: undefined, membershipId: id, object: undefined };
    this.used.set(spec.name, u);
    if (id !== undefined) {
      this.users.retain(id);
      const names = this.byMembership.get(id) ?? new Set<string>();
      names.add(spec.name);
      this.byMembership.set(id, names);
    }
    this.objects.set(spec.name, undefined);
    delta.addSet(spec.name);
    if (this.pending !== undefined) this.pending.push(u);
    else this.fill(u);
  }

  private fill(u: UsedSet): void {
    const src = u.spec.source;
    if (src.kind === 'members') {
      u.membership = this.index.membership(src.scope, src.port);
      u.object = setObject(u.spec, this.index.elements(u.membership, u.spec.family));
    } else u.object = setObject(u.spec, src.elements);
    this.objects.set(u.spec.name, u.object);
  }

  release(name: string, delta: DeltaAccumulator): void {
    const u = this.used.get(name)!;
    if (--u.refs > 0) return;
    this.used.delete(name);
    if (u.membershipId !== undefined) {
      const names = this.byMembership.get(u.membershipId)!;
      names.delete(name);
      if (names.size === 0) this.byMembership.delete(u.membershipId);
      this.users.release(u.membershipId);
    }
    this.objects.delete(name);
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
        this.objects.set(name, u.object);
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
