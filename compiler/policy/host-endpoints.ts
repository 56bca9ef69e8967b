// Hosts as packet ends: which addresses are a host's (its BGP addresses and
// its host endpoints' expectedIPs), which host endpoint polices a host
// interface (the one named for it, else the host's `*` one, else none), and
// its hop: the failsafe ports no host-endpoint policy can close, then its
// policy (direction.ts). Where on the path a host endpoint is met is
// reference.ts's business.
import { ClusterState } from '../fold/state';
import { FailsafePortModel, HostEndpointModel } from '../model/types';
import { byString } from '../model/sort';
import { cidrAddress, Ip } from '../net/ip';
import { evaluateHostEndpoint, hostEndpointKey } from './direction';
import { Decision, DEFAULT_HOST_INTERFACE, Direction, HopVerdict, Packet } from './verdict';

const ALL_INTERFACES = '*';

/** The host's addresses: its BGP addresses (without prefix), then its host endpoints' expectedIPs. */
export const hostAddresses = (state: ClusterState, hostName: string): Ip[] => {
  const host = state.hosts.get(hostName);
  const bgp = host === undefined ? [] : [host.ipv4, host.ipv6].flatMap((a) => (a === undefined ? [] : [cidrAddress(a)]));
  const expected = [...state.hostEndpoints.values()].filter((hep) => hep.host === hostName).flatMap((hep) => hep.expectedIPs);
  return [...bgp, ...expected];
};

/** The host one of whose addresses `ip` is (the first by name, should two claim it). */
export const hostOwning = (state: ClusterState, ip: Ip): string | undefined => {
  const names = new Set([...state.hosts.keys(), ...[...state.hostEndpoints.values()].map((hep) => hep.host)]);
  return [...names].sort(byString).find((name) => hostAddresses(state, name).includes(ip));
};

/** The host endpoint of `host` for `interfaceName`: the one named for the interface, else the host's `*` one. */
export const hostEndpointFor = (state: ClusterState, host: string, interfaceName: string): HostEndpointModel | undefined => {
  const onHost = [...state.hostEndpoints.values()].filter((hep) => hep.host === host).sort((a, b) => byString(a.name, b.name));
  return onHost.find((hep) => hep.interfaceName === interfaceName) ?? onHost.find((hep) => hep.interfaceName === ALL_INTERFACES);
};

/** Ingress to a host checks the inbound failsafe ports, egress from it the outbound ones; both by protocol and destination port. */
export const failsafe = (state: ClusterState, direction: Direction, packet: Packet): Decision | undefined => {
  const ports: readonly FailsafePortModel[] =
    direction === 'ingress' ? state.felixConfig.failsafeInboundHostPorts : state.felixConfig.failsafeOutboundHostPorts;
  const hit = ports.find((f) => f.protocol === packet.protocol && f.port === packet.dstPort);
  return hit === undefined ? undefined : { kind: 'failsafe', direction, protocol: hit.protocol, port: hit.port };
};

/** The hop of `host`'s host endpoint for the packet's host interface: failsafe ports first, then its policy; none without a host endpoint. */
export const hostEndpointHop = (state: ClusterState, host: string, direction: Direction, packet: Packet): HopVerdict | undefined => {
  const hep = hostEndpointFor(state, host, packet.hostInterface ?? DEFAULT_HOST_INTERFACE);
  if (hep === undefined) return undefined;
  const always = failsafe(state, direction, packet);
  if (always !== undefined) return { host, endpoint: hostEndpointKey(hep), direction, allowed: true, decision: always, logs: [] };
  return evaluateHostEndpoint(state, hep, direction, packet);
};
