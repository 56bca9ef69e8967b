// Selector memberships: for each selector scope (and each scope narrowed to
// the endpoints that carry one named port), which endpoints are in it and
// their addresses in set order, per family. A membership is evaluated against
// every candidate endpoint once, when first asked for; afterwards it changes
// only as endpoints change, and reports exactly which addresses came and went
// so a ruleset can be patched by elements. Which endpoints changed, and their
// effective labels, are the cluster index's to say.
import { EndpointModel } from '../model/types';
import { Ip } from '../net/ip';
import { matches, Selector, SelectorCache, SelectorSource, selectorLabelKeys } from '../selector';
import { Scope, scopeText } from '../compile/scope';
import { Labels } from '../compile/labels';
import { byKey, ipSortKey, KeyedIp } from './ip-order';

export type Family = 4 | 6;

export interface NamedPortKey {
  readonly name: string;
  readonly proto: number;
  readonly port: number;
}

/** What a membership needs to know of an endpoint. */
export interface MemberView {
  readonly model: EndpointModel;
  readonly labels: Labels;
  /** Its addresses by family (sort keys are computed when a set needs them). */
  readonly ips: { readonly 4: readonly Ip[]; readonly 6: readonly Ip[] };
}

export interface ElementChange {
  readonly add: Ip[];
  readonly del: Ip[];
}

interface Sorted {
  ips: Ip[];
  keys: string[];
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
  readonly members = new Set<string>();
  private readonly sorted: { 4: Sorted | undefined; 6: Sorted | undefined } = { 4: undefined, 6: undefined };

  constructor(readonly scope: Scope, readonly port: NamedPortKey | undefined, cache: SelectorCache) {
    this.id = membershipId(scope, port);
    this.selector = cache.get(scope.selector as SelectorSource);
    this.namespaceSelector = scope.kind === 'namespaces' ? cache.get(scope.namespaceSelector as SelectorSource) : undefined;
    this.keys = new Set(selectorLabelKeys(this.selector));
  }

  /** Whether `ep` belongs, given its namespace's labels. */
  admits(ep: MemberView, namespaceLabels: (ns: string) => Labels): boolean {
    const s = this.scope;
    if (s.kind === 'namespace' && ep.model.namespace !== s.namespace) return false;
    if (this.port !== undefined && !hasPort(ep.model, this.port)) return false;
    if (this.namespaceSelector !== undefined && !matches(this.namespaceSelector, namespaceLabels(ep.model.namespace))) return false;
    return matches(this.selector, ep.labels);
  }

  /** Member addresses of one family in set order; the array is never mutated afterwards. */
  elements(family: Family, view: (key: string) => MemberView | undefined): readonly Ip[] {
    let s = this.sorted[family];
    if (s === undefined) {
      const all: KeyedIp[] = [];
      for (const key of this.members) for (const ip of view(key)?.ips[family] ?? []) all.push({ ip, key: ipSortKey(ip) });
      all.sort(byKey);
      s = { ips: all.map((k) => k.ip), keys: all.map((k) => k.key) };
      this.sorted[family] = s;
    }
    return s.ips;
  }

  /** Records that `key` joined with `ips`, or left having had them; returns nothing, the caller collects changes. */
  join(key: string, ips: MemberView['ips'], out: ChangeSink): void {
    this.members.add(key);
    for (const f of [4, 6] as const) for (const ip of ips[f]) this.insert(f, { ip, key: ipSortKey(ip) }, out);
  }

  leave(key: string, ips: MemberView['ips'], out: ChangeSink): void {
    this.members.delete(key);
    for (const f of [4, 6] as const) for (const ip of ips[f]) this.remove(f, { ip, key: ipSortKey(ip) }, out);
  }

  private insert(f: Family, k: KeyedIp, out: ChangeSink): void {
    out(this, f, k.ip, 'add');
    const s = this.sorted[f];
    if (s === undefined) return;
    const i = lowerBound(s.keys, k.key);
    if (s.keys[i] === k.key) return;
    // Copy on write: earlier snapshots hold the old arrays.
    const ips = s.ips.slice();
    const keys = s.keys.slice();
    ips.splice(i, 0, k.ip);
    keys.splice(i, 0, k.key);
    this.sorted[f] = { ips, keys };
  }

  private remove(f: Family, k: KeyedIp, out: ChangeSink): void {
    out(this, f, k.ip, 'del');
    const s = this.sorted[f];
    if (s === undefined) return;
    const i = lowerBound(s.keys, k.key);
    if (s.keys[i] !== k.key) return;
    const ips = s.ips.slice();
    const keys = s.keys.slice();
    ips.splice(i, 1);
    keys.splice(i, 1);
    this.sorted[f] = { ips, keys };
  }
}

export type ChangeSink = (m: Membership, family: Family, ip: Ip, op: 'add' | 'del') => void;

const hasPort = (ep: EndpointModel, p: NamedPortKey): boolean => {
  for (const q of ep.ports) if (q.name === p.name && q.protocol === p.proto && q.port === p.port) return true;
  return false;
};

const lowerBound = (xs: readonly string[], k: string): number => {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};
