// What one ClusterIndex.update moved: endpoints whose model or effective
// labels changed (and the hosts they were or are on), named ports whose set
// of numbers changed, policies, profiles and namespaces that changed, whether
// tiers did, and per membership the addresses that joined and left (a join
// and a leave of one address cancel). Per-host compilers read it to decide
// what to redo; they never look at the whole cluster.
import { Ip } from '../net/ip';
import { ChangeSink, ElementChange, Family, Membership } from './memberships';
import { Entity } from '../fold/changes';

export interface MembershipChange {
  readonly membership: Membership;
  readonly 4: ElementChange;
  readonly 6: ElementChange;
}

export interface IndexDelta {
  readonly endpoints: ReadonlySet<string>;
  readonly hosts: ReadonlySet<string>;
  /** `name|proto` of named ports that gained or lost a port number. */
  readonly portNames: ReadonlySet<string>;
  readonly policies: ReadonlySet<string>;
  readonly profiles: ReadonlySet<string>;
  readonly namespaces: ReadonlySet<string>;
  readonly tiers: boolean;
  /** Other entities that changed (hosts, pools, BGP, IPAM): what routes and BIRD depend on. */
  readonly other: ReadonlySet<Entity>;
  readonly memberships: ReadonlyMap<string, MembershipChange>;
}

export class DeltaBuilder {
  readonly endpoints = new Set<string>();
  readonly hosts = new Set<string>();
  readonly portNames = new Set<string>();
  readonly policies = new Set<string>();
  readonly profiles = new Set<string>();
  readonly namespaces = new Set<string>();
  tiers = false;
  readonly other = new Set<Entity>();
  private readonly moves = new Map<string, { m: Membership; 4: Map<Ip, number>; 6: Map<Ip, number> }>();

  readonly sink: ChangeSink = (m: Membership, family: Family, ip: Ip, op: 'add' | 'del'): void => {
    let e = this.moves.get(m.id);
    if (e === undefined) {
      e = { m, 4: new Map(), 6: new Map() };
      this.moves.set(m.id, e);
    }
    const n = (e[family].get(ip) ?? 0) + (op === 'add' ? 1 : -1);
    if (n === 0) e[family].delete(ip);
    else e[family].set(ip, n);
  };

  build(): IndexDelta {
    const memberships = new Map<string, MembershipChange>();
    for (const [id, e] of this.moves) {
      const split = (m: Map<Ip, number>): ElementChange => {
        const add: Ip[] = [];
        const del: Ip[] = [];
        for (const [ip, n] of m) (n > 0 ? add : del).push(ip);
        return { add, del };
      };
      const c = { membership: e.m, 4: split(e[4]), 6: split(e[6]) };
      if (c[4].add.length + c[4].del.length + c[6].add.length + c[6].del.length > 0) memberships.set(id, c);
    }
    const { endpoints, hosts, portNames, policies, profiles, namespaces, tiers, other } = this;
    return { endpoints, hosts, portNames, policies, profiles, namespaces, tiers, other, memberships };
  }
}
