// Test helper: terse builders for resource documents (foldnet.io/v1 and the
// Kubernetes kinds), exactly as a user would write them, for stateFrom().
// Specs are passed through untouched, so a test can say anything the decoder
// accepts (or refuses).
const FOLDNET = 'foldnet.io/v1';

type Spec = Record<string, unknown>;

export const host = (name: string, ipv4Address: string, extra: Spec = {}): object => ({
  apiVersion: FOLDNET,
  kind: 'Host',
  metadata: { name },
  spec: { bgp: { ipv4Address, ...extra } },
});

export interface WepOptions {
  readonly host: string;
  /** Bare addresses; each becomes a /32 or /128. */
  readonly ips: readonly string[];
  readonly labels?: Record<string, string>;
  readonly profiles?: readonly string[];
  readonly ports?: ReadonlyArray<{ name: string; port: number; protocol?: string }>;
  readonly interfaceName?: string;
}

export const wep = (namespace: string, name: string, o: WepOptions): object => ({
  apiVersion: FOLDNET,
  kind: 'WorkloadEndpoint',
  metadata: { namespace, name, ...(o.labels ? { labels: o.labels } : {}) },
  spec: {
    host: o.host,
    interfaceName: o.interfaceName ?? `cali${name}`.slice(0, 15),
    ipNetworks: o.ips.map((ip) => (ip.includes(':') ? `${ip}/128` : `${ip}/32`)),
    ...(o.profiles ? { profiles: o.profiles } : {}),
    ...(o.ports ? { ports: o.ports } : {}),
  },
});

export const profile = (name: string, spec: Spec): object => ({ apiVersion: FOLDNET, kind: 'Profile', metadata: { name }, spec });

export const tier = (name: string, order?: number): object => ({
  apiVersion: FOLDNET,
  kind: 'Tier',
  metadata: { name },
  spec: order === undefined ? {} : { order },
});

export const networkPolicy = (namespace: string, name: string, spec: Spec): object => ({
  apiVersion: FOLDNET,
  kind: 'NetworkPolicy',
  metadata: { namespace, name },
  spec,
});

export const globalNetworkPolicy = (name: string, spec: Spec): object => ({
  apiVersion: FOLDNET,
  kind: 'GlobalNetworkPolicy',
  metadata: { name },
  spec,
});

export const namespace = (name: string, labels: Record<string, string> = {}): object => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});

export interface PodOptions {
  readonly node: string;
  readonly ips: readonly string[];
  readonly labels?: Record<string, string>;
  readonly ports?: ReadonlyArray<{ name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }>;
}

export const pod = (ns: string, name: string, o: PodOptions): object => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: ns, name, ...(o.labels ? { labels: o.labels } : {}) },
  spec: { nodeName: o.node, containers: [{ name: 'main', ...(o.ports ? { ports: o.ports } : {}) }] },
  status: { podIPs: o.ips.map((ip) => ({ ip })) },
});

export const k8sNetworkPolicy = (ns: string, name: string, spec: Spec): object => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { namespace: ns, name },
  spec,
});
