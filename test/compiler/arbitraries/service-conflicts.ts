// fast-check arbitraries for clusters whose services, endpoints, hosts, pools
// and host endpoints are drawn from small pools of addresses, ports, names
// and interfaces so that they collide: services on endpoint and BGP
// addresses, two services on one address and port (often: clashArb),
// service addresses in pools that do not allow Service, IPAM next to service
// addresses, two host endpoints on one interface. Every document decodes; it is the fold that
// must refuse the conflicts. Separate from cluster.ts and services.ts, whose
// distributions other properties rely on.
import fc from 'fast-check';

const FN = 'foldnet.io/v1';
export const CONFLICT_HOSTS = [{ name: 'h1', v4: '10.9.0.1' }, { name: 'h2', v4: '10.9.0.2' }];
/** Service candidates: inside the services pool, inside the pods pool, a BGP address, outside every pool, IPv6. */
export const CONFLICT_ADDRESSES = ['10.96.0.1', '10.96.0.2', '10.0.0.1', '10.0.0.2', '10.9.0.1', '192.0.2.1', 'fd96::1'];
const NAMES = ['s0', 's1', 's2'];
const USES = fc.constantFrom(['Workload'], ['Service'], ['Workload', 'Service'], undefined);

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const portArb = fc.record({ port: fc.constantFrom(53, 80), protocol: opt(fc.constantFrom('TCP', 'UDP')) });
const ports = fc.uniqueArray(portArb, { minLength: 1, maxLength: 2, selector: (p) => `${p.protocol ?? 'TCP'} ${p.port}` });

type PortDoc = { port: number; protocol?: string };

const anycastWith = (names: readonly string[], addresses: fc.Arbitrary<string[]>, portsOf: fc.Arbitrary<PortDoc[]>) => fc
  .record({ name: fc.constantFrom(...names), addresses, ports: portsOf })
  .map(({ name, addresses: as, ports: ps }) => ({
    apiVersion: FN, kind: 'AnycastService', metadata: { namespace: 'ns', name },
    spec: { addresses: as, selector: "app == 'web'", ports: ps },
  }));

const k8sServiceWith = (names: readonly string[], ipOf: fc.Arbitrary<string>, portsOf: fc.Arbitrary<PortDoc[]>) => fc
  .record({ name: fc.constantFrom(...names), ip: ipOf, lb: opt(fc.constantFrom(...CONFLICT_ADDRESSES)), ports: portsOf })
  .map(({ name, ip, lb, ports: ps }) => ({
    apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'ns', name, uid: `uid-${name}` },
    spec: { type: lb === undefined ? 'ClusterIP' : 'LoadBalancer', clusterIP: ip, clusterIPs: [ip], selector: { app: 'web' }, ports: ps },
    ...(lb === undefined ? {} : { status: { loadBalancer: { ingress: [{ ip: lb }] } } }),
  }));

const anycastArb = anycastWith(NAMES, fc.subarray(CONFLICT_ADDRESSES, { minLength: 1, maxLength: 2 }), ports);
const k8sServiceArb = k8sServiceWith(NAMES, fc.constantFrom(...CONFLICT_ADDRESSES), ports);

/**
 * Services on one address that no pool, endpoint or host can take, all
 * serving TCP 80 (and maybe more), under names of their own: any two named
 * apart share a port there, which the fold must refuse. Drawn from the pools
 * above alone, two services that both pass the other checks and then meet
 * on a port are rare (under 1 history in 10).
 */
const CLASH_ADDRESS = '192.0.2.1';
const CLASH_NAMES = ['c0', 'c1', 'c2'];
const clashPorts = fc.subarray<PortDoc>([{ port: 53, protocol: 'UDP' }]).map((more) => [{ port: 80 }, ...more]);
const clashArb = fc.oneof(anycastWith(CLASH_NAMES, fc.constant([CLASH_ADDRESS]), clashPorts), k8sServiceWith(CLASH_NAMES, fc.constant(CLASH_ADDRESS), clashPorts));

const wepArb = fc
  .record({ i: fc.nat(3), host: fc.constantFrom('h1', 'h2'), ip: opt(fc.constantFrom('10.96.0.1', '10.0.0.0', '10.0.0.1', '10.9.0.1', '10.5.0.1')) })
  .map(({ i, host, ip }) => ({
    apiVersion: FN, kind: 'WorkloadEndpoint', metadata: { namespace: 'ns', name: `w${i}`, labels: { app: 'web' } },
    spec: { host, interfaceName: `c-w${i}`, ...(ip === undefined ? {} : { ipNetworks: [`${ip}/32`] }) },
  }));

const hepArb = fc
  .record({ i: fc.nat(2), host: fc.constantFrom('h1', 'h2', 'h3'), iface: fc.constantFrom('eth0', '*') })
  .map(({ i, host, iface }) => ({ apiVersion: FN, kind: 'HostEndpoint', metadata: { name: `hep${i}` }, spec: { host, interfaceName: iface } }));

/** The services pool (10.96.0.0/24) or the pods pool (10.0.0.0/28, blocks of four), with any uses. */
const poolOf = (services: boolean) =>
  USES.map((uses) => ({
    apiVersion: FN, kind: 'IPPool', metadata: { name: services ? 'svcs' : 'pods' },
    spec: { cidr: services ? '10.96.0.0/24' : '10.0.0.0/28', blockSize: services ? 26 : 30, ...(uses ? { allowedUses: uses } : {}) },
  }));
const poolArb = fc.boolean().chain(poolOf);

const hostArb = fc.constantFrom(...CONFLICT_HOSTS, { name: 'h3', v4: '10.0.0.2' }).map((h) => ({
  apiVersion: FN, kind: 'Host', metadata: { name: h.name }, spec: { bgp: { ipv4Address: `${h.v4}/24` } },
}));

const felixArb = fc
  .record({ inbound: opt(fc.subarray([{ protocol: 'tcp', port: 22 }, { protocol: 'UDP', port: 68 }])), outbound: opt(fc.constant([])) })
  .map(({ inbound, outbound }) => ({
    apiVersion: FN, kind: 'FelixConfiguration', metadata: { name: 'default' },
    spec: { ...(inbound ? { failsafeInboundHostPorts: inbound } : {}), ...(outbound ? { failsafeOutboundHostPorts: outbound } : {}) },
  }));

/** One document of any of these kinds, weighted towards services and endpoints. */
export const conflictDocArb: fc.Arbitrary<object> = fc.oneof(
  { weight: 4, arbitrary: anycastArb },
  { weight: 2, arbitrary: k8sServiceArb },
  { weight: 4, arbitrary: clashArb },
  { weight: 4, arbitrary: wepArb },
  { weight: 2, arbitrary: hepArb },
  { weight: 2, arbitrary: poolArb },
  { weight: 1, arbitrary: hostArb },
  { weight: 1, arbitrary: felixArb },
);

/** A base of hosts h1, h2 and both pools, then any documents. */
export const conflictDocs: fc.Arbitrary<object[]> = fc
  .tuple(fc.tuple(poolOf(false), poolOf(true)), fc.array(conflictDocArb, { minLength: 1, maxLength: 12 }))
  .map(([pools, docs]) => [
    ...CONFLICT_HOSTS.map((h) => ({ apiVersion: FN, kind: 'Host', metadata: { name: h.name }, spec: { bgp: { ipv4Address: `${h.v4}/24` } } })),
    ...pools,
    ...docs,
  ]);
