// The reference evaluator: the oracle for policy semantics (DESIGN.md,
// "Policy semantics"), written to be read against that text, not to be fast.
// It follows one packet along its path through foldnet, in this order:
//   1. anti-spoofing: a packet that entered by a workload's interface must
//      carry that workload's address (checked first, as the raw table would);
//   2. an endpoint talking to itself never leaves the workload: allowed;
//   3. conntrack: replies (established/related) pass, invalid drops; policy
//      judges only new connections;
//   4. a host always reaches its own workloads (no ingress policy);
//   5. a workload reaching its own host: DHCP and ICMPv6 router/neighbour
//      discovery always pass; otherwise its egress policy, then the
//      endpoint-to-host default action;
//   6. otherwise: egress of the sending endpoint (on its host), then ingress
//      of the receiving one (on its host); both must allow. An address that
//      is no endpoint's skips its side.
// It shares no code with the nftables compiler, on purpose.
import { ClusterState } from '../fold/state';
import { EndpointModel } from '../model/types';
import { cidrAddress, familyOf, Ip } from '../net/ip';
import { endpointOwning } from './effective-labels';
import { evaluateEndpoint } from './direction';
import { hasPorts } from './rule-match';
import { Decision, EvaluateOptions, HopVerdict, Packet, Verdict } from './verdict';

export type {
  ConnState, Decision, Direction, EndpointToHostAction, EvaluateOptions, HopVerdict, Packet, Verdict,
} from './verdict';
export { evaluateDirection, evaluateEndpoint } from './direction';

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

/** The host's own (BGP) addresses, without prefix. */
const hostAddresses = (state: ClusterState, hostName: string): Ip[] => {
  const host = state.hosts.get(hostName);
  if (host === undefined) return [];
  return [host.ipv4, host.ipv6].flatMap((a) => (a === undefined ? [] : [cidrAddress(a)]));
};

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

export const evaluate = (state: ClusterState, packet: Packet, options: EvaluateOptions = {}): Verdict => {
  const src = endpointOwning(state, packet.src);
  const dst = endpointOwning(state, packet.dst);

  const spoofed = spoofing(state, packet, src);
  if (spoofed !== undefined) return decided(false, spoofed);

  if (src !== undefined && dst !== undefined && src.key === dst.key) return decided(true, { kind: 'same-endpoint' });

  const conn = packet.state ?? 'new';
  if (conn !== 'new') return decided(conn !== 'invalid', { kind: 'conntrack', state: conn });

  if (dst !== undefined && hostAddresses(state, dst.host).includes(packet.src)) return decided(true, { kind: 'host-to-local-workload' });

  if (src !== undefined && hostAddresses(state, src.host).includes(packet.dst)) {
    const what = alwaysAllowedToHost(packet);
    if (what !== undefined) return decided(true, { kind: 'endpoint-to-host-always-allowed', what });
    const egress = evaluateEndpoint(state, src, 'egress', packet);
    if (!egress.allowed) return { allowed: false, hops: [egress] };
    const action = options.endpointToHostAction ?? 'Drop';
    return { allowed: action === 'Accept', hops: [egress], decision: { kind: 'endpoint-to-host-default', action } };
  }

  const hops: HopVerdict[] = [];
  if (src !== undefined) {
    const egress = evaluateEndpoint(state, src, 'egress', packet);
    hops.push(egress);
    if (!egress.allowed) return { allowed: false, hops };
  }
  if (dst !== undefined) hops.push(evaluateEndpoint(state, dst, 'ingress', packet));
  return { allowed: hops.every((h) => h.allowed), hops };
};

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
