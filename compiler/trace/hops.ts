// Where a packet between two addresses meets foldnet's rulesets: on the
// source endpoint's host (forward hook, or input when it goes to that host
// itself) and on the destination endpoint's host (forward). Two endpoints on
// one host share one forward pass, as in the kernel. A host sending to its own
// workloads uses the output hook, where foldnet lets it through. A host with
// host endpoints also meets packets addressed to it (input, by the packet's
// host interface) and packets it sends (output). Service addresses are
// compiled-engine.ts's business: it routes their translated packets here.
import { ClusterState } from '../fold/state';
import { cidrAddress, Ip } from '../net/ip';
import { EndpointModel } from '../model/types';

/** The name the tracer gives a host's link to the rest of the network. */
export const UPLINK = 'fn-uplink0';

export interface Hop {
  readonly host: string;
  readonly hook: 'forward' | 'input' | 'output' | 'prerouting';
  readonly iifname?: string;
  readonly oifname?: string;
}

export type Route =
  | { readonly kind: 'hops'; readonly hops: readonly Hop[]; readonly src?: EndpointModel; readonly dst?: EndpointModel }
  | { readonly kind: 'same-endpoint'; readonly endpoint: EndpointModel }
  | { readonly kind: 'host-to-local-workload'; readonly host: string; readonly endpoint: EndpointModel }
  | { readonly kind: 'host-to-itself'; readonly host: string };

/** A host's addresses: its BGP addresses and its host endpoints' expected IPs. */
export const hostAddresses = (state: ClusterState, host: string): string[] => {
  const h = state.hosts.get(host);
  const bgp = h ? [h.ipv4, h.ipv6].filter((x): x is NonNullable<typeof x> => x !== undefined).map((p) => cidrAddress(p) as string) : [];
  const expected = [...state.hostEndpoints.values()].filter((e) => e.host === host).flatMap((e) => e.expectedIPs as readonly string[]);
  return [...bgp, ...expected];
};

/** The host an address belongs to, if any. */
export const hostOwning = (state: ClusterState, ip: Ip): string | undefined =>
  [...state.hosts.keys()].sort().find((h) => hostAddresses(state, h).includes(ip));

/** Whether a host endpoint of `host` polices traffic through `iface` (its own, or one for every interface). */
const policed = (state: ClusterState, host: string, iface: string): boolean =>
  state.hostEndpoints.some((e) => e.host === host && (e.interfaceName === iface || e.interfaceName === '*'));

const endpointAt = (state: ClusterState, ip: Ip): EndpointModel | undefined => {
  const key = state.ipOwners.get(ip);
  const ep = key === undefined ? undefined : state.endpoints.get(key);
  return ep && state.hosts.has(ep.host) ? ep : undefined;
};

/** `hostInterface`: the host interface a packet to a host enters by, or a packet from a host leaves by. */
export const routePacket = (state: ClusterState, src: Ip, dst: Ip, hostInterface: string): Route => {
  const s = endpointAt(state, src);
  const d = endpointAt(state, dst);
  if (s && d && s.key === d.key) return { kind: 'same-endpoint', endpoint: s };
  const srcHost = s ? undefined : hostOwning(state, src);
  const dstHost = d ? undefined : hostOwning(state, dst);
  if (srcHost !== undefined && srcHost === dstHost) return { kind: 'host-to-itself', host: srcHost };
  const hops: Hop[] = [];
  if (s) {
    if (hostAddresses(state, s.host).includes(dst)) return { kind: 'hops', hops: [{ host: s.host, hook: 'input', iifname: s.interfaceName }], src: s };
    hops.push({ host: s.host, hook: 'forward', iifname: s.interfaceName, oifname: d && d.host === s.host ? d.interfaceName : UPLINK });
  }
  if (srcHost !== undefined) {
    if (d && d.host === srcHost) return { kind: 'host-to-local-workload', host: srcHost, endpoint: d };
    if (policed(state, srcHost, hostInterface)) hops.push({ host: srcHost, hook: 'output', oifname: hostInterface });
  }
  if (d && !(s && s.host === d.host)) {
    if (hostAddresses(state, d.host).includes(src)) return { kind: 'host-to-local-workload', host: d.host, endpoint: d };
    hops.push({ host: d.host, hook: 'forward', iifname: UPLINK, oifname: d.interfaceName });
  }
  if (dstHost !== undefined && policed(state, dstHost, hostInterface)) hops.push({ host: dstHost, hook: 'input', iifname: hostInterface });
  return { kind: 'hops', hops, src: s, dst: d };
};
