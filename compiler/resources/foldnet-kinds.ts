// foldnet's own resource kinds (apiVersion foldnet.io/v1), after Calico v3.
// Each codec decodes and normalises (defaults are applied later, in the model,
// so that `get` shows what the user wrote).
import * as t from 'io-ts';
import { Cidr, Ip, IpPrefix } from '../net/codecs';
import { SelectorText } from '../selector';
import { closed } from './closed';
import {
  Asn, Bool, IntInRange, InterfaceName, Labels, listOf, Mac, Name, NamespaceName, NonEmptyString, oneOf, Order, PortName,
  PortNumber, Protocol,
} from './primitives';
import { Rules } from './rule';

export const FOLDNET_API = 'foldnet.io/v1';

const Annotations = t.record(t.string, t.string);
export const ClusterMetadata = closed('metadata', { name: Name }, { labels: Labels, annotations: Annotations });
export const NamespacedMetadata = closed('metadata', { name: Name, namespace: NamespaceName }, { labels: Labels, annotations: Annotations });

const resource = <K extends string, M extends t.Mixed, S extends t.Mixed>(kind: K, metadata: M, spec: S) =>
  closed(kind, { apiVersion: t.literal(FOLDNET_API), kind: t.literal(kind), metadata, spec }, {});

export const HostSpec = closed('Host spec', {
  bgp: closed('bgp', {}, { ipv4Address: IpPrefix, ipv6Address: IpPrefix, asNumber: Asn }),
}, {});
export const Host = resource('Host', ClusterMetadata, HostSpec);
export type Host = t.TypeOf<typeof Host>;

export const IPPoolSpec = closed('IPPool spec', { cidr: Cidr }, {
  blockSize: IntInRange('block size', 0, 128),
  disabled: Bool,
});
export const IPPool = resource('IPPool', ClusterMetadata, IPPoolSpec);
export type IPPool = t.TypeOf<typeof IPPool>;

export const NamedPort = closed('port', { name: PortName, port: PortNumber }, { protocol: Protocol });
export const WorkloadEndpointSpec = closed('WorkloadEndpoint spec', { host: Name, interfaceName: InterfaceName }, {
  mac: Mac,
  ipNetworks: listOf(Cidr, 'addresses'),
  profiles: listOf(Name, 'profile names'),
  ports: listOf(NamedPort, 'named ports'),
});
export const WorkloadEndpoint = resource('WorkloadEndpoint', NamespacedMetadata, WorkloadEndpointSpec);
export type WorkloadEndpoint = t.TypeOf<typeof WorkloadEndpoint>;

export const ProfileSpec = closed('Profile spec', {}, { labelsToApply: Labels, ingress: Rules, egress: Rules });
export const Profile = resource('Profile', ClusterMetadata, ProfileSpec);
export type Profile = t.TypeOf<typeof Profile>;

export const TierSpec = closed('Tier spec', {}, { order: Order });
export const Tier = resource('Tier', ClusterMetadata, TierSpec);
export type Tier = t.TypeOf<typeof Tier>;

const PolicyType = oneOf('policy type', ['Ingress', 'Egress'] as const);
const policySpecFields = {
  tier: Name,
  order: Order,
  selector: SelectorText,
  types: listOf(PolicyType, 'policy types'),
  ingress: Rules,
  egress: Rules,
};
export const NetworkPolicySpec = closed('NetworkPolicy spec', {}, policySpecFields);
export const NetworkPolicy = resource('NetworkPolicy', NamespacedMetadata, NetworkPolicySpec);
export type NetworkPolicy = t.TypeOf<typeof NetworkPolicy>;

export const GlobalNetworkPolicySpec = closed('GlobalNetworkPolicy spec', {}, { ...policySpecFields, namespaceSelector: SelectorText });
export const GlobalNetworkPolicy = resource('GlobalNetworkPolicy', ClusterMetadata, GlobalNetworkPolicySpec);
export type GlobalNetworkPolicy = t.TypeOf<typeof GlobalNetworkPolicy>;

export const BGPPeerSpec = closed('BGPPeer spec', { peerIP: Ip, asNumber: Asn }, {
  /** Only this host peers; absent means every host does (a global peer). */
  node: Name,
  /** Accept routes inside IP pools from this peer (refused by default). */
  acceptPoolRoutes: Bool,
  password: NonEmptyString,
});
export const BGPPeer = resource('BGPPeer', ClusterMetadata, BGPPeerSpec);
export type BGPPeer = t.TypeOf<typeof BGPPeer>;

export const BGPConfigurationSpec = closed('BGPConfiguration spec', {}, {
  nodeToNodeMeshEnabled: Bool,
  asNumber: Asn,
});
export const BGPConfiguration = resource('BGPConfiguration', ClusterMetadata, BGPConfigurationSpec);
export type BGPConfiguration = t.TypeOf<typeof BGPConfiguration>;
