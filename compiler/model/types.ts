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

export const DEFAULT_TIER = 'default';
export const DEFAULT_ASN = 64512;
export const NAMESPACE_LABEL = 'projectcalico.org/namespace';
export const K8S_NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
