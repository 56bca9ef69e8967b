// A deterministic generator of realistic clusters for the benchmark: hosts
// behind two route reflectors, namespaces (four in five Kubernetes-style:
// Pods and networking.k8s.io NetworkPolicies; one in five Calico-style:
// WorkloadEndpoints with profiles), endpoints labelled from a few apps and
// tiers with named ports, and Calico NetworkPolicies and
// GlobalNetworkPolicies in tiers, with selectors, nets and ports. The same
// shape and seed give the same documents, in the same order. Policies live in
// policy-gen.ts; turning documents into events is events-gen.ts's job.
import { APPS, ClusterShape, Doc, hostName, isCalicoStyle, namespaceName, namespaceTeam, TEAMS } from './cluster-shape';
import { globalPolicyDoc, namespacedPolicyDoc } from './policy-gen';
import { seededRandom } from './random';

export { APPS, hostName, namespaceName, shapeFor, TEAMS } from './cluster-shape';
export type { ClusterShape, Doc } from './cluster-shape';

const TIER_OF: Record<string, string> = {
  frontend: 'web', api: 'app', auth: 'app', search: 'app', worker: 'batch', cache: 'data', db: 'data', 'metrics-agent': 'infra',
};
const PORTS_OF: Record<string, Array<{ name: string; port: number }>> = {
  frontend: [{ name: 'http', port: 8080 }],
  api: [{ name: 'http', port: 8080 }, { name: 'grpc', port: 9090 }],
  auth: [{ name: 'grpc', port: 9090 }],
  search: [{ name: 'http', port: 9200 }],
  worker: [],
  cache: [{ name: 'redis', port: 6379 }],
  db: [{ name: 'postgres', port: 5432 }],
  'metrics-agent': [],
};
const ENVS = ['prod', 'prod', 'staging', 'dev'];

/** A stable 32-bit mix of the seed and a number, so each endpoint draws its own attributes. */
const mix = (seed: number, i: number): number => {
  let h = (seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
};

const ipv4 = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
/** fd00:10::/64, written canonically (RFC 5952). */
const ipv6 = (i: number): string => (i >> 16 === 0 ? `fd00:10::${i.toString(16)}` : `fd00:10::${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}`);

export interface EndpointTraits {
  readonly index: number;
  readonly namespace: number;
  readonly host: number;
  readonly app: string;
  readonly version: string;
  readonly canary: boolean;
  readonly dualStack: boolean;
}

/** What endpoint `i` is (its namespace, host, app, …), drawn from its own seed. */
export const endpointTraits = (shape: ClusterShape, i: number): EndpointTraits => {
  const r = seededRandom(mix(shape.seed, i));
  return {
    index: i,
    namespace: i % shape.namespaces,
    host: r.int(shape.hosts),
    app: r.pick(APPS),
    version: r.pick(['v1', 'v1', 'v2', 'v3']),
    canary: r.chance(0.1),
    dualStack: r.chance(0.1),
  };
};

export const endpointName = (t: EndpointTraits): string => `${t.app}-${t.index.toString(36)}`;

/** Endpoint `i` as a document, with its labels possibly edited (`version` overrides the drawn one). */
export const endpointDoc = (shape: ClusterShape, t: EndpointTraits, edit: { version?: string; canary?: boolean } = {}): Doc => {
  const ns = namespaceName(t.namespace);
  const labels = {
    app: t.app,
    tier: TIER_OF[t.app]!,
    version: edit.version ?? t.version,
    ...((edit.canary ?? t.canary) ? { release: 'canary' } : { release: 'stable' }),
  };
  const ports = [...PORTS_OF[t.app]!, { name: 'metrics', port: 9100 }];
  const ips = [ipv4(t.index + 65536), ...(t.dualStack ? [ipv6(t.index + 1)] : [])];
  if (isCalicoStyle(t.namespace))
    return {
      apiVersion: 'foldnet.io/v1',
      kind: 'WorkloadEndpoint',
      metadata: { namespace: ns, name: endpointName(t), labels },
      spec: {
        host: hostName(t.host),
        interfaceName: `cali${t.index.toString(16).padStart(8, '0')}`,
        ipNetworks: ips.map((ip) => (ip.includes(':') ? `${ip}/128` : `${ip}/32`)),
        profiles: [`team-${namespaceTeam(t.namespace)}`],
        ports: ports.map((p) => ({ ...p, protocol: 'TCP' })),
      },
    };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: ns, name: endpointName(t), labels },
    spec: { nodeName: hostName(t.host), containers: [{ name: t.app, ports: ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })) }] },
    status: { podIPs: ips.map((ip) => ({ ip })) },
  };
};

const hostDoc = (i: number): Doc => ({
  apiVersion: 'foldnet.io/v1',
  kind: 'Host',
  metadata: { name: hostName(i), labels: { rack: `r${i % 40}` } },
  spec: { bgp: { ipv4Address: `172.16.${((i + 1) >> 8) & 255}.${(i + 1) & 255}/12` } },
});

const namespaceDoc = (i: number): Doc => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: namespaceName(i), labels: { env: ENVS[i % ENVS.length]!, team: `t${namespaceTeam(i)}`, ...(i === 0 ? { role: 'monitoring' } : {}) } },
});

const profileDoc = (team: number): Doc => ({
  apiVersion: 'foldnet.io/v1',
  kind: 'Profile',
  metadata: { name: `team-${team}` },
  spec: {
    labelsToApply: { team: `t${team}` },
    ingress: [{ action: 'Allow', source: { selector: `team == 't${team}'` } }],
    egress: [{ action: 'Allow' }],
  },
});

/** Cluster-wide resources that come before endpoints and policies. */
export const infrastructureDocs = (shape: ClusterShape): Doc[] => [
  { apiVersion: 'foldnet.io/v1', kind: 'BGPConfiguration', metadata: { name: 'default' }, spec: { nodeToNodeMeshEnabled: false, asNumber: 64512 } },
  ...[1, 2].map((n) => ({
    apiVersion: 'foldnet.io/v1', kind: 'BGPPeer', metadata: { name: `route-reflector-${n}` }, spec: { peerIP: `172.31.255.${n}`, asNumber: 64512 },
  })),
  { apiVersion: 'foldnet.io/v1', kind: 'IPPool', metadata: { name: 'pods-v4' }, spec: { cidr: '10.0.0.0/8', blockSize: 26 } },
  { apiVersion: 'foldnet.io/v1', kind: 'IPPool', metadata: { name: 'pods-v6' }, spec: { cidr: 'fd00:10::/64', blockSize: 122 } },
  ...Array.from({ length: shape.hosts }, (_, i) => hostDoc(i)),
  { apiVersion: 'foldnet.io/v1', kind: 'Tier', metadata: { name: 'security' }, spec: { order: 100 } },
  { apiVersion: 'foldnet.io/v1', kind: 'Tier', metadata: { name: 'platform' }, spec: { order: 200 } },
  ...Array.from({ length: shape.namespaces }, (_, i) => namespaceDoc(i)),
  ...Array.from({ length: TEAMS }, (_, t) => profileDoc(t)),
];

export const globalPolicyCount = (shape: ClusterShape): number => Math.max(1, Math.round(shape.policies / 10));
export const policiesPerNamespace = (shape: ClusterShape): number =>
  Math.max(1, Math.round((shape.policies - globalPolicyCount(shape)) / shape.namespaces));

/** The whole cluster as documents: infrastructure, policies, then endpoints. */
export const clusterDocs = (shape: ClusterShape): Doc[] => {
  const out = infrastructureDocs(shape);
  for (let g = 0; g < globalPolicyCount(shape); g++) out.push(globalPolicyDoc(shape, g));
  const per = policiesPerNamespace(shape);
  for (let ns = 0; ns < shape.namespaces; ns++) for (let p = 0; p < per; p++) out.push(namespacedPolicyDoc(shape, ns, p));
  for (let i = 0; i < shape.endpoints; i++) out.push(endpointDoc(shape, endpointTraits(shape, i)));
  return out;
};
