// The cluster model the compiler reads: resources with defaults applied,
// Kubernetes objects already translated, selectors in canonical text. It is
// what the fold keeps; it never holds the raw documents (those stay in
// ClusterState.resources for `get`).
import { Cidr, Ip, IpPrefix } from '../net/ip';
import { Rule } from '../resources/rule';

export interface NamedPortModel {
  readonly name: string;
  readonly port: number;
  /** IP protocol number (TCP 6, UDP 17, SCTP 132). */
  readonly protocol: number;
}

export interface EndpointModel {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly host: string;
  readonly interfaceName: string;
  readonly mac?: string;
  /** Sorted, IPv4 first. */
  readonly ips: readonly Ip[];
  readonly labels: Readonly<Record<string, string>>;
  readonly profiles: readonly string[];
  readonly ports: readonly NamedPortModel[];
  readonly origin: 'WorkloadEndpoint' | 'Pod';
}

export interface PolicyModel {
  /** `NetworkPolicy:ns/name` or `GlobalNetworkPolicy:name`: unique across both kinds. */
  readonly id: string;
  readonly kind: 'NetworkPolicy' | 'GlobalNetworkPolicy';
  readonly namespace?: string;
  readonly name: string;
  readonly tier: string;
  readonly order?: number;
  readonly selector: string;
  /** GlobalNetworkPolicy only: the namespaces whose endpoints it applies to. */
  readonly namespaceSelector?: string;
  readonly ingress?: readonly Rule[];
  readonly egress?: readonly Rule[];
  readonly origin: 'foldnet' | 'kubernetes';
}

export interface ProfileModel {
  readonly name: string;
  readonly labelsToApply: Readonly<Record<string, string>>;
  readonly ingress: readonly Rule[];
  readonly egress: readonly Rule[];
}

export interface TierModel {
  readonly name: string;
  readonly order?: number;
}

export interface HostModel {
  readonly name: string;
  readonly ipv4?: IpPrefix;
  readonly ipv6?: IpPrefix;
  readonly asNumber?: number;
  readonly labels: Readonly<Record<string, string>>;
}

export interface PoolModel {
  readonly name: string;
  readonly cidr: Cidr;
  readonly blockSize: number;
  readonly disabled: boolean;
  /** What its addresses may be, in this order: `Workload` (IPAM hands them to endpoints), `Service` (anycast service addresses). Never empty. */
  readonly allowedUses: readonly ('Workload' | 'Service')[];
}

export interface BgpPeerModel {
  readonly name: string;
  readonly peerIP: Ip;
  readonly asNumber: number;
  readonly node?: string;
  readonly acceptPoolRoutes: boolean;
  readonly password?: string;
}

export interface BgpConfigModel {
  readonly meshEnabled: boolean;
  readonly asNumber: number;
}

export interface NamespaceModel {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** One port of an anycast service: what clients connect to, and where the backend listens. */
export interface ServicePortModel {
  /** The port's name (Kubernetes' `ports[].name`), when given. */
  readonly name?: string;
  /** IP protocol number (TCP 6, UDP 17, SCTP 132). */
  readonly protocol: number;
  readonly port: number;
  /** A number, or a named port each backend resolves for itself (same protocol). */
  readonly targetPort: { readonly kind: 'number'; readonly port: number } | { readonly kind: 'name'; readonly name: string };
}

/** An address announced by every host that has a backend of it, DNATed there to its local backends. */
export interface ServiceModel {
  /** `ns/name`. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** Host addresses (/32, /128), sorted, IPv4 first; at least one. */
  readonly addresses: readonly Ip[];
  /** Canonical selector text over endpoints of the service's namespace. */
  readonly selector: string;
  /** Sorted by protocol, then port. */
  readonly ports: readonly ServicePortModel[];
  readonly origin: 'AnycastService' | 'Service';
}

/** A host's own interface (or all of them, `*`) whose traffic to and from the host is policed. */
export interface HostEndpointModel {
  readonly name: string;
  readonly host: string;
  /** An interface name, or `*` for every interface of the host. */
  readonly interfaceName: string;
  /** Sorted, IPv4 first. */
  readonly expectedIPs: readonly Ip[];
  readonly labels: Readonly<Record<string, string>>;
  readonly profiles: readonly string[];
  readonly ports: readonly NamedPortModel[];
}

export interface FailsafePortModel {
  /** IP protocol number: TCP 6 or UDP 17. */
  readonly protocol: number;
  readonly port: number;
}

/** Failsafe ports that no host-endpoint policy can close (Calico's FelixConfiguration fields of the same names). */
export interface FelixConfigModel {
  /** Sorted by protocol, then port. */
  readonly failsafeInboundHostPorts: readonly FailsafePortModel[];
  readonly failsafeOutboundHostPorts: readonly FailsafePortModel[];
}

const TCP = 6;
const UDP = 17;
const tcpFailsafe = [22, 179, 2379, 2380, 6443].map((port) => ({ protocol: TCP, port }));
/** Calico's defaults: in, TCP 22 (ssh), 179 (BGP), 2379/2380 (etcd), 6443 (kube-apiserver) and UDP 68 (DHCP client); out, the same TCP ports and UDP 53 (DNS), 67 (DHCP server). */
export const DEFAULT_FELIX_CONFIG: FelixConfigModel = {
  failsafeInboundHostPorts: [...tcpFailsafe, { protocol: UDP, port: 68 }],
  failsafeOutboundHostPorts: [...tcpFailsafe, { protocol: UDP, port: 53 }, { protocol: UDP, port: 67 }],
};

export const DEFAULT_TIER = 'default';
export const DEFAULT_ASN = 64512;
export const NAMESPACE_LABEL = 'projectcalico.org/namespace';
export const K8S_NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
