// foldnet's own resource kinds (apiVersion foldnet.io/v1), after Calico v3.
// Each codec decodes and normalises (defaults are applied later, in the model,
// so that `get` shows what the user wrote).
import * as t from 'io-ts';
import { Cidr, Ip, IpPrefix } from '../net/codecs';
import { SelectorText } from '../selector';
import { HostAddress } from './addresses';
import { closed } from './closed';
import { listWhere } from './lists';
import {
  Asn, Bool, IntInRange, InterfaceName, Labels, listOf, Mac, Name, NamespaceName, NonEmptyString, oneOf, Order, PortName,
  PortNumber, Protocol, TargetPort,
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

export const POOL_USES = ['Workload', 'Service'] as const;
export type PoolUse = (typeof POOL_USES)[number];
export const IPPoolSpec = closed('IPPool spec', { cidr: Cidr }, {
  blockSize: IntInRange('block size', 0, 128),
  disabled: Bool,
  /** What addresses of the pool may be: endpoints' (IPAM hands them out), services', or both. */
  allowedUses: listWhere(oneOf('allowed use', POOL_USES), 'allowed uses', { nonEmpty: true, distinct: [{ key: (u) => u, what: (u) => `use ${u}` }] }),
});
export const IPPool = resource('IPPool', ClusterMetadata, IPPoolSpec);
export type IPPool = t.TypeOf<typeof IPPool>;

export const NamedPort = closed('port', { name: PortName, port: PortNumber }, { protocol: Protocol });
export type NamedPort = t.TypeOf<typeof NamedPort>;
const namedPorts = listWhere(NamedPort, 'named ports', { distinct: [{ key: (p) => p.name, field: 'name', what: (p) => `port name ${p.name}` }] });
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

/** Addresses without repeats: a repeat is a typo, and would make one address two. */
const addresses = (nonEmpty: boolean) =>
  listWhere(HostAddress, 'addresses', { nonEmpty, distinct: [{ key: (ip) => ip, what: (ip) => `address ${ip}` }] });

export const ServiceProtocol = oneOf('protocol', ['TCP', 'UDP', 'SCTP'] as const);
export const ServicePort = closed('service port', { port: PortNumber }, { name: PortName, protocol: ServiceProtocol, targetPort: TargetPort });
export type ServicePort = t.TypeOf<typeof ServicePort>;
export const AnycastServiceSpec = closed('AnycastService spec', {
  addresses: addresses(true),
  /** Over endpoints of the service's own namespace. */
  selector: SelectorText,
  ports: listWhere(ServicePort, 'service ports', {
    nonEmpty: true,
    distinct: [
      { key: (p) => `${p.protocol ?? 'TCP'} ${p.port}`, what: (p) => `${p.protocol ?? 'TCP'} port ${p.port}` },
      { key: (p) => p.name, field: 'name', what: (p) => `port name ${p.name}` },
    ],
  }),
}, {});
export const AnycastService = resource('AnycastService', NamespacedMetadata, AnycastServiceSpec);
export type AnycastService = t.TypeOf<typeof AnycastService>;

/** `*` stands for every interface of the host. */
export const HostInterfaceName = new t.Type<string, string, unknown>(
  'host interface name',
  (u): u is string => u === '*' || InterfaceName.is(u),
  (u, c) =>
    u === '*' || InterfaceName.is(u)
      ? t.success(u as string)
      : t.failure(u, c, `expected a Linux interface name (1-15 of letters, digits, '_', '.', '-') or "*" (every interface), got ${JSON.stringify(u) ?? String(u)}`),
  (a) => a,
);
export const HostEndpointSpec = closed('HostEndpoint spec', { host: Name, interfaceName: HostInterfaceName }, {
  expectedIPs: addresses(false),
  profiles: listOf(Name, 'profile names'),
  ports: namedPorts,
});
export const HostEndpoint = resource('HostEndpoint', ClusterMetadata, HostEndpointSpec);
export type HostEndpoint = t.TypeOf<typeof HostEndpoint>;

/** Calico writes `tcp` as often as `TCP`. */
const FailsafeProtocol = new t.Type<'TCP' | 'UDP', string, unknown>(
  'failsafe protocol',
  (u): u is 'TCP' | 'UDP' => u === 'TCP' || u === 'UDP',
  (u, c) => {
    const up = typeof u === 'string' ? u.toUpperCase() : undefined;
    return up === 'TCP' || up === 'UDP' ? t.success(up) : t.failure(u, c, `expected TCP or UDP, got ${JSON.stringify(u) ?? String(u)}`);
  },
  (a) => a,
);
export const FailsafePort = closed('failsafe port', { protocol: FailsafeProtocol, port: PortNumber }, {});
const failsafePorts = listWhere(FailsafePort, 'failsafe ports', {});
export const FelixConfigurationSpec = closed('FelixConfiguration spec', {}, {
  failsafeInboundHostPorts: failsafePorts,
  failsafeOutboundHostPorts: failsafePorts,
});
/** Felix reads only the configuration named `default` (per-host overrides are not supported). */
const DefaultName = new t.Type<'default', string, unknown>(
  'name',
  (u): u is 'default' => u === 'default',
  (u, c) => (u === 'default' ? t.success('default') : t.failure(u, c, `only the FelixConfiguration named "default" is supported, got ${JSON.stringify(u) ?? String(u)}`)),
  (a) => a,
);
const FelixMetadata = closed('metadata', { name: DefaultName }, { labels: Labels, annotations: Annotations });
export const FelixConfiguration = resource('FelixConfiguration', FelixMetadata, FelixConfigurationSpec);
export type FelixConfiguration = t.TypeOf<typeof FelixConfiguration>;
