// ClusterState: what the fold keeps. Persistent maps (immutable-js) let every
// fold step return a new state in O(log n) without copying, so replay cost
// per event does not grow with the cluster and old states stay valid (diff,
// bisect and what-if hold several at once).
import { Map as IMap } from 'immutable';
import { hashOf } from '../hash/canonical';
import { KindId } from '../resources/kinds';
import {
  BgpConfigModel, BgpPeerModel, DEFAULT_FELIX_CONFIG, EndpointModel, FelixConfigModel, HostEndpointModel, HostModel, NamespaceModel, PolicyModel,
  PoolModel, ProfileModel, ServiceModel, TierModel,
} from '../model/types';
import { bgpConfigModel } from '../model/from-foldnet';
import { AllocationModel, BlockModel } from '../ipam/types';
import { Cidr } from '../net/ip';
import { byString } from '../model/sort';

export interface StoredResource {
  readonly kind: KindId;
  readonly key: string;
  readonly resource: Readonly<Record<string, unknown>>;
  /** Offset and time of the event that last put it. */
  readonly offset: number;
  readonly time: string;
}

export interface Rejection {
  readonly offset: number;
  readonly type: 'put' | 'remove';
  readonly kind: string;
  readonly key: string;
  readonly reason: string;
}

export interface ClusterState {
  /** How many events have been folded: the next offset expected. */
  readonly offset: number;
  readonly resources: IMap<string, StoredResource>;
  readonly hosts: IMap<string, HostModel>;
  readonly pools: IMap<string, PoolModel>;
  readonly endpoints: IMap<string, EndpointModel>;
  readonly profiles: IMap<string, ProfileModel>;
  readonly tiers: IMap<string, TierModel>;
  readonly policies: IMap<string, PolicyModel>;
  readonly bgpPeers: IMap<string, BgpPeerModel>;
  readonly bgpConfig: BgpConfigModel;
  readonly namespaces: IMap<string, NamespaceModel>;
  /** Anycast services (AnycastService, or a Kubernetes Service imported), by `ns/name`. */
  readonly services: IMap<string, ServiceModel>;
  /** Host endpoints by name. */
  readonly hostEndpoints: IMap<string, HostEndpointModel>;
  /** FelixConfiguration `default`, or Calico's defaults. */
  readonly felixConfig: FelixConfigModel;
  /** Which endpoint holds each IP: the uniqueness invariant, and IP → endpoint lookups. */
  readonly ipOwners: IMap<string, string>;
  /** Which services announce each address (keys sorted; several when their ports differ): an index of `services`. */
  readonly serviceAddresses: IMap<string, readonly string[]>;
  /** Which host peers from each BGP address (its key; the fold keeps them unique): an index of `hosts`. */
  readonly hostAddresses: IMap<string, readonly string[]>;
  /** IPAM blocks by CIDR (compiler/ipam/). */
  readonly blocks: IMap<string, BlockModel>;
  /** Host → the blocks affine to it, sorted: an index of `blocks` by host. */
  readonly blockAffinities: IMap<string, readonly Cidr[]>;
  /** Addresses IPAM handed out, by address. */
  readonly allocations: IMap<string, AllocationModel>;
  readonly rejections: IMap<number, Rejection>;
}

export const resourceId = (kind: string, key: string): string => `${kind}|${key}`;

export const emptyState = (): ClusterState => ({
  offset: 0,
  resources: IMap(),
  hosts: IMap(),
  pools: IMap(),
  endpoints: IMap(),
  profiles: IMap(),
  tiers: IMap(),
  policies: IMap(),
  bgpPeers: IMap(),
  bgpConfig: bgpConfigModel(undefined),
  namespaces: IMap(),
  services: IMap(),
  hostEndpoints: IMap(),
  felixConfig: DEFAULT_FELIX_CONFIG,
  ipOwners: IMap(),
  serviceAddresses: IMap(),
  hostAddresses: IMap(),
  blocks: IMap(),
  blockAffinities: IMap(),
  allocations: IMap(),
  rejections: IMap(),
});

const sortedEntries = <V>(m: IMap<string, V>): Array<[string, V]> => [...m.entries()].sort((a, b) => byString(a[0], b[0]));

/** A plain, key-sorted rendering of the state, for hashing and checkpoints. */
export const stateToPlain = (s: ClusterState): Record<string, unknown> => ({
  offset: s.offset,
  resources: sortedEntries(s.resources),
  hosts: sortedEntries(s.hosts),
  pools: sortedEntries(s.pools),
  endpoints: sortedEntries(s.endpoints),
  profiles: sortedEntries(s.profiles),
  tiers: sortedEntries(s.tiers),
  policies: sortedEntries(s.policies),
  bgpPeers: sortedEntries(s.bgpPeers),
  bgpConfig: s.bgpConfig,
  namespaces: sortedEntries(s.namespaces),
  services: sortedEntries(s.services),
  hostEndpoints: sortedEntries(s.hostEndpoints),
  felixConfig: s.felixConfig,
  ipOwners: sortedEntries(s.ipOwners),
  serviceAddresses: sortedEntries(s.serviceAddresses),
  hostAddresses: sortedEntries(s.hostAddresses),
  blocks: sortedEntries(s.blocks),
  blockAffinities: sortedEntries(s.blockAffinities),
  allocations: sortedEntries(s.allocations),
  rejections: [...s.rejections.entries()].sort((a, b) => a[0] - b[0]),
});

export const stateHash = (s: ClusterState): string => hashOf(stateToPlain(s));
