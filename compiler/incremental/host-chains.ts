// The chains of one host's ruleset, kept between updates: the shared chains
// each local endpoint uses — its steps (shared by endpoints with the same
// policies and profiles; an endpoint has no chain of its own) and the policy
// and profile chains those jump to — counted by the endpoint-directions that use them (a chain appears with its
// first user and goes with its last, taking its sets along through
// host-sets.ts). Rebuilding a chain whose rules come out equal keeps the old
// objects, so the document changes only where the ruleset does. Deciding
// which endpoints and chains to rebuild is host-compiler.ts's job.
import { ClusterState } from '../fold/state';
import { EndpointModel } from '../model/types';
import { Direction } from '../compile/applicable';
import * as N from '../compile/names';
import { chainObject, ruleContext, ruleObjects } from '../compile/nft-document';
import { baseChains, ChainSpec, endpointChains, EndpointToHostAction, policyChainSpec, profileByName, profileChainSpec } from '../compile/nft-chains';
import { SetRegistry, SetSpec } from '../compile/set-registry';
import type { ClusterIndex } from './cluster-index';
import { HostMaps, MapUser } from './host-maps';
import { HostSets } from './host-sets';
import { jsonEqual } from './json-equal';
import { addTo, removeFrom } from './multimap';
import { DeltaAccumulator } from './snapshot-delta';
import { SortedTable } from './sorted-table';

export type Owner =
  | { readonly kind: 'policy'; readonly id: string; readonly dir: Direction }
  | { readonly kind: 'profile'; readonly name: string; readonly dir: Direction }
  /** An endpoint direction's steps: named by their content, so the spec is all there is to them. */
  | { readonly kind: 'steps'; readonly spec: ChainSpec };

interface Emitted {
  readonly spec: ChainSpec;
  readonly decl: unknown;
  readonly rules: readonly unknown[];
}

interface Shared {
  readonly owner: Owner;
  sets: readonly SetSpec[];
  ports: readonly string[];
  refs: number;
}

interface LocalEndpoint extends MapUser {
  readonly model: EndpointModel;
  /** Names of the shared chains (steps, policies, profiles) it uses. */
  readonly uses: readonly string[];
}

const emit = (spec: ChainSpec): Emitted => ({ spec, decl: chainObject(spec), rules: ruleObjects(spec) });


export class HostChains {
  private readonly local = new Map<string, LocalEndpoint>();
  private readonly shared = new Map<string, Shared>();
  /** The emitted chains, by name and in name order. */
  private readonly emitted = new SortedTable<Emitted>();
  /** The verdict maps' view of the local endpoints. */
  readonly maps = new HostMaps();
  private readonly byNamespace = new Map<string, Set<string>>();
  private readonly byPortName = new Map<string, Set<string>>();
  private readonly byPolicy = new Map<string, Set<string>>();
  private readonly byProfile = new Map<string, Set<string>>();

  constructor(private readonly index: ClusterIndex, private readonly sets: HostSets, toHost: EndpointToHostAction) {
    for (const c of baseChains(toHost)) this.put(c.name, c, new DeltaAccumulator());
  }

  chain(name: string): Emitted {
    return this.emitted.get(name)!;
  }

  /** Every chain in document order; never changed once returned (snapshots keep it). */
  ordered(): readonly Emitted[] {
    return this.emitted.values();
  }

  localEndpoint(key: string): LocalEndpoint | undefined {
    return this.local.get(key);
  }

  localKeys(): IterableIterator<string> {
    return this.local.keys();
  }

  /** Keys of the local endpoints of one namespace. */
  localIn(namespace: string): ReadonlySet<string> {
    return this.byNamespace.get(namespace) ?? new Set();
  }

  /** Shared chains written for a policy, a profile, or with a named port (`name|proto`). */
  chainsOfPolicy(id: string): ReadonlySet<string> {
    return this.byPolicy.get(id) ?? new Set();
  }
  chainsOfProfile(name: string): ReadonlySet<string> {
    return this.byProfile.get(name) ?? new Set();
  }
  chainsWithPort(portName: string): ReadonlySet<string> {
    return this.byPortName.get(portName) ?? new Set();
  }

  /** Recompiles one local endpoint from `state` (`model` undefined: it left this host). */
  setEndpoint(state: ClusterState, key: string, model: EndpointModel | undefined, delta: DeltaAccumulator): void {
    const old = this.local.get(key);
    let next: LocalEndpoint | undefined;
    if (model !== undefined) {
      const ec = endpointChains(ruleContext(state, this.index, this.registry()), model);
      const uses = new Set<string>();
      for (const spec of ec.steps) {
        if (!uses.has(spec.name)) this.retainShared(state, spec.name, { kind: 'steps', spec }, delta);
        uses.add(spec.name);
      }
      for (const { policy, dir } of ec.policies) {
        const name = N.policyChain(policy, dir);
        if (!uses.has(name)) this.retainShared(state, name, { kind: 'policy', id: policy.id, dir }, delta);
        uses.add(name);
      }
      for (const { profile, dir } of ec.profiles) {
        const name = N.profileChain(profile.name, dir);
        if (!uses.has(name)) this.retainShared(state, name, { kind: 'profile', name: profile.name, dir }, delta);
        uses.add(name);
      }
      next = { model, uses: [...uses], entries: ec.maps };
      this.local.set(key, next);
      addTo(this.byNamespace, model.namespace, key);
    } else {
      this.local.delete(key);
      if (old !== undefined) removeFrom(this.byNamespace, old.model.namespace, key);
    }
    if (old !== undefined) {
      for (const name of old.uses) this.releaseShared(name, delta);
    }
    this.maps.move(old, next, delta);
  }

  /** Rewrites a policy or profile chain from `state` (its rules, the named ports it used, or its sets changed). */
  rebuildShared(state: ClusterState, name: string, delta: DeltaAccumulator): void {
    const s = this.shared.get(name);
    if (s === undefined) return;
    const built = this.build(state, s.owner, name);
    if (built === undefined) return; // its users are being recompiled away from it
    this.trackPorts(name, s.ports, built.ports);
    for (const set of built.sets) this.sets.retain(set, delta);
    for (const set of s.sets) this.sets.release(set.name, delta);
    s.sets = built.sets;
    s.ports = built.ports;
    this.put(name, built.spec, delta);
  }

  private registry(): SetRegistry {
    return new SetRegistry((p, f, id) => this.index.setName(p, f, id));
  }

  private build(state: ClusterState, owner: Owner, name: string): { spec: ChainSpec; sets: SetSpec[]; ports: string[] } | undefined {
    const sets = this.registry();
    let spec: ChainSpec;
    if (owner.kind === 'steps') return { spec: owner.spec, sets: [], ports: [] };
    if (owner.kind === 'policy') {
      const p = state.policies.get(owner.id);
      if (p === undefined) return undefined;
      spec = policyChainSpec(ruleContext(state, this.index, sets, p.namespace), p, owner.dir);
    } else {
      const p = profileByName(state, owner.name);
      if (p === undefined) return undefined;
      spec = profileChainSpec(ruleContext(state, this.index, sets), p, owner.dir);
    }
    if (spec.name !== name) return undefined;
    return { spec, sets: sets.all(), ports: [...sets.namedPorts] };
  }

  private retainShared(state: ClusterState, name: string, owner: Owner, delta: DeltaAccumulator): void {
    const hit = this.shared.get(name);
    if (hit !== undefined) {
      hit.refs++;
      return;
    }
    const built = this.build(state, owner, name)!;
    const s: Shared = { owner, sets: built.sets, ports: built.ports, refs: 1 };
    this.shared.set(name, s);
    if (owner.kind === 'policy') addTo(this.byPolicy, owner.id, name);
    else if (owner.kind === 'profile') addTo(this.byProfile, owner.name, name);
    this.trackPorts(name, [], built.ports);
    for (const set of built.sets) this.sets.retain(set, delta);
    this.put(name, built.spec, delta);
  }

  private releaseShared(name: string, delta: DeltaAccumulator): void {
    const s = this.shared.get(name)!;
    if (--s.refs > 0) return;
    this.shared.delete(name);
    this.trackPorts(name, s.ports, []);
    if (s.owner.kind === 'policy') removeFrom(this.byPolicy, s.owner.id, name);
    else if (s.owner.kind === 'profile') removeFrom(this.byProfile, s.owner.name, name);
    for (const set of s.sets) this.sets.release(set.name, delta);
    this.drop(name, delta);
  }

  /** Keeps the index of shared chains by the named ports they were written with current. */
  private trackPorts(name: string, before: readonly string[], after: readonly string[]): void {
    for (const p of before) removeFrom(this.byPortName, p, name);
    for (const p of after) addTo(this.byPortName, p, name);
  }

  private put(name: string, spec: ChainSpec, delta: DeltaAccumulator): void {
    const before = this.emitted.get(name);
    if (before === undefined) {
      this.emitted.set(name, emit(spec));
      delta.addChain(name);
    } else if (!jsonEqual(before.spec.rules, spec.rules) || !jsonEqual(before.spec.base, spec.base)) {
      this.emitted.set(name, emit(spec));
      delta.rewriteChain(name);
    }
  }

  private drop(name: string, delta: DeltaAccumulator): void {
    if (!this.emitted.delete(name)) return;
    delta.removeChain(name);
  }

}
