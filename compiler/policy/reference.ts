// The reference evaluator: the oracle for policy semantics (DESIGN.md,
// "Policy semantics"), written to be read against that text, not to be fast.
// It follows one packet along its path through foldnet, in this order:
//   1. anti-spoofing: a packet that entered by a workload's interface must
//      carry that workload's address (checked first, as the raw table would);
//   2. services: a packet to a service address must match one of the
//      service's ports (protocol and port), and the port must have backends.
//      If the client's host (the source workload's, or the host whose address
//      the source is) has backends, it translates to one of its own;
//      otherwise any host with backends does, to one of its own. Each backend
//      it may reach is an outcome; the translated packet (backend address,
//      target port) takes steps 3-7, except that the sender's egress sees the
//      packet as its own host forwards it: translated only if that host
//      translated. Allowed when some outcome is;
//   3. an endpoint talking to itself never leaves the workload: allowed;
//   4. conntrack: replies (established/related) pass, invalid drops; policy
//      judges only new connections;
//   5. a host always reaches its own workloads (no policy at all), and its
//      own addresses (the packet never leaves it);
//   6. a workload reaching its own host: DHCP and ICMPv6 router/neighbour
//      discovery always pass; otherwise its egress policy, then the
//      endpoint-to-host default action (the host's host endpoints are not
//      consulted);
//   7. otherwise: egress of the sender on its host, then ingress of the
//      receiver on its host; both must allow. A workload's side is its
//      policy; a host's side (its addresses: BGP addresses and host endpoint
//      expectedIPs) is its host endpoint for `hostInterface`: failsafe ports
//      first, then GlobalNetworkPolicies, then its profiles, else drop. An
//      address that is neither an endpoint's nor a host's, or a host without
//      a host endpoint for that interface, skips its side. Host endpoints
//      never police packets between workloads.
// It shares no code with the nftables compiler, on purpose.
import { ClusterState } from '../fold/state';
import { EndpointModel, ServiceModel } from '../model/types';
import { familyOf, Ip } from '../net/ip';
import { endpointOwning } from './effective-labels';
import { evaluateEndpoint } from './direction';
import { hostAddresses, hostEndpointHop, hostOwning } from './host-endpoints';
import { hasPorts } from './rule-match';
import { backendsOf, serviceFor, servicePortFor } from './services';
import { Decision, Direction, EvaluateOptions, HopVerdict, Packet, ServiceOutcome, Verdict } from './verdict';

export type {
  ConnState, Decision, Direction, EndpointToHostAction, EvaluateOptions, HopVerdict, Packet, ServiceOutcome, ServiceVerdict, Verdict,
} from './verdict';
export { DEFAULT_HOST_INTERFACE } from './verdict';
export { evaluateDirection, evaluateEndpoint, evaluateHostEndpoint, hostEndpointKey } from './direction';

const UDP = 17;
const ICMPV6 = 58;
const DHCP_SERVER_PORT = 67;
/** Router solicitation/advertisement, neighbour solicitation/advertisement. */
const ICMPV6_DISCOVERY: Readonly<Record<number, string>> = {
  133: 'ICMPv6 router solicitation',
  134: 'ICMPv6 router advertisement',
  135: 'ICMPv6 neighbour solicitation',
  136: 'ICMPv6 neighbour advertisement',
};

const decided = (allowed: boolean, decision: Decision): Verdict => ({ allowed, hops: [], decision });

const spoofing = (state: ClusterState, packet: Packet, src: EndpointModel | undefined): Decision | undefined => {
  const got = packet.fromInterface;
  if (got === undefined) return undefined;
  if (src !== undefined) return src.interfaceName === got ? undefined : { kind: 'spoofed', expected: src.interfaceName, got };
  const isWorkloadInterface = [...state.endpoints.values()].some((ep) => ep.interfaceName === got);
  return isWorkloadInterface ? { kind: 'spoofed', expected: `no workload interface (${packet.src} is no endpoint's address)`, got } : undefined;
};

/** What a workload may always send its host, whatever its policy says. */
const alwaysAllowedToHost = (packet: Packet): string | undefined => {
  if (packet.protocol === UDP && packet.dstPort === DHCP_SERVER_PORT) return 'DHCP';
  if (packet.protocol === ICMPV6 && packet.icmpType !== undefined) return ICMPV6_DISCOVERY[packet.icmpType];
  return undefined;
};

/** One side of step 7: the workload's policy, else the host's host endpoint, else nothing to check. */
const sideHop = (
  state: ClusterState,
  ep: EndpointModel | undefined,
  host: string | undefined,
  direction: Direction,
  packet: Packet,
): HopVerdict | undefined => {
  if (ep !== undefined) return evaluateEndpoint(state, ep, direction, packet);
  return host !== undefined ? hostEndpointHop(state, host, direction, packet) : undefined;
};

/**
 * Steps 3-7 for `packet` (already translated, if it was for a service);
 * `sent` is the packet as the sender's host forwards it, which the sender's
 * egress judges.
 */
const alongPath = (state: ClusterState, packet: Packet, sent: Packet, options: EvaluateOptions): Verdict => {
  const src = endpointOwning(state, packet.src);
  const dst = endpointOwning(state, packet.dst);

  if (src !== undefined && dst !== undefined && src.key === dst.key) return decided(true, { kind: 'same-endpoint' });

  const conn = packet.state ?? 'new';
  if (conn !== 'new') return decided(conn !== 'invalid', { kind: 'conntrack', state: conn });

  if (dst !== undefined && hostAddresses(state, dst.host).includes(packet.src)) return decided(true, { kind: 'host-to-local-workload' });
  const srcHost = src === undefined ? hostOwning(state, packet.src) : undefined;
  const dstHost = dst === undefined ? hostOwning(state, packet.dst) : undefined;
  if (srcHost !== undefined && srcHost === dstHost) return decided(true, { kind: 'host-to-itself' });

  if (src !== undefined && hostAddresses(state, src.host).includes(packet.dst)) {
    const what = alwaysAllowedToHost(packet);
    if (what !== undefined) return decided(true, { kind: 'endpoint-to-host-always-allowed', what });
    const egress = evaluateEndpoint(state, src, 'egress', sent);
    if (!egress.allowed) return { allowed: false, hops: [egress] };
    const action = options.endpointToHostAction ?? 'Drop';
    return { allowed: action === 'Accept', hops: [egress], decision: { kind: 'endpoint-to-host-default', action } };
  }

  const hops: HopVerdict[] = [];
  const egress = sideHop(state, src, srcHost, 'egress', sent);
  if (egress !== undefined) {
    hops.push(egress);
    if (!egress.allowed) return { allowed: false, hops };
  }
  const ingress = sideHop(state, dst, dstHost, 'ingress', packet);
  if (ingress !== undefined) hops.push(ingress);
  return { allowed: hops.every((h) => h.allowed), hops };
};

/** Step 2: one outcome per backend the packet may be translated to, each taking steps 3-7. */
const throughService = (state: ClusterState, svc: ServiceModel, packet: Packet, options: EvaluateOptions): Verdict => {
  const port = servicePortFor(svc, packet);
  if (port === undefined) return decided(false, { kind: 'no-service-port', service: svc.key });
  const backends = backendsOf(state, svc, port, familyOf(packet.dst));
  if (backends.length === 0)
    return { allowed: false, hops: [], decision: { kind: 'no-backends', service: svc.key }, service: { key: svc.key, port, outcomes: [] } };
  const clientHost = endpointOwning(state, packet.src)?.host ?? hostOwning(state, packet.src);
  const local = backends.filter((b) => b.endpoint.host === clientHost);
  const translatedByClient = local.length > 0;
  const outcomes: ServiceOutcome[] = (translatedByClient ? local : backends).map((b) => {
    const translated: Packet = { ...packet, dst: b.address, dstPort: b.targetPort };
    const verdict = alongPath(state, translated, translatedByClient ? translated : packet, options);
    return { backend: b.endpoint.key, host: b.endpoint.host, packet: translated, verdict };
  });
  return { allowed: outcomes.some((o) => o.verdict.allowed), hops: [], service: { key: svc.key, port, outcomes } };
};

export const evaluate = (state: ClusterState, packet: Packet, options: EvaluateOptions = {}): Verdict => {
  const spoofed = spoofing(state, packet, endpointOwning(state, packet.src));
  if (spoofed !== undefined) return decided(false, spoofed);
  const svc = serviceFor(state, packet);
  return svc !== undefined ? throughService(state, svc, packet, options) : alongPath(state, packet, packet, options);
};

/** A verdict's service outcomes (backend by backend); empty when the packet was not for a service. */
export const serviceOutcomes = (v: Verdict): readonly ServiceOutcome[] => v.service?.outcomes ?? [];

/** Source port used for generated port-bearing packets: an ordinary ephemeral port. */
export const MATRIX_SOURCE_PORT = 40000;

const firstSharedAddresses = (a: EndpointModel, b: EndpointModel): [Ip, Ip] | undefined => {
  for (const family of [4, 6] as const) {
    const ipA = a.ips.find((ip) => familyOf(ip) === family);
    const ipB = b.ips.find((ip) => familyOf(ip) === family);
    if (ipA !== undefined && ipB !== undefined) return [ipA, ipB];
  }
  return undefined;
};

/**
 * matrix[from][to]: may a new connection from `from` reach `to` on `port`?
 * Over endpoints with an address, keys sorted; each pair uses its first
 * shared family (IPv4 first). Port-bearing protocols get source port
 * MATRIX_SOURCE_PORT; ICMP and ICMPv6 send an echo request.
 */
export const reachabilityMatrix = (state: ClusterState, protocol: number, port?: number): Record<string, Record<string, boolean>> => {
  const endpoints = [...state.endpoints.values()].filter((ep) => ep.ips.length > 0).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const matrix: Record<string, Record<string, boolean>> = {};
  for (const from of endpoints) {
    const row: Record<string, boolean> = {};
    for (const to of endpoints) {
      const pair = firstSharedAddresses(from, to);
      row[to.key] = from.key === to.key || (pair !== undefined && evaluate(state, matrixPacket(pair[0], pair[1], protocol, port)).allowed);
    }
    matrix[from.key] = row;
  }
  return matrix;
};

const matrixPacket = (src: Ip, dst: Ip, protocol: number, port: number | undefined): Packet => {
  if (hasPorts(protocol)) return { src, dst, protocol, srcPort: MATRIX_SOURCE_PORT, ...(port !== undefined ? { dstPort: port } : {}) };
  if (protocol === 1) return { src, dst, protocol, icmpType: 8, icmpCode: 0 };
  if (protocol === ICMPV6) return { src, dst, protocol, icmpType: 128, icmpCode: 0 };
  return { src, dst, protocol };
};
