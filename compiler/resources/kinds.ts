// The registry of kinds foldnet accepts: how each is recognised (apiVersion +
// kind), its codec, whether it is namespaced, and the names people type for
// it (`get wep`, `get networkpolicies.networking.k8s.io`, as kubectl does).
import * as t from 'io-ts';
import * as F from './foldnet-kinds';
import * as K from './k8s-kinds';
import { K8sService } from './k8s-service';

export type KindId =
  | 'Host' | 'IPPool' | 'WorkloadEndpoint' | 'Profile' | 'Tier' | 'NetworkPolicy' | 'GlobalNetworkPolicy'
  | 'BGPPeer' | 'BGPConfiguration' | 'AnycastService' | 'HostEndpoint' | 'FelixConfiguration'
  | 'Namespace' | 'Pod' | 'K8sNetworkPolicy' | 'Service';

export interface KindInfo {
  readonly id: KindId;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly codec: t.Type<any, unknown, unknown>;
  /** Lowercase names accepted on the command line. */
  readonly names: readonly string[];
}

const k = (id: KindId, apiVersion: string, kind: string, namespaced: boolean, codec: t.Type<any, unknown, unknown>, names: string[]): KindInfo =>
  ({ id, apiVersion, kind, namespaced, codec, names: [kind.toLowerCase(), `${kind.toLowerCase()}s`, ...names] });

export const KINDS: readonly KindInfo[] = [
  k('Host', F.FOLDNET_API, 'Host', false, F.Host, ['node', 'nodes']),
  k('IPPool', F.FOLDNET_API, 'IPPool', false, F.IPPool, ['ippool', 'pool', 'pools']),
  k('WorkloadEndpoint', F.FOLDNET_API, 'WorkloadEndpoint', true, F.WorkloadEndpoint, ['wep', 'weps', 'endpoint', 'endpoints']),
  k('Profile', F.FOLDNET_API, 'Profile', false, F.Profile, ['pro', 'pros']),
  k('Tier', F.FOLDNET_API, 'Tier', false, F.Tier, []),
  k('NetworkPolicy', F.FOLDNET_API, 'NetworkPolicy', true, F.NetworkPolicy, ['netpol', 'policy', 'policies', 'networkpolicies', 'np']),
  k('GlobalNetworkPolicy', F.FOLDNET_API, 'GlobalNetworkPolicy', false, F.GlobalNetworkPolicy, ['gnp', 'globalnetworkpolicies']),
  k('BGPPeer', F.FOLDNET_API, 'BGPPeer', false, F.BGPPeer, []),
  k('BGPConfiguration', F.FOLDNET_API, 'BGPConfiguration', false, F.BGPConfiguration, ['bgpconfig', 'bgpconfigurations']),
  k('AnycastService', F.FOLDNET_API, 'AnycastService', true, F.AnycastService, ['asvc']),
  k('HostEndpoint', F.FOLDNET_API, 'HostEndpoint', false, F.HostEndpoint, ['hep', 'heps']),
  k('FelixConfiguration', F.FOLDNET_API, 'FelixConfiguration', false, F.FelixConfiguration, ['felixconfig']),
  k('Namespace', 'v1', 'Namespace', false, K.K8sNamespace, ['ns']),
  k('Pod', 'v1', 'Pod', true, K.K8sPod, ['po']),
  k('K8sNetworkPolicy', 'networking.k8s.io/v1', 'NetworkPolicy', true, K.K8sNetworkPolicy, [
    'networkpolicy.networking.k8s.io', 'networkpolicies.networking.k8s.io', 'knp',
  ]),
  k('Service', 'v1', 'Service', true, K8sService, ['svc']),
];

const BY_ID = new Map(KINDS.map((info) => [info.id, info]));
export const kindInfo = (id: KindId): KindInfo => BY_ID.get(id)!;

export const kindById = (id: string): KindInfo | undefined => BY_ID.get(id as KindId);

export const kindByTypeMeta = (apiVersion: unknown, kind: unknown): KindInfo | undefined =>
  KINDS.find((info) => info.apiVersion === apiVersion && info.kind === kind);

/** The kind a person means by a name typed on the command line. */
export const kindByName = (name: string): KindInfo | undefined => {
  const lower = name.toLowerCase();
  return KINDS.find((info) => info.names.includes(lower) || info.id.toLowerCase() === lower);
};
