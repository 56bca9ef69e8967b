// Selector memberships: for each selector scope (and each scope narrowed to
// the endpoints that carry one named port), which endpoints are in it and
// their addresses in set order, per family. A membership is evaluated against
// every candidate endpoint once, when first asked for; afterwards it changes
// only as endpoints change, and reports exactly which addresses came and went
// so a ruleset can be patched by elements. Which endpoints changed, and their
// effective labels, are the cluster index's to say.
import { EndpointModel, NAMESPACE_LABEL } from '../model/types';
import { Ip } from '../net/ip';
import { matches, Selector, SelectorCache, SelectorSource, selectorLabelKeys } from '../selector';
import { Scope, scopeText } from '../compile/scope';
import { Labels } from '../compile/labels';
import { ipSortKey, ipv4Number } from './ip-order';
import { gather4, gather6, gathered, Gathered, inserted, removed, sorted4, sorted6 } from './member-order';

export type Family = 4 | 6;

export interface NamedPortKey {
  readonly name: string;
  readonly proto: number;
  readonly port: number;
}

/** What a membership needs to know of an endpoint (endpoint-entry.ts makes them). */
export interface MemberView {
  readonly model: EndpointModel;
  /** Effective labels. */
  readonly labels: Labels;
  /** What a selector that does not read the namespace label may be matched against: the effective labels, or the same but for that label. */
  readonly selectorLabels: Labels;
  /** Its addresses by family, unique. */
  readonly ips4: readonly Ip[];
  readonly ips6: readonly Ip[];
  /** Sort keys of ips4[i] (ipv4Number) and ips6[i] (ipSortKey), computed once. */
  key4(i: number): number;
  key6(i: number): string;
}

export interface ElementChange {
  readonly add: Ip[];
  readonly del: Ip[];
}

export const portKey = (p: NamedPortKey): string => `${p.name}|${p.proto}|${p.port}`;

export const membershipId = (scope: Scope, port?: NamedPortKey): string =>
  port === undefined ? scopeText(scope) : `${scopeText(scope)}|${port.name}|${port.proto}|${port.port}`;

export class Membership {
  readonly id: string;
  readonly selector: Selector;
  readonly namespaceSelector: Selector | undefined;
  /** Label keys the selector reads: an endpoint whose other labels change cannot move in or out. */
  readonly keys: ReadonlySet<string>;
  private readonly readsNamespaceLabel: boolean;
  /**
   * The members, with the entries their addresses come from: a list as
   * first evaluated, turned into a map by key on the first change (most
   * memberships a full compile evaluates are read once and never change).
   */
  private found: MemberView[] | undefined = [];
  private byKey: Map<string, MemberView> | undefined;
  /** The found members' addresses and sort keys, gathered while each endpoint is at hand, until the set is first sorted. */
  private gathered4: Gathered<number> | undefined = { ips: [], keys: [] };
  private gathered6: Gathered<string> | undefined = { ips: [], keys: [] };
  /** Member addresses of each family in set order, once asked for (copied on write: earlier snapshots hold the old arrays). */
  private sorted4: readonly Ip[] | undefined;
  private sorted6: readonly Ip[] | undefined;

  constructor(readonly scope: Scope, readonly port: NamedPortKey | undefined, cache: SelectorCache) {
    this.id = membershipId(scope, port);
    this.selector = cache.get(scope.selector as SelectorSource);
    this.namespaceSelector = scope.kind === 'namespaces' ? cache.get(scope.namespaceSelector as SelectorSource) : undefined;
    this.keys = new Set(selectorLabelKeys(this.selector));
    this.readsNamespaceLabel = this.keys.has(NAMESPACE_LABEL);
  }

  /** Whether `ep` belongs, given its namespace's labels. */
  admits(ep: MemberView, namespaceLabels: (ns: string) => Labels): boolean {
    const s = this.scope;
    if (s.kind === 'namespace' && ep.model.namespace !== s.namespace) return false;
    if (this.namespaceSelector !== undefined && !matches(this.namespaceSelector, namespaceLabels(ep.model.namespace))) return false;
    return this.admitsInScope(ep);
  }

  /** Whether `ep`, already known to be in the scope's namespaces, belongs: its named port, then the selector. */
  admitsInScope(ep: MemberView): boolean {
    if (this.port !== undefined && !hasPort(ep.model, this.port)) return false;
    return this.selector.kind === 'all' || matches(this.selector, this.readsNamespaceLabel ? ep.labels : ep.selectorLabels);
  }

  /** While first evaluated (MembershipTable.prepare): `e` is in. */
  found1(e: MemberView): void {
    this.found!.push(e);
    if (e.ips4.length > 0) gather4(this.gathered4!, e);
    if (e.ips6.length > 0) gather6(this.gathered6!, e);
  }

  has(key: string): boolean {
    return this.members().has(key);
  }

  /**
   * Whether `key`, whose entry is `e`, is a member. While the members are
   * still the list first evaluated, that is whether `e` is admitted — the
   * members are exactly the admitted endpoints of the scope, kept so by every
   * change the index makes (endpoints, namespace labels) — so a label edit
   * need not turn the lists of every membership it meets into maps.
   */
  holds(key: string, e: MemberView, namespaceLabels: (ns: string) => Labels): boolean {
    return this.byKey !== undefined ? this.byKey.has(key) : this.admits(e, namespaceLabels);
  }

  member(key: string): MemberView | undefined {
    return this.members().get(key);
  }

  /** Member addresses of one family in set order; the array is never mutated afterwards. */
  elements(family: Family): readonly Ip[] {
    if (family === 4) {
      if (this.sorted4 === undefined) {
        this.sorted4 = sorted4(this.gathered4 ?? gathered(this.byKey!.values(), 4, gather4));
        this.gathered4 = undefined;
      }
      return this.sorted4;
    }
    if (this.sorted6 === undefined) {
      this.sorted6 = sorted6(this.gathered6 ?? gathered(this.byKey!.values(), 6, gather6));
      this.gathered6 = undefined;
    }
    return this.sorted6;
  }

  /** Records that `key` joined with `e`'s addresses; the sink hears of each. */
  join(key: string, e: MemberView, out: ChangeSink): void {
    if (this.byKey !== undefined) this.byKey.set(key, e);
    else {
      // Still the list first evaluated: it grows as it did then (the caller knows `key` is not in it).
      this.found!.push(e);
      if (this.gathered4 !== undefined && e.ips4.length > 0) gather4(this.gathered4, e);
      if (this.gathered6 !== undefined && e.ips6.length > 0) gather6(this.gathered6, e);
    }
    const ips4 = e.ips4;
    for (let i = 0; i < ips4.length; i++) {
      out(this, 4, ips4[i]!, 'add');
      if (this.sorted4 !== undefined) this.sorted4 = inserted(this.sorted4, ips4[i]!, e.key4(i), ipv4Number);
    }
    const ips6 = e.ips6;
    for (let i = 0; i < ips6.length; i++) {
      out(this, 6, ips6[i]!, 'add');
      if (this.sorted6 !== undefined) this.sorted6 = inserted(this.sorted6, ips6[i]!, e.key6(i), ipSortKey);
    }
  }

  /** Records that `key` left, having had `e`'s addresses. */
  leave(key: string, e: MemberView, out: ChangeSink): void {
    this.members().delete(key);
    const ips4 = e.ips4;
    for (let i = 0; i < ips4.length; i++) {
      out(this, 4, ips4[i]!, 'del');
      if (this.sorted4 !== undefined) this.sorted4 = removed(this.sorted4, e.key4(i), ipv4Number);
    }
    const ips6 = e.ips6;
    for (let i = 0; i < ips6.length; i++) {
      out(this, 6, ips6[i]!, 'del');
      if (this.sorted6 !== undefined) this.sorted6 = removed(this.sorted6, e.key6(i), ipSortKey);
    }
  }

  /**
   * `key` stays a member with a new entry (same addresses and ports, other
   * labels). The list first evaluated keeps the old entry: members' entries
   * are read for their addresses only, which are the same.
   */
  refresh(key: string, e: MemberView): void {
    if (this.byKey !== undefined) this.byKey.set(key, e);
  }

  private members(): Map<string, MemberView> {
    if (this.byKey === undefined) {
      const m = new Map<string, MemberView>();
      for (const e of this.found!) m.set(e.model.key, e);
      this.byKey = m;
      this.found = undefined;
      this.gathered4 = undefined;
      this.gathered6 = undefined;
    }
    return this.byKey;
  }
}

export type ChangeSink = (m: Membership, family: Family, ip: Ip, op: 'add' | 'del') => void;

const hasPort = (ep: EndpointModel, p: NamedPortKey): boolean => {
  for (const q of ep.ports) if (q.name === p.name && q.protocol === p.proto && q.port === p.port) return true;
  return false;
};
