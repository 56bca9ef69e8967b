// Per-kind put and remove on the model: translate the resource, check the
// invariants that must hold across resources, and say what changed. A broken
// invariant is a reason string; the caller records it as a rejection, and the
// first writer keeps what it had. The kinds in-place.ts lists must check every
// invariant before their first write: foldAll folds them on transient maps,
// where a write cannot be taken back.
import * as E from 'fp-ts/Either';
import { cidrsOverlap, cidrAddress, Ip } from '../net/ip';
import * as F from '../resources/foldnet-kinds';
import * as K from '../resources/k8s-kinds';
import { K8sService } from '../resources/k8s-service';
import { KindId } from '../resources/kinds';
import * as FM from '../model/from-foldnet';
import * as KM from '../model/from-k8s';
import { DEFAULT_TIER, EndpointModel, HostModel, PolicyModel } from '../model/types';
import { assignAddresses } from '../ipam/assign';
import { releaseAddresses, releaseHostBlocks, releasePoolBlocks } from '../ipam/release';
import { ipamRequest } from '../ipam/request';
import { IpamRequest } from '../ipam/types';
import { ClusterState } from './state';
import { poolServiceConflict, putFelixConfig, putHostEndpoint, putService, removeService, serviceAt } from './services';
import { Change } from './changes';
import { del, delKnown, fromEither, inKeyOrder, set, setKnown, Step, withChanges } from './step';
import { reindex } from './address-index';

export type { Step } from './step';

const withOwners = (state: ClusterState, remove: readonly Ip[], add: readonly Ip[], key: string): ClusterState => {
  let owners = state.ipOwners;
  for (const ip of remove) owners = owners.delete(ip);
  for (const ip of add) owners = owners.set(ip, key);
  // Unchanged when there was nothing to write, or when the map was written in place (in-place.ts).
  return owners === state.ipOwners ? state : { ...state, ipOwners: owners };
};

/** A host's BGP addresses (IPv4 first), as the hostAddresses index files them. */
const bgpAddresses = (h: HostModel | undefined): Ip[] => (h === undefined ? [] : [h.ipv4, h.ipv6].flatMap((p) => (p ? [cidrAddress(p)] : [])));

/**
 * `request` set: IPAM chooses the addresses (compiler/ipam/assign.ts) and the
 * model records them in `ips`, so everything downstream reads one field.
 * Unset: the endpoint's own addresses, which no one else may hold; any IPAM
 * addresses it had are given back.
 */
const putEndpoint = (state: ClusterState, ep: EndpointModel, origin: KindId, request: IpamRequest | undefined, existing: EndpointModel | undefined): Step => {
  if (existing && existing.origin !== origin) return E.left(`endpoint ${ep.key} is already defined by a ${existing.origin}`);
  const before = existing?.ips ?? [];
  if (request !== undefined) {
    const freed = withOwners(state, before, [], ep.key);
    const assigned = assignAddresses(freed, { endpoint: ep.key, host: ep.host, request, previous: existing && { host: existing.host, ips: before } });
    if (E.isLeft(assigned)) return assigned;
    const model = { ...ep, ips: assigned.right.ips };
    return withChanges(set(withOwners(assigned.right.state, [], model.ips, ep.key), 'endpoints', 'endpoint', ep.key, model), assigned.right.changes);
  }
  for (const ip of ep.ips) {
    const owner = state.ipOwners.get(ip);
    if (owner !== undefined && owner !== ep.key) return E.left(`IP ${ip} is already used by endpoint ${owner}`);
    const service = serviceAt(state, ip);
    if (service !== undefined) return E.left(`IP ${ip} is the address of service ${service}`);
  }
  const released = releaseExplicit(state, before);
  return withChanges(setKnown(withOwners(released.state, before, ep.ips, ep.key), 'endpoints', 'endpoint', ep.key, ep, existing), released.changes);
};

/**
 * releaseAddresses, skipped when IPAM handed out none of `ips` (as it never
 * does to endpoints that name their own): it would give back this very state
 * and no changes, after a walk that costs more than the check.
 */
const releaseExplicit = (state: ClusterState, ips: readonly Ip[]): { state: ClusterState; changes: readonly Change[] } =>
  ips.some((ip) => state.allocations.has(ip)) ? releaseAddresses(state, ips) : { state, changes: [] };

const removeEndpoint = (state: ClusterState, key: string): Step => {
  const existing = state.endpoints.get(key);
  // A resource whose event key is not its metadata's keeps its endpoint under the latter: nothing here changes.
  if (existing === undefined) return E.right({ state, changes: [] });
  const before = existing.ips;
  const released = releaseExplicit(state, before);
  return withChanges(delKnown(withOwners(released.state, before, [], key), 'endpoints', 'endpoint', key, existing), released.changes);
};

const putPolicy = (state: ClusterState, p: PolicyModel): Step => {
  if (p.tier !== DEFAULT_TIER && !state.tiers.has(p.tier)) return E.left(`tier ${p.tier} does not exist`);
  if (p.origin === 'foldnet' && p.name.startsWith('knp.default.'))
    return E.left('names starting with knp.default. are reserved for translated Kubernetes NetworkPolicies');
  return set(state, 'policies', 'policy', p.id, p);
};

export const putEntity = (state: ClusterState, kind: KindId, key: string, value: unknown): Step => {
  switch (kind) {
    case 'Host':
      return fromEither(FM.hostModel(value as F.Host), (h) => {
        const mine = bgpAddresses(h);
        // The rejection names the first clashing host in key order, and the first of this host's addresses it uses.
        const others = mine.flatMap((a) => (state.hostAddresses.get(a) ?? []).filter((k) => state.hosts.get(k)!.name !== h.name));
        if (others.length > 0) {
          const other = state.hosts.get(others.reduce((a, b) => (b < a ? b : a)))!;
          const used = mine.find((a) => bgpAddresses(other).includes(a))!;
          return E.left(`BGP address ${used} is already used by host ${other.name}`);
        }
        for (const address of mine) {
          const service = serviceAt(state, address);
          if (service !== undefined) return E.left(`BGP address ${address} is the address of service ${service}`);
        }
        const hostAddresses = reindex(state.hostAddresses, key, bgpAddresses(state.hosts.get(key)), mine);
        return set({ ...state, hostAddresses }, 'hosts', 'host', key, h);
      });
    case 'IPPool':
      return fromEither(FM.poolModel(value as F.IPPool), (p) => {
        for (const other of inKeyOrder(state.pools))
          if (other.name !== p.name && cidrsOverlap(other.cidr, p.cidr)) return E.left(`pool ${p.cidr} overlaps pool ${other.name} (${other.cidr})`);
        const conflict = poolServiceConflict(state, p);
        if (conflict !== undefined) return E.left(conflict);
        return fromEither(releasePoolBlocks(state, state.pools.get(key), p), (r) => withChanges(set(r.state, 'pools', 'pool', key, p), r.changes));
      });
    case 'WorkloadEndpoint':
      return fromEither(ipamRequest(value as F.WorkloadEndpoint), (request) =>
        fromEither(FM.endpointModel(value as F.WorkloadEndpoint, key), (ep) => putEndpoint(state, ep, 'WorkloadEndpoint', request, state.endpoints.get(ep.key))));
    case 'Pod': {
      // One key string for the lookup and the model: each fresh string costs immutable-js a hash.
      const pod = value as K.K8sPod;
      const podKey = KM.podKey(pod, key);
      const existing = state.endpoints.get(podKey);
      return fromEither(KM.podModel(pod, existing, podKey), (ep) => putEndpoint(state, ep, 'Pod', undefined, existing));
    }
    case 'Profile':
      return set(state, 'profiles', 'profile', key, FM.profileModel(value as F.Profile));
    case 'Tier':
      if (key === DEFAULT_TIER) return E.left('the default tier is built in and cannot be redefined');
      return set(state, 'tiers', 'tier', key, FM.tierModel(value as F.Tier));
    case 'NetworkPolicy':
    case 'GlobalNetworkPolicy':
      return putPolicy(state, FM.policyModel(value as F.NetworkPolicy));
    case 'K8sNetworkPolicy':
      return fromEither(KM.k8sPolicyModel(value as K.K8sNetworkPolicy), (p) => putPolicy(state, p));
    case 'BGPPeer':
      return set(state, 'bgpPeers', 'bgpPeer', key, FM.bgpPeerModel(value as F.BGPPeer));
    case 'BGPConfiguration': {
      if (key !== 'default') return E.left('only the BGPConfiguration named "default" is supported');
      const after = FM.bgpConfigModel(value as F.BGPConfiguration);
      return E.right({ state: { ...state, bgpConfig: after }, changes: [{ entity: 'bgpConfig', key, before: state.bgpConfig, after }] });
    }
    case 'AnycastService':
      return putService(state, FM.anycastServiceModel(value as F.AnycastService));
    case 'Service':
      return fromEither(KM.k8sServiceModel(value as K8sService), (svc) => putService(state, svc));
    case 'HostEndpoint':
      return putHostEndpoint(state, FM.hostEndpointModel(value as F.HostEndpoint));
    case 'FelixConfiguration':
      return putFelixConfig(state, key, value as F.FelixConfiguration);
    case 'Namespace':
      return set(state, 'namespaces', 'namespace', key, KM.namespaceModel(value as K.K8sNamespace));
  }
};

export const removeEntity = (state: ClusterState, kind: KindId, key: string): Step => {
  switch (kind) {
    case 'Host': {
      const released = releaseHostBlocks(state, key);
      const hostAddresses = reindex(released.state.hostAddresses, key, bgpAddresses(released.state.hosts.get(key)), []);
      return withChanges(del({ ...released.state, hostAddresses }, 'hosts', 'host', key), released.changes);
    }
    case 'IPPool':
      return fromEither(releasePoolBlocks(state, state.pools.get(key), undefined), (r) => withChanges(del(r.state, 'pools', 'pool', key), r.changes));
    case 'WorkloadEndpoint':
    case 'Pod':
      return removeEndpoint(state, key);
    case 'Profile':
      return del(state, 'profiles', 'profile', key);
    case 'Tier': {
      const user = inKeyOrder(state.policies).find((p) => p.tier === key);
      return user ? E.left(`tier ${key} still holds policy ${user.id}`) : del(state, 'tiers', 'tier', key);
    }
    case 'NetworkPolicy':
    case 'GlobalNetworkPolicy':
      return del(state, 'policies', 'policy', `${kind}:${key}`);
    case 'K8sNetworkPolicy': {
      const slash = key.indexOf('/');
      return del(state, 'policies', 'policy', `NetworkPolicy:${key.slice(0, slash)}/knp.default.${key.slice(slash + 1)}`);
    }
    case 'BGPPeer':
      return del(state, 'bgpPeers', 'bgpPeer', key);
    case 'BGPConfiguration': {
      const after = FM.bgpConfigModel(undefined);
      return E.right({ state: { ...state, bgpConfig: after }, changes: [{ entity: 'bgpConfig', key, before: state.bgpConfig, after }] });
    }
    case 'AnycastService':
    case 'Service':
      return removeService(state, key);
    case 'HostEndpoint':
      return del(state, 'hostEndpoints', 'hostEndpoint', key);
    case 'FelixConfiguration':
      return putFelixConfig(state, key, undefined);
    // The namespace's endpoints, policies and services stay: they are resources of their own, removed on their own.
    case 'Namespace':
      return del(state, 'namespaces', 'namespace', key);
  }
};
