// foldnet.io/v1 resources → model, applying Calico's defaults (block size 26
// or 122, pools for workloads, tier `default`, mesh on, ASN 64512, both
// policy types inferred from the rules present, Felix's failsafe ports).
import * as E from 'fp-ts/Either';
import { cidrAddress, cidrLength, familyOf, Ip, maxPrefix } from '../net/ip';
import * as F from '../resources/foldnet-kinds';
import { protocolNumber } from '../resources/primitives';
import {
  BgpConfigModel, BgpPeerModel, DEFAULT_ASN, DEFAULT_FELIX_CONFIG, DEFAULT_TIER, EndpointModel, FailsafePortModel, FelixConfigModel,
  HostEndpointModel, HostModel, PolicyModel, PoolModel, ProfileModel, ServiceModel, ServicePortModel, TierModel,
} from './types';
import { sortIps } from './sort';
import { namespacedKey } from './keys';

export const hostModel = (h: F.Host): E.Either<string, HostModel> => {
  const { ipv4Address, ipv6Address, asNumber } = h.spec.bgp;
  if (!ipv4Address && !ipv6Address) return E.left('spec.bgp: a host needs ipv4Address or ipv6Address');
  if (ipv4Address && familyOf(ipv4Address) !== 4) return E.left(`spec.bgp.ipv4Address: ${ipv4Address} is not IPv4`);
  if (ipv6Address && familyOf(ipv6Address) !== 6) return E.left(`spec.bgp.ipv6Address: ${ipv6Address} is not IPv6`);
  return E.right({ name: h.metadata.name, ipv4: ipv4Address, ipv6: ipv6Address, asNumber, labels: h.metadata.labels ?? {} });
};

export const poolModel = (p: F.IPPool): E.Either<string, PoolModel> => {
  const f = familyOf(p.spec.cidr);
  const blockSize = p.spec.blockSize ?? (f === 4 ? 26 : 122);
  const min = f === 4 ? 20 : 116;
  if (blockSize > maxPrefix(f) || blockSize < min) return E.left(`spec.blockSize: must be ${min}-${maxPrefix(f)} for an IPv${f} pool, got ${blockSize}`);
  if (blockSize < cidrLength(p.spec.cidr)) return E.left(`spec.blockSize: /${blockSize} blocks do not fit in ${p.spec.cidr}`);
  const uses = p.spec.allowedUses ?? ['Workload'];
  return E.right({
    name: p.metadata.name, cidr: p.spec.cidr, blockSize, disabled: p.spec.disabled ?? false,
    allowedUses: F.POOL_USES.filter((u) => uses.includes(u)),
  });
};

/** `known`: the event's key, kept as the model's when it spells the same (keys.ts). */
export const endpointModel = (w: F.WorkloadEndpoint, known?: string): E.Either<string, EndpointModel> => {
  const ips: Ip[] = [];
  for (const net of w.spec.ipNetworks ?? []) {
    if (cidrLength(net) !== maxPrefix(familyOf(net))) return E.left(`spec.ipNetworks: ${net} is not a single address (/32 or /128)`);
    ips.push(cidrAddress(net));
  }
  const names = new Set<string>();
  for (const p of w.spec.ports ?? []) {
    if (names.has(p.name)) return E.left(`spec.ports: port name ${p.name} is used twice`);
    names.add(p.name);
  }
  return E.right({
    key: namespacedKey(w.metadata.namespace, w.metadata.name, known),
    namespace: w.metadata.namespace,
    name: w.metadata.name,
    host: w.spec.host,
    interfaceName: w.spec.interfaceName,
    mac: w.spec.mac,
    ips: sortIps(ips),
    labels: w.metadata.labels ?? {},
    profiles: w.spec.profiles ?? [],
    ports: (w.spec.ports ?? []).map((p) => ({ name: p.name, port: p.port, protocol: protocolNumber(p.protocol ?? 'TCP') })),
    origin: 'WorkloadEndpoint',
  });
};

export const profileModel = (p: F.Profile): ProfileModel => ({
  name: p.metadata.name,
  labelsToApply: p.spec.labelsToApply ?? {},
  ingress: p.spec.ingress ?? [],
  egress: p.spec.egress ?? [],
});

export const tierModel = (t: F.Tier): TierModel => ({ name: t.metadata.name, order: t.spec.order });

type PolicySpec = F.NetworkPolicy['spec'] & { namespaceSelector?: string };

/** Calico: without `types`, Ingress always, Egress when egress rules are given. */
const policyTypes = (spec: PolicySpec) => {
  const types = spec.types ?? (spec.egress && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress']);
  return { ingress: types.includes('Ingress'), egress: types.includes('Egress') };
};

export const policyModel = (p: F.NetworkPolicy | F.GlobalNetworkPolicy): PolicyModel => {
  const spec = p.spec as PolicySpec;
  const types = policyTypes(spec);
  const ns = p.kind === 'NetworkPolicy' ? (p.metadata as { namespace: string }).namespace : undefined;
  return {
    id: ns === undefined ? `${p.kind}:${p.metadata.name}` : `${p.kind}:${ns}/${p.metadata.name}`,
    kind: p.kind,
    namespace: ns,
    name: p.metadata.name,
    tier: spec.tier ?? DEFAULT_TIER,
    order: spec.order,
    selector: spec.selector ?? 'all()',
    namespaceSelector: spec.namespaceSelector,
    ingress: types.ingress ? spec.ingress ?? [] : undefined,
    egress: types.egress ? spec.egress ?? [] : undefined,
    origin: 'foldnet',
  };
};

export const bgpPeerModel = (p: F.BGPPeer): BgpPeerModel => ({
  name: p.metadata.name,
  peerIP: p.spec.peerIP,
  asNumber: p.spec.asNumber,
  node: p.spec.node,
  acceptPoolRoutes: p.spec.acceptPoolRoutes ?? false,
  password: p.spec.password,
});

export const bgpConfigModel = (c: F.BGPConfiguration | undefined): BgpConfigModel => ({
  meshEnabled: c?.spec.nodeToNodeMeshEnabled ?? true,
  asNumber: c?.spec.asNumber ?? DEFAULT_ASN,
});

const byProtocolThenPort = (a: { protocol: number; port: number }, b: { protocol: number; port: number }): number =>
  a.protocol - b.protocol || a.port - b.port;

export const servicePortModel = (p: F.ServicePort): ServicePortModel => ({
  ...(p.name !== undefined ? { name: p.name } : {}),
  protocol: protocolNumber(p.protocol ?? 'TCP'),
  port: p.port,
  targetPort: p.targetPort ?? { kind: 'number', port: p.port },
});

/** The codec has refused repeats and empty lists; this only orders. */
export const anycastServiceModel = (s: F.AnycastService): ServiceModel => ({
  key: `${s.metadata.namespace}/${s.metadata.name}`,
  namespace: s.metadata.namespace,
  name: s.metadata.name,
  addresses: sortIps(s.spec.addresses),
  selector: s.spec.selector,
  ports: s.spec.ports.map(servicePortModel).sort(byProtocolThenPort),
  origin: 'AnycastService',
});

export const hostEndpointModel = (h: F.HostEndpoint): HostEndpointModel => ({
  name: h.metadata.name,
  host: h.spec.host,
  interfaceName: h.spec.interfaceName,
  expectedIPs: sortIps(h.spec.expectedIPs ?? []),
  labels: h.metadata.labels ?? {},
  profiles: h.spec.profiles ?? [],
  ports: (h.spec.ports ?? []).map((p) => ({ name: p.name, port: p.port, protocol: protocolNumber(p.protocol ?? 'TCP') })),
});

const failsafe = (given: ReadonlyArray<{ protocol: 'TCP' | 'UDP'; port: number }> | undefined, otherwise: readonly FailsafePortModel[]): readonly FailsafePortModel[] => {
  if (given === undefined) return otherwise;
  const unique = new Map(given.map((p) => [`${p.protocol}/${p.port}`, { protocol: protocolNumber(p.protocol), port: p.port }]));
  return [...unique.values()].sort(byProtocolThenPort);
};

/** An omitted list keeps Calico's default; an empty one means no failsafe ports. No configuration: the defaults. */
export const felixConfigModel = (c: F.FelixConfiguration | undefined): FelixConfigModel =>
  c === undefined
    ? DEFAULT_FELIX_CONFIG
    : {
      failsafeInboundHostPorts: failsafe(c.spec.failsafeInboundHostPorts, DEFAULT_FELIX_CONFIG.failsafeInboundHostPorts),
      failsafeOutboundHostPorts: failsafe(c.spec.failsafeOutboundHostPorts, DEFAULT_FELIX_CONFIG.failsafeOutboundHostPorts),
    };
