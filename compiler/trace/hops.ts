// Where a packet between two addresses meets foldnet's rulesets: on the
// source endpoint's host (forward hook, or input when it goes to that host
// itself) and on the destination endpoint's host (forward). Two endpoints on
// one host share one forward pass, as in the kernel. A host sending to its own
// workloads uses the output hook, which foldnet leaves open.
import { ClusterState } from '../fold/state';
import { cidrAddress, Ip } from '../net/ip';
import { EndpointModel } from '../model/types';

/** The name the tracer gives a host's link to the rest of the network. */
export const UPLINK = 'fn-uplink0';

export interface Hop {
  readonly host: string;
  readonly hook: 'forward' | 'input';
  readonly iifname: string;
  readonly oifname?: string;
}

export type Route =
  | { readonly kind: 'hops'; readonly hops: readonly Hop[]; readonly src?: EndpointModel; readonly dst?: EndpointModel }
  | { readonly kind: 'same-endpoint'; readonly endpoint: EndpointModel }
  | { readonly kind: 'host-to-local-workload'; readonly host: string; readonly endpoint: EndpointModel };

const hostAddresses = (state: ClusterState, host: string): string[] => {
  const h = state.hosts.get(host);
  return h ? [h.ipv4, h.ipv6].filter((x): x is NonNullable<typeof x> => x !== undefined).map((p) => cidrAddress(p)) : [];
};

const endpointAt = (state: ClusterState, ip: Ip): EndpointModel | undefined => {
  const key = state.ipOwners.get(ip);
  const ep = key === undefined ? undefined : state.endpoints.get(key);
  return ep && state.hosts.has(ep.host) ? ep : undefined;
};

export const routePacket = (state: ClusterState, src: Ip, dst: Ip): Route => {
  const s = endpointAt(state, src);
  const d = endpointAt(state, dst);
  if (s && d && s.key === d.key) return { kind: 'same-endpoint', endpoint: s };
  const hops: Hop[] = [];
  if (s) {
    if (hostAddresses(state, s.host).includes(dst)) return { kind: 'hops', hops: [{ host: s.host, hook: 'input', iifname: s.interfaceName }], src: s };
    hops.push({ host: s.host, hook: 'forward', iifname: s.interfaceName, oifname: d && d.host === s.host ? d.interfaceName : UPLINK });
  }
  if (d && !(s && s.host === d.host)) {
    if (hostAddresses(state, d.host).includes(src)) return { kind: 'host-to-local-workload', host: d.host, endpoint: d };
    hops.push({ host: d.host, hook: 'forward', iifname: UPLINK, oifname: d.interfaceName });
  }
  return { kind: 'hops', hops, src: s, dst: d };
};
