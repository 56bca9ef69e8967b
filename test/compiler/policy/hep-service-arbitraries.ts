// fast-check arbitraries for the reference evaluator's host-endpoint and
// service laws: a generated cluster (test/compiler/arbitraries/cluster.ts)
// plus GlobalNetworkPolicies aimed at host endpoints, then host endpoints,
// services and failsafe ports as model values, and packets that reach them.
import fc from 'fast-check';
import { ClusterState } from '../../../compiler/fold/state';
import { FailsafePortModel, HostEndpointModel, ServiceModel } from '../../../compiler/model/types';
import { Packet } from '../../../compiler/policy/reference';
import { clusterDocs, HOSTS, NAMESPACES, ruleArb } from '../arbitraries/cluster';
import { stateFrom } from './build-state';
import { ip } from './packets';
import { hostEndpoint, service, servicePort, withFelixConfig, withHostEndpoints, withServices } from './state-with';

export const INTERFACES = ['eth0', 'eth1'];
/** Addresses no generated endpoint or host has: host endpoints' expectedIPs. */
const EXPECTED_IPS = ['10.99.1.1', '10.99.1.2'];
export const SERVICE4 = '10.96.0.1';
export const SERVICE6 = 'fd00:96::1';
const OUTSIDE4 = ['10.30.0.7', '10.40.0.1'];
const OUTSIDE6 = ['fd30::7', 'fd40::1'];
const SERVICE_PORTS = [80, 443, 53];
/** Destination ports: failsafe ones, service ports, endpoints' named ports (http 80/8080, metrics 9100) and others. */
const DST_PORTS = [22, 53, 67, 68, 80, 179, 443, 1500, 8080, 9100];
const FAILSAFE_POOL: FailsafePortModel[] = [
  { protocol: 6, port: 22 }, { protocol: 6, port: 80 }, { protocol: 6, port: 179 }, { protocol: 17, port: 53 }, { protocol: 17, port: 68 },
];

const strip = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** GlobalNetworkPolicies that select host endpoints (by role), with generated rules; sometimes one denying everything. */
const hepPoliciesArb = fc.array(
  fc.record({
    selector: fc.constantFrom("role == 'node'", "role == 'edge'", 'has(role)', "zone == 'z1'"),
    tier: fc.constantFrom('default', 'security'),
    ingress: fc.option(fc.array(ruleArb, { maxLength: 3 }), { nil: undefined }),
    egress: fc.option(fc.array(ruleArb, { maxLength: 3 }), { nil: undefined }),
  }),
  { maxLength: 2 },
).chain((ps) => fc.boolean().map((denyAll) => [
  ...ps.map((p, i) => ({
    apiVersion: 'foldnet.io/v1', kind: 'GlobalNetworkPolicy', metadata: { name: `hep${i}` },
    spec: strip({ selector: p.selector, tier: p.tier, ingress: p.ingress, egress: p.egress, types: p.ingress || p.egress ? undefined : ['Ingress'] }),
  })),
  // Sometimes everything is denied first, so that what still passes is what no policy can close.
  ...(denyAll ? [{ apiVersion: 'foldnet.io/v1', kind: 'GlobalNetworkPolicy', metadata: { name: 'deny-all' }, spec: { tier: 'security', order: 0, selector: 'all()', ingress: [{ action: 'Deny' }], egress: [{ action: 'Deny' }] } }] : []),
]));

const hostEndpointsArb: fc.Arbitrary<HostEndpointModel[]> = fc
  .tuple(...HOSTS.map((h, i) =>
    fc.option(
      fc.record({ iface: fc.constantFrom('eth0', 'eth1', '*'), role: fc.constantFrom('node', 'edge'), profiles: fc.subarray(['p1', 'p2', 'kns.ns-a']), expected: fc.boolean() })
        .map(({ iface, role, profiles, expected }) => hostEndpoint(`${h.name}-hep`, h.name, iface, { labels: { role }, profiles, expectedIPs: expected ? [EXPECTED_IPS[i]!] : [] })),
      { nil: undefined },
    )))
  .map((heps) => heps.flatMap((h) => (h === undefined ? [] : [h])));

const felixArb = fc.record({ failsafeInboundHostPorts: fc.subarray(FAILSAFE_POOL), failsafeOutboundHostPorts: fc.subarray(FAILSAFE_POOL) });

const serviceArb: fc.Arbitrary<ServiceModel> = fc
  .record({
    namespace: fc.constantFrom(...NAMESPACES),
    selector: fc.constantFrom("app == 'web'", "app == 'db'", 'all()', "has(tier)"),
    targets: fc.tuple(...SERVICE_PORTS.map(() => fc.constantFrom<number | string>(8080, 9100, 'http', 'metrics'))),
    protocols: fc.tuple(...SERVICE_PORTS.map(() => fc.constantFrom(6, 17))),
  })
  .map(({ namespace, selector, targets, protocols }) =>
    service(namespace, 'svc', [SERVICE4, SERVICE6], selector, SERVICE_PORTS.map((p, i) => servicePort(p, targets[i]!, protocols[i]!))));

/** A generated cluster (plus host-endpoint policies) as `base`, and the same with host endpoints, services and failsafe ports set. */
export interface Scenario {
  readonly base: ClusterState;
  readonly withHeps: ClusterState;
  readonly withService: ClusterState;
  readonly heps: readonly HostEndpointModel[];
  readonly svc: ServiceModel;
}

export const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({ docs: clusterDocs, hepPolicies: hepPoliciesArb, heps: hostEndpointsArb, felix: felixArb, svc: serviceArb })
  .map(({ docs, hepPolicies, heps, felix, svc }) => {
    const base = withFelixConfig(stateFrom([...docs, ...hepPolicies]), felix);
    return { base, withHeps: withHostEndpoints(base, ...heps), withService: withServices(base, svc), heps, svc };
  });

/** Sources and destinations of one family: the scenario's endpoints (mostly), hosts (BGP and expected addresses), the outside. */
const addressArb = (sc: Scenario, v6: boolean): fc.Arbitrary<string> => {
  const endpoints = [...sc.base.endpoints.values()].flatMap((ep) => ep.ips.filter((a) => a.includes(':') === v6));
  const others = v6 ? [...HOSTS.map((h) => h.v6), ...OUTSIDE6] : [...HOSTS.map((h) => h.v4), ...EXPECTED_IPS, ...OUTSIDE4];
  return endpoints.length === 0
    ? fc.constantFrom(...others)
    : fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...endpoints) }, { weight: 2, arbitrary: fc.constantFrom(...others) });
};

const portPacket = (src: fc.Arbitrary<string>, dst: fc.Arbitrary<string>, port: fc.Arbitrary<{ protocol: number; dstPort: number }>): fc.Arbitrary<Packet> =>
  fc.record({ src, dst, port, srcPort: fc.constantFrom(1500, 40000), hostInterface: fc.option(fc.constantFrom(...INTERFACES), { nil: undefined }) })
    .map(({ src, dst, port: { protocol, dstPort }, srcPort, hostInterface }) =>
      strip({ src: ip(src), dst: ip(dst), protocol, srcPort, dstPort, hostInterface }));

const anyPort = fc.record({ protocol: fc.constantFrom(6, 17), dstPort: fc.constantFrom(...DST_PORTS) });

/** New TCP/UDP packets between the scenario's addresses (its service's included as destinations). */
export const packetsFor = (sc: Scenario): fc.Arbitrary<Packet[]> =>
  fc.array(
    fc.boolean().chain((v6) => portPacket(addressArb(sc, v6), fc.oneof({ weight: 6, arbitrary: addressArb(sc, v6) }, { weight: 1, arbitrary: fc.constant(v6 ? SERVICE6 : SERVICE4) }), anyPort)),
    { minLength: 1, maxLength: 20 },
  );

/** New packets to the scenario's service address, on one of its ports mostly. */
export const servicePacketsFor = (sc: Scenario): fc.Arbitrary<Packet[]> => {
  const servicePort = fc.constantFrom(...sc.svc.ports).map((p) => ({ protocol: p.protocol, dstPort: p.port }));
  return fc.array(
    fc.boolean().chain((v6) => portPacket(addressArb(sc, v6), fc.constant(v6 ? SERVICE6 : SERVICE4), fc.oneof({ weight: 4, arbitrary: servicePort }, { weight: 1, arbitrary: anyPort }))),
    { minLength: 1, maxLength: 20 },
  );
};

export const scenarioWithPackets = scenarioArb.chain((sc) => packetsFor(sc).map((packets) => ({ sc, packets })));
export const scenarioWithServicePackets = scenarioArb.chain((sc) => servicePacketsFor(sc).map((packets) => ({ sc, packets })));

export const OUTSIDE = { v4: OUTSIDE4, v6: OUTSIDE6 };
export const FAILSAFE = FAILSAFE_POOL;
