// HostCompiler: one host's snapshot, kept current event by event. Given what
// the cluster index says moved, it recompiles only the local endpoints whose
// steps or map elements can have changed (their model or labels changed; a
// policy that applied or now applies to them changed; a tier, profile or
// namespace they depend on changed), rewrites the policy and profile chains
// whose rules can have changed, patches the sets whose members moved,
// recomputes the services / host-endpoint section (on every event for a host
// that has one), and routes, sysctls and BIRD only when what they read
// changed. The document is handed on in parts (compile/nft-parts.ts), each a
// list its table never changes once handed out, so a snapshot costs what
// changed, not a copy of the host's ruleset. The snapshot equals
// compileHost(state, host) byte for byte after every update (the property
// test holds it to that); the delta says what differs from the last one.
import * as E from 'fp-ts/Either';
import { Map as IMap } from 'immutable';
import { ClusterState } from '../fold/state';
import { ownedBlocks } from '../ipam/query';
import { EndpointModel, PolicyModel } from '../model/types';
import { policyApplies } from '../compile/applicable';
import { compileBird } from '../compile/bird';
import { CompileError, CompileOptions } from '../compile/host';
import { MAP_NAMES, MapName, mapObject } from '../compile/nft-document';
import { documentOf, NftDocumentValue, NftParts } from '../compile/nft-parts';
import { HostSnapshot } from '../compile/snapshot';
import { compileSection, isEmptySection, NftSection, sectionObjects } from '../compile/nft-section';
import { hasServices } from '../compile/sysctls';
import type { ClusterIndex } from './cluster-index';
import { HostChains } from './host-chains';
import { HostRoutes } from './host-routes';
import { HostSysctls } from './host-sysctls';
import { HostSets, MembershipUsers } from './host-sets';
import type { IndexDelta } from './index-delta';
import { jsonEqual } from './json-equal';
import { DeltaAccumulator, SnapshotDelta } from './snapshot-delta';
import { sectionDelta } from './section-delta';

export interface HostUpdate {
  readonly snapshot: E.Either<CompileError, HostSnapshot>;
  /** What changed since the previous snapshot of this host. */
  readonly delta: SnapshotDelta;
}

/** Whether two versions of a policy apply to the same endpoints, in the same place (only their rules may differ). */
const sameApplication = (a: PolicyModel, b: PolicyModel): boolean =>
  a.selector === b.selector && a.namespaceSelector === b.namespaceSelector && a.tier === b.tier && a.order === b.order &&
  a.name === b.name && a.namespace === b.namespace && a.kind === b.kind &&
  (a.ingress === undefined) === (b.ingress === undefined) && (a.egress === undefined) === (b.egress === undefined);

/** Whether two versions of an endpoint ask for the same routes (addresses and interface). */
const sameRoutes = (a: EndpointModel | undefined, b: EndpointModel | undefined): boolean =>
  a !== undefined && b !== undefined && a.interfaceName === b.interfaceName && a.ips.length === b.ips.length && a.ips.every((ip, i) => ip === b.ips[i]);

/** The parts of the state BIRD's configuration is compiled from. */
const birdInputs = (s: ClusterState): readonly unknown[] => [s.hosts, s.pools, s.bgpPeers, s.bgpConfig, s.blocks, s.blockAffinities, s.services];

export class HostCompiler {
  private readonly sets: HostSets;
  private readonly chains: HostChains;
  private local: IMap<string, EndpointModel> = IMap();
  private readonly routes = new HostRoutes();
  private readonly sysctls: HostSysctls;
  private bird: string;
  private maps: Record<MapName, unknown>;
  private mapsVersion: number;
  /** The document in parts (compiler/compile/nft-parts.ts), and the snapshot's view of them. */
  private parts: NftParts;
  private nftables: NftDocumentValue;
  private state: ClusterState;
  /** Services (with the addresses this host announces through BIRD) and host endpoints: recomputed whole, and only for hosts that have some or when they change. */
  private section: NftSection;

  constructor(private readonly index: ClusterIndex, readonly host: string, options: CompileOptions, users: MembershipUsers) {
    const state = index.state;
    this.state = state;
    this.sets = new HostSets(index, users);
    this.sysctls = new HostSysctls(host);
    this.chains = new HostChains(index, this.sets, options.endpointToHostAction);
    const delta = new DeltaAccumulator();
    this.sets.defer();
    for (const ep of index.localEndpoints(host)) {
      this.chains.setEndpoint(state, ep.key, ep, delta);
      this.local = this.local.set(ep.key, ep);
      this.routes.setEndpoint(undefined, ep);
      this.sysctls.setEndpoint(state, undefined, ep);
    }
    this.sets.flush();
    this.routes.setBlocks(ownedBlocks(state, host));
    this.routes.takeMoved();
    this.sysctls.takeMoved();
    this.section = compileSection(index, host);
    this.bird = compileBird(state, host, this.section.announced);
    this.maps = this.mapObjects();
    this.mapsVersion = this.chains.maps.version;
    this.parts = this.assemble(sectionObjects(this.section));
    this.nftables = documentOf(this.parts);
  }

  snapshot(): E.Either<CompileError, HostSnapshot> {
    const s = this.state;
    if (!s.hosts.has(this.host)) return E.left({ _tag: 'UnknownHost', host: this.host, known: [...s.hosts.keys()].sort() });
    return E.right({ host: this.host, offset: s.offset, routes: this.routes.routes(), nftables: this.nftables, bird: this.bird, sysctls: this.sysctls.sysctls() });
  }

  /** Brings the snapshot from `prev` to `next`; the index must already be at `next` and `d` is what its update reported. */
  update(prev: ClusterState, next: ClusterState, d: IndexDelta): HostUpdate {
    this.state = next;
    const delta = new DeltaAccumulator();
    this.sets.membersMoved(d.memberships.values(), delta);
    const dirty = this.dirtyEndpoints(prev, next, d);
    if (prev.services !== next.services && ([4, 6] as const).some((f) => hasServices(prev, f) !== hasServices(next, f))) {
      // Every endpoint's share of the host-wide settings may have changed: count each out as it was, and in as it is.
      for (const ep of this.local.values()) {
        this.sysctls.setEndpoint(prev, ep, undefined);
        this.sysctls.setEndpoint(next, undefined, ep);
      }
    }
    for (const key of [...dirty].sort()) {
      const model = next.endpoints.get(key);
      const mine = model?.host === this.host ? model : undefined;
      const was = this.local.get(key);
      if (was !== mine) {
        this.local = mine === undefined ? this.local.delete(key) : this.local.set(key, mine);
        // A label edit moves no route: leaving them be keeps the routes list the same array.
        if (!sameRoutes(was, mine)) this.routes.setEndpoint(was, mine);
        this.sysctls.setEndpoint(next, was, mine);
      }
      this.chains.setEndpoint(next, key, mine, delta);
    }
    for (const name of [...this.dirtyShared(d)].sort()) this.chains.rebuildShared(next, name, delta);
    let sectionMoved = false;
    let anycastMoved = false;
    if (!isEmptySection(this.section) || dirty.size > 0 || prev.services !== next.services || prev.hostEndpoints !== next.hostEndpoints ||
      prev.felixConfig !== next.felixConfig) {
      const section = compileSection(this.index, this.host);
      sectionMoved = sectionDelta(this.section, section, delta);
      anycastMoved = !jsonEqual(section.announced, this.section.announced);
      this.section = section;
    }
    if (prev.blockAffinities.get(this.host) !== next.blockAffinities.get(this.host)) this.routes.setBlocks(ownedBlocks(next, this.host));
    for (const [dst, m] of this.routes.takeMoved()) delta.moveRoute(dst, m.before, m.after);
    for (const [key, m] of this.sysctls.takeMoved()) delta.moveSysctl(key, m.before, m.after);
    if (anycastMoved || birdInputs(prev).some((x, i) => x !== birdInputs(next)[i])) {
      const bird = compileBird(next, this.host, this.section.announced);
      if (bird !== this.bird) delta.changed({ bird: true });
      this.bird = bird;
    }
    const result = delta.result();
    const reordered = this.chains.maps.version !== this.mapsVersion;
    if (reordered) {
      this.maps = this.mapObjects();
      this.mapsVersion = this.chains.maps.version;
    }
    const nft = result.chains.added.size + result.chains.removed.size + result.chains.rewritten.size + result.sets.added.size +
      result.sets.removed.size + result.sets.elements.size + result.maps.size > 0;
    if (nft || sectionMoved || reordered) {
      this.parts = this.assemble(sectionMoved ? sectionObjects(this.section) : this.parts.section);
      this.nftables = documentOf(this.parts);
    }
    return { snapshot: this.snapshot(), delta: result };
  }

  /** Ids of the memberships this host's sets come from. */
  memberships(): Iterable<string> {
    return this.sets.memberships();
  }

  private dirtyEndpoints(prev: ClusterState, next: ClusterState, d: IndexDelta): Set<string> {
    const dirty = new Set<string>();
    const localKeys = () => this.chains.localKeys();
    for (const key of d.endpoints) if (this.chains.localEndpoint(key) !== undefined || next.endpoints.get(key)?.host === this.host) dirty.add(key);
    if (d.tiers) for (const key of localKeys()) dirty.add(key);
    for (const id of d.policies) {
      const before = prev.policies.get(id);
      const after = next.policies.get(id);
      // Steps chains name a policy, place it and decide whether it applies; its rules live in its own chain.
      if (before !== undefined && after !== undefined && sameApplication(before, after)) continue;
      const used = this.chains.chainsOfPolicy(id);
      const ns = (before ?? after)!.kind === 'NetworkPolicy' ? (before ?? after)!.namespace : undefined;
      for (const key of ns === undefined ? localKeys() : this.chains.localIn(ns)) {
        const ep = this.chains.localEndpoint(key)!;
        if (ep.uses.some((n) => used.has(n)) || (after !== undefined && (['ingress', 'egress'] as const).some((dir) => policyApplies(this.index, after, ep.model, dir))))
          dirty.add(key);
      }
    }
    for (const name of d.profiles) for (const key of localKeys()) if (this.chains.localEndpoint(key)!.model.profiles.includes(name)) dirty.add(key);
    for (const ns of d.namespaces) for (const key of this.chains.localIn(ns)) dirty.add(key);
    return dirty;
  }

  private dirtyShared(d: IndexDelta): Set<string> {
    const out = new Set<string>();
    for (const id of d.policies) for (const n of this.chains.chainsOfPolicy(id)) out.add(n);
    for (const p of d.profiles) for (const n of this.chains.chainsOfProfile(p)) out.add(n);
    for (const p of d.portNames) for (const n of this.chains.chainsWithPort(p)) out.add(n);
    return out;
  }

  private mapObjects(): Record<MapName, unknown> {
    const out = {} as Record<MapName, unknown>;
    for (const m of MAP_NAMES) out[m] = mapObject(m, this.chains.maps.mapElements(m));
    return out;
  }

  /** The document's parts now: chains and sets as their tables hand them out (the same arrays while nothing changed). */
  private assemble(section: readonly unknown[]): NftParts {
    return { chains: this.chains.ordered(), sets: this.sets.objectList(), maps: MAP_NAMES.map((m) => this.maps[m]), section };
  }
}
