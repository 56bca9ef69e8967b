// ClusterIndex: what the compiler asks of the whole cluster, answered without
// scanning it — each endpoint's effective labels and sorted addresses,
// endpoints by host, namespace and profile, the port numbers each named port
// stands for, policies by namespace, and selector memberships
// (memberships.ts). Built from a ClusterState in one pass, which only sorts
// endpoints by host and namespace and counts named ports (endpoint-buckets.ts
// makes a namespace's entries when a membership first reads it), then kept
// current by update(next, changes), whose cost follows what changed, not the
// cluster's size. It reports what moved (index-delta.ts) so per-host compilers know
// what to redo. An instance belongs to its caller (mutable, never shared
// through module state); a full compile may build a throw-away one.
import { ClusterState } from '../fold/state';
import { Change } from '../fold/changes';
import { EndpointModel, PolicyModel } from '../model/types';
import { Ip } from '../net/ip';
import { SelectorCache, SelectorSource } from '../selector';
import { sha256Hex } from '../hash/canonical';
import { Labels, labelsWith, namespaceLabels } from '../compile/labels';
import { Scope } from '../compile/scope';
import { changedLabelKeys, EndpointEntry, sameAddressesAndPorts, sameLabels } from './endpoint-entry';
import { DeltaBuilder, IndexDelta } from './index-delta';
import { Family, Membership, NamedPortKey } from './memberships';
import { MembershipTable } from './membership-table';
import { EndpointBuckets } from './endpoint-buckets';
import { PolicyCandidates } from './policy-candidates';

/** Set names are memoised up to this many identities, then the memo starts over (it only saves hashing). */
const SET_NAME_MEMO = 200_000;
/** Steps-chain hashes likewise (a recipe is a few hundred bytes). */
const STEPS_HASH_MEMO = 20_000;

export class ClusterIndex {
  readonly cache = new SelectorCache();
  private current: ClusterState;
  private readonly buckets: EndpointBuckets;
  /** Effective labels of endpoints asked for by model (a host's own, once per policy): dropped when a profile changes. */
  private labelMemo = new WeakMap<EndpointModel, Labels>();
  /** Profiles' labelsToApply and namespaces' labels, in plain maps: every label computation reads them. */
  private readonly profileLabels = new Map<string, Labels>();
  private readonly nsLabels = new Map<string, Labels>();
  /** Policy models by id (every endpoint compiled asks for its candidates; looking each up in the state showed in profiles). */
  private readonly policiesByNamespace = new Map<string, Map<string, PolicyModel>>();
  /** Cluster-wide policies, filed by a label their selector requires. */
  private readonly globalPolicies = new PolicyCandidates();
  /** Set names by prefix, family and identity (nested: no key string is built per question). */
  private readonly setNames = new Map<string, { readonly v4: Map<string, string>; readonly v6: Map<string, string> }>();
  private setNameCount = 0;
  private readonly stepsHashes = new Map<string, string>();
  private readonly table: MembershipTable;

  constructor(state: ClusterState) {
    this.current = state;
    this.buckets = new EndpointBuckets(this.makeEntry);
    this.table = new MembershipTable({
      cache: this.cache,
      namespaceLabels: (ns) => this.namespaceLabels(ns),
      inNamespace: (ns) => this.buckets.entriesIn(ns)?.values() ?? [],
      namespaces: () => this.buckets.namespaces(),
    });
    for (const p of state.profiles.values()) this.profileLabels.set(p.name, p.labelsToApply);
    // forEach: iterating an immutable Map of 100,000 through values() allocates a result object per step.
    state.endpoints.forEach((ep) => {
      this.buckets.addModel(ep);
    });
    for (const p of state.policies.values()) this.addPolicy(p);
  }

  get state(): ClusterState {
    return this.current;
  }

  /** The endpoints on `host` (unordered). */
  localEndpoints(host: string): EndpointModel[] {
    return this.buckets.onHost(host);
  }

  /** The effective labels of an endpoint of the current state (what its entry holds, without looking the entry up). */
  endpointLabels(ep: EndpointModel): Labels {
    let l = this.labelMemo.get(ep);
    if (l === undefined) {
      l = this.effectiveLabels(ep);
      this.labelMemo.set(ep, l);
    }
    return l;
  }

  namespaceLabels(ns: string): Labels {
    let l = this.nsLabels.get(ns);
    if (l === undefined) {
      l = namespaceLabels(this.current, ns);
      this.nsLabels.set(ns, l);
    }
    return l;
  }

  /**
   * Policies that can apply to an endpoint of `namespace` with (effective)
   * `labels`: its namespace's, and the global ones its labels can be
   * selected by (unordered; a superset of those that apply).
   */
  candidatePolicies(namespace: string, labels: Labels): PolicyModel[] {
    const out: PolicyModel[] = [];
    for (const p of this.policiesByNamespace.get(namespace)?.values() ?? []) out.push(p);
    this.globalPolicies.collect(labels, out);
    return out;
  }

  /** The port numbers endpoints give the named port `name` over `proto`, ascending. */
  namedPortNumbers(name: string, proto: number): number[] {
    return this.buckets.namedPortNumbers(name, proto);
  }

  /** The nft set name for an identity: a hash, memoised because every rule naming a set asks again. */
  setName(prefix: string, family: Family, identity: string): string {
    let byFamily = this.setNames.get(prefix);
    if (byFamily === undefined) {
      byFamily = { v4: new Map(), v6: new Map() };
      this.setNames.set(prefix, byFamily);
    }
    const memo = family === 4 ? byFamily.v4 : byFamily.v6;
    let name = memo.get(identity);
    if (name === undefined) {
      name = `${prefix}${family}-${sha256Hex(identity).slice(0, 12)}`;
      if (this.setNameCount >= SET_NAME_MEMO) {
        for (const m of this.setNames.values()) {
          m.v4.clear();
          m.v6.clear();
        }
        this.setNameCount = 0;
      }
      memo.set(identity, name);
      this.setNameCount++;
    }
    return name;
  }

  /** The hash naming a steps chain, by the recipe its rules are made from (compile/nft-chains.ts): memoised, as set names are. */
  stepsHash(recipe: string, hash: () => string): string {
    let h = this.stepsHashes.get(recipe);
    if (h === undefined) {
      h = hash();
      if (this.stepsHashes.size >= STEPS_HASH_MEMO) this.stepsHashes.clear();
      this.stepsHashes.set(recipe, h);
    }
    return h;
  }

  /** The membership of a scope (narrowed to a named port), evaluated on first use. */
  membership(scope: Scope, port?: NamedPortKey): Membership {
    return this.table.get(scope, port);
  }

  /** Evaluates the memberships of these scopes that are not yet, together (one pass over the cluster); membership() then finds them. */
  prepareMemberships(wanted: Iterable<{ readonly scope: Scope; readonly port?: NamedPortKey | undefined }>): void {
    this.table.prepare(wanted);
  }

  /** Member addresses of a membership, sorted for the set. */
  elements(m: Membership, family: Family): readonly Ip[] {
    return m.elements(family);
  }

  /** Forgets a membership nobody uses any more; asking for it again evaluates it again. */
  forget(id: string): void {
    this.table.drop(id);
  }

  /** Brings the index to `next`, given the fold's changes from the current state; says what moved. */
  update(next: ClusterState, changes: readonly Change[]): IndexDelta {
    const delta = new DeltaBuilder();
    const prev = this.current;
    this.current = next;
    const touched = new Set<string>();
    for (const c of changes) {
      switch (c.entity) {
        case 'endpoint':
          touched.add(c.key);
          break;
        case 'profile': {
          delta.profiles.add(c.key);
          const users = [...this.buckets.withProfile(c.key)];
          // Their entries are made with the profile as it was (they are compared with what it makes now).
          for (const m of users) this.buckets.entriesIn(m.namespace);
          const p = next.profiles.get(c.key);
          if (p) this.profileLabels.set(c.key, p.labelsToApply);
          else this.profileLabels.delete(c.key);
          this.labelMemo = new WeakMap();
          for (const m of users) touched.add(m.key);
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
      const was = prev.endpoints.get(key);
      const old = was === undefined ? undefined : this.buckets.entriesIn(was.namespace)?.get(key);
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
    return !sameLabels(old.labels, this.effectiveLabels(model));
  }

  private effectiveLabels(model: EndpointModel): Labels {
    return labelsWith((name) => this.profileLabels.get(name), model);
  }

  /** Swaps an endpoint's entry; memberships it leaves are left now, those it joins in the returned step. */
  private replaceEndpoint(key: string, old: EndpointEntry | undefined, model: EndpointModel | undefined, delta: DeltaBuilder): () => void {
    if (old) this.buckets.remove(old, delta.portNames);
    const entry = model === undefined ? undefined : this.makeEntry(model);
    if (entry) this.buckets.add(entry, delta.portNames);
    const changedKeys = old && entry && sameAddressesAndPorts(old.model, entry.model) ? changedLabelKeys(old.labels, entry.labels) : undefined;
    return this.table.reevaluate(key, old, entry, changedKeys, delta.sink);
  }

  private readonly makeEntry = (model: EndpointModel): EndpointEntry => {
    // Effective labels are made now only if a profile adds some: they depend on the profile as it is now.
    const profiles = model.profiles;
    for (let i = 0; i < profiles.length; i++) if (this.profileLabels.get(profiles[i]!) !== undefined) return new EndpointEntry(model, this.effectiveLabels(model));
    return new EndpointEntry(model, undefined);
  };

  private addPolicy(p: PolicyModel): void {
    if (p.kind === 'NetworkPolicy' && p.namespace !== undefined) {
      let inNs = this.policiesByNamespace.get(p.namespace);
      if (inNs === undefined) {
        inNs = new Map();
        this.policiesByNamespace.set(p.namespace, inNs);
      }
      inNs.set(p.id, p);
    } else this.globalPolicies.add(p, this.cache.get(p.selector as SelectorSource));
  }

  private removePolicy(p: PolicyModel): void {
    if (p.kind === 'NetworkPolicy' && p.namespace !== undefined) {
      const inNs = this.policiesByNamespace.get(p.namespace);
      inNs?.delete(p.id);
      if (inNs?.size === 0) this.policiesByNamespace.delete(p.namespace);
    } else this.globalPolicies.remove(p.id);
  }
}
