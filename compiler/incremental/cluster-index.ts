// ClusterIndex: what the compiler asks of the whole cluster, answered without
// scanning it — each endpoint's effective labels and sorted addresses,
// endpoints by host, namespace and profile, the port numbers each named port
// stands for, policies by namespace, and selector memberships
// (memberships.ts). Built from a ClusterState in one pass, then kept current
// by update(next, changes), whose cost follows what changed, not the cluster's
// size. It reports what moved (index-delta.ts) so per-host compilers know
// what to redo. An instance belongs to its caller (mutable, never shared
// through module state); a full compile may build a throw-away one.
import { ClusterState } from '../fold/state';
import { Change } from '../fold/changes';
import { EndpointModel, PolicyModel } from '../model/types';
import { Ip } from '../net/ip';
import { SelectorCache } from '../selector';
import { sha256Hex } from '../hash/canonical';
import { Labels, labelsWith, namespaceLabels } from '../compile/labels';
import { Scope } from '../compile/scope';
import { changedLabelKeys, EndpointEntry, endpointEntry, sameAddressesAndPorts, sameLabels } from './endpoint-entry';
import { DeltaBuilder, IndexDelta } from './index-delta';
import { Family, Membership, NamedPortKey } from './memberships';
import { MembershipTable } from './membership-table';
import { addTo, removeFrom } from './multimap';

export type { EndpointEntry };

/** Set names are memoised up to this many identities, then the memo starts over (it only saves hashing). */
const SET_NAME_MEMO = 200_000;

export class ClusterIndex {
  readonly cache = new SelectorCache();
  private current: ClusterState;
  private readonly endpoints = new Map<string, EndpointEntry>();
  private readonly byHost = new Map<string, Set<string>>();
  private readonly byNamespace = new Map<string, Map<string, EndpointEntry>>();
  /** Profiles' labelsToApply and namespaces' labels, in plain maps: every label computation reads them. */
  private readonly profileLabels = new Map<string, Labels>();
  private readonly nsLabels = new Map<string, Labels>();
  private readonly byProfile = new Map<string, Set<string>>();
  /** `name|proto` → port number → how many endpoints name it so. */
  private readonly portNumbers = new Map<string, Map<number, number>>();
  private readonly policiesByNamespace = new Map<string, Set<string>>();
  private readonly globalPolicies = new Set<string>();
  private readonly setNames = new Map<string, string>();
  private readonly table: MembershipTable;

  constructor(state: ClusterState) {
    this.current = state;
    this.table = new MembershipTable({
      cache: this.cache,
      view: (key) => this.endpoints.get(key),
      namespaceLabels: (ns) => this.namespaceLabels(ns),
      inNamespace: (ns) => this.byNamespace.get(ns)?.values() ?? [],
      namespaces: () => this.byNamespace.keys(),
    });
    for (const p of state.profiles.values()) this.profileLabels.set(p.name, p.labelsToApply);
    for (const ep of state.endpoints.values()) this.addEndpoint(ep, undefined);
    for (const p of state.policies.values()) this.addPolicy(p);
  }

  get state(): ClusterState {
    return this.current;
  }

  endpoint(key: string): EndpointEntry | undefined {
    return this.endpoints.get(key);
  }

  /** The endpoints on `host` (unordered). */
  localEndpoints(host: string): EndpointModel[] {
    return [...(this.byHost.get(host) ?? [])].map((k) => this.endpoints.get(k)!.model);
  }

  labels(key: string): Labels | undefined {
    return this.endpoints.get(key)?.labels;
  }

  namespaceLabels(ns: string): Labels {
    let l = this.nsLabels.get(ns);
    if (l === undefined) {
      l = namespaceLabels(this.current, ns);
      this.nsLabels.set(ns, l);
    }
    return l;
  }

  /** Policies that can apply to an endpoint of `namespace`: its namespace's and the global ones (unordered). */
  candidatePolicies(namespace: string): PolicyModel[] {
    const out: PolicyModel[] = [];
    for (const id of this.policiesByNamespace.get(namespace) ?? []) out.push(this.current.policies.get(id)!);
    for (const id of this.globalPolicies) out.push(this.current.policies.get(id)!);
    return out;
  }

  /** The port numbers endpoints give the named port `name` over `proto`, ascending. */
  namedPortNumbers(name: string, proto: number): number[] {
    return [...(this.portNumbers.get(`${name}|${proto}`)?.keys() ?? [])].sort((a, b) => a - b);
  }

  /** The nft set name for an identity: a hash, memoised because every rule naming a set asks again. */
  setName(prefix: string, family: Family, identity: string): string {
    const memo = `${prefix}${family}|${identity}`;
    let name = this.setNames.get(memo);
    if (name === undefined) {
      name = `${prefix}${family}-${sha256Hex(identity).slice(0, 12)}`;
      if (this.setNames.size >= SET_NAME_MEMO) this.setNames.clear();
      this.setNames.set(memo, name);
    }
    return name;
  }

  /** The membership of a scope (narrowed to a named port), evaluated on first use. */
  membership(scope: Scope, port?: NamedPortKey): Membership {
    return this.table.get(scope, port);
  }

  /** An existing membership by id, if it was ever asked for. */
  membershipById(id: string): Membership | undefined {
    return this.table.byId(id);
  }

  /** Member addresses of a membership, sorted for the set. */
  elements(m: Membership, family: Family): readonly Ip[] {
    return m.elements(family, (k) => this.endpoints.get(k));
  }

  /** Forgets a membership nobody uses any more; asking for it again evaluates it again. */
  forget(id: string): void {
    this.table.drop(id);
  }

  /** Brings the index to `next`, given the fold's changes from the current state; says what moved. */
  update(next: ClusterState, changes: readonly Change[]): IndexDelta {
    const delta = new DeltaBuilder();
    this.current = next;
    const touched = new Set<string>();
    for (const c of changes) {
      switch (c.entity) {
        case 'endpoint':
          touched.add(c.key);
          break;
        case 'profile': {
          delta.profiles.add(c.key);
          const p = next.profiles.get(c.key);
          if (p) this.profileLabels.set(c.key, p.labelsToApply);
          else this.profileLabels.delete(c.key);
          for (const k of this.byProfile.get(c.key) ?? []) touched.add(k);
          break;
        }
        case 'namespace':
          delta.namespaces.add(c.key);
          this.nsLabels.delete(c.key);
          this.table.namespaceRelabelled(c.key, delta.sink);
          break;
        case 'policy': {
          delta.policies.add(c.key);
          const before = c.before as PolicyModel | undefined;
          if (before) this.removePolicy(before);
          const after = next.policies.get(c.key);
          if (after) this.addPolicy(after);
          break;
        }
        case 'tier':
          delta.tiers = true;
          break;
        default:
          delta.other.add(c.entity);
      }
    }
    // Leaves before joins, so an address passing from one endpoint to another in one batch is never lost.
    const joins: Array<() => void> = [];
    for (const key of [...touched].sort()) {
      const old = this.endpoints.get(key);
      const model = next.endpoints.get(key);
      if (old !== undefined && model !== undefined && old.model === model && !this.labelsChanged(old, model)) continue;
      delta.endpoints.add(key);
      if (old) delta.hosts.add(old.model.host);
      if (model) delta.hosts.add(model.host);
      joins.push(this.replaceEndpoint(key, old, model, delta));
    }
    for (const j of joins) j();
    return delta.build();
  }

  private labelsChanged(old: EndpointEntry, model: EndpointModel): boolean {
    return !sameLabels(old.labels, this.labelsOf(model));
  }

  private labelsOf(model: EndpointModel): Labels {
    return labelsWith((name) => this.profileLabels.get(name), model);
  }

  /** Swaps an endpoint's entry; memberships it leaves are left now, those it joins in the returned step. */
  private replaceEndpoint(key: string, old: EndpointEntry | undefined, model: EndpointModel | undefined, delta: DeltaBuilder): () => void {
    if (old) this.unindexEndpoint(old, delta);
    const entry = model === undefined ? undefined : this.makeEntry(model);
    if (entry) {
      this.endpoints.set(key, entry);
      this.indexEndpoint(entry, delta);
    }
    const changedKeys = old && entry && sameAddressesAndPorts(old.model, entry.model) ? changedLabelKeys(old.labels, entry.labels) : undefined;
    return this.table.reevaluate(key, old, entry, changedKeys, delta.sink);
  }

  private makeEntry(model: EndpointModel): EndpointEntry {
    return endpointEntry(model, this.labelsOf(model));
  }

  private addEndpoint(model: EndpointModel, delta: DeltaBuilder | undefined): void {
    const entry = this.makeEntry(model);
    this.endpoints.set(model.key, entry);
    this.indexEndpoint(entry, delta);
  }

  private indexEndpoint(e: EndpointEntry, delta: DeltaBuilder | undefined): void {
    const m = e.model;
    addTo(this.byHost, m.host, m.key);
    let inNs = this.byNamespace.get(m.namespace);
    if (inNs === undefined) {
      inNs = new Map();
      this.byNamespace.set(m.namespace, inNs);
    }
    inNs.set(m.key, e);
    for (const p of m.profiles) addTo(this.byProfile, p, m.key);
    for (const p of m.ports) {
      const name = `${p.name}|${p.protocol}`;
      const counts = this.portNumbers.get(name) ?? new Map<number, number>();
      const n = counts.get(p.port) ?? 0;
      counts.set(p.port, n + 1);
      this.portNumbers.set(name, counts);
      if (n === 0) delta?.portNames.add(name);
    }
  }

  private unindexEndpoint(e: EndpointEntry, delta: DeltaBuilder): void {
    const m = e.model;
    this.endpoints.delete(m.key);
    removeFrom(this.byHost, m.host, m.key);
    const inNs = this.byNamespace.get(m.namespace);
    inNs?.delete(m.key);
    if (inNs?.size === 0) this.byNamespace.delete(m.namespace);
    for (const p of m.profiles) removeFrom(this.byProfile, p, m.key);
    for (const p of m.ports) {
      const name = `${p.name}|${p.protocol}`;
      const counts = this.portNumbers.get(name)!;
      const n = counts.get(p.port)! - 1;
      if (n > 0) counts.set(p.port, n);
      else {
        counts.delete(p.port);
        if (counts.size === 0) this.portNumbers.delete(name);
        delta.portNames.add(name);
      }
    }
  }

  private addPolicy(p: PolicyModel): void {
    if (p.kind === 'NetworkPolicy' && p.namespace !== undefined) addTo(this.policiesByNamespace, p.namespace, p.id);
    else this.globalPolicies.add(p.id);
  }

  private removePolicy(p: PolicyModel): void {
    if (p.kind === 'NetworkPolicy' && p.namespace !== undefined) removeFrom(this.policiesByNamespace, p.namespace, p.id);
    else this.globalPolicies.delete(p.id);
  }
}
