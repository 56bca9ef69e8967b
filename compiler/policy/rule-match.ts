// Does one rule match one packet? Every field the rule gives must match;
// empty lists constrain nothing, as in Calico. Selectors are scoped: in a
// namespaced NetworkPolicy a peer `selector`/`notSelector` without a
// `namespaceSelector` sees only the policy's namespace; with one, the
// namespaces it selects; in a GlobalNetworkPolicy or a Profile, every
// namespace. Ports exist only for TCP, UDP, SCTP and UDPLite, so a rule about
// ports never matches another protocol. The rule's action is the caller's.
import { ClusterState } from '../fold/state';
import { EndpointModel } from '../model/types';
import { cidrContains, Cidr, familyOf } from '../net/ip';
import { PortSpec, protocolNumber } from '../resources/primitives';
import { EntityRule, IcmpMatch, Rule } from '../resources/rule';
import { effectiveLabels, endpointOwning, namespaceLabels } from './effective-labels';
import { selectorTextMatches } from './selector-text';
import { Packet } from './verdict';

/** Where a rule's peer selectors look when the rule names no namespaceSelector. */
export type SelectorScope = { readonly kind: 'namespace'; readonly namespace: string } | { readonly kind: 'cluster' };

const PORT_PROTOCOLS: readonly number[] = [6, 17, 132, 136];
const ICMP_PROTOCOLS: readonly number[] = [1, 58];

export const hasPorts = (protocol: number): boolean => PORT_PROTOCOLS.includes(protocol);

const given = <A>(xs: readonly A[] | undefined): xs is readonly A[] => xs !== undefined && xs.length > 0;

const icmpMatches = (m: IcmpMatch, p: Packet): boolean => {
  if (!ICMP_PROTOCOLS.includes(p.protocol)) return false;
  return p.icmpType === m.type && (m.code === undefined || p.icmpCode === m.code);
};

const inAnyNet = (nets: readonly Cidr[], ip: Packet['src']): boolean => nets.some((net) => cidrContains(net, ip));

/** Is the peer an endpoint inside the scope (or the namespaces `namespaceSelector` picks) whose labels match `selector`? */
const selects = (
  state: ClusterState,
  peer: EndpointModel | undefined,
  selector: string,
  namespaceSelector: string | undefined,
  scope: SelectorScope,
): boolean => {
  if (peer === undefined) return false;
  const inScope =
    namespaceSelector !== undefined
      ? selectorTextMatches(namespaceSelector, namespaceLabels(state, peer.namespace))
      : scope.kind === 'cluster' || peer.namespace === scope.namespace;
  return inScope && selectorTextMatches(selector, effectiveLabels(state, peer));
};

/** A named port names a port of the endpoint on that side of the packet, for the packet's protocol. */
const portMatches = (spec: PortSpec, port: number, protocol: number, peer: EndpointModel | undefined): boolean => {
  switch (spec.kind) {
    case 'number':
      return port === spec.port;
    case 'range':
      return spec.from <= port && port <= spec.to;
    case 'name':
      return peer !== undefined && peer.ports.some((np) => np.name === spec.name && np.protocol === protocol && np.port === port);
  }
};

const entityMatches = (state: ClusterState, e: EntityRule | undefined, scope: SelectorScope, p: Packet, side: 'source' | 'destination'): boolean => {
  if (e === undefined) return true;
  const ip = side === 'source' ? p.src : p.dst;
  const port = hasPorts(p.protocol) ? (side === 'source' ? p.srcPort : p.dstPort) : undefined;
  const peer = endpointOwning(state, ip);
  if (given(e.nets) && !inAnyNet(e.nets, ip)) return false;
  if (given(e.notNets) && inAnyNet(e.notNets, ip)) return false;
  if (e.selector !== undefined && !selects(state, peer, e.selector, e.namespaceSelector, scope)) return false;
  if (e.notSelector !== undefined && selects(state, peer, e.notSelector, e.namespaceSelector, scope)) return false;
  if (e.namespaceSelector !== undefined && !(peer !== undefined && selectorTextMatches(e.namespaceSelector, namespaceLabels(state, peer.namespace))))
    return false;
  if (given(e.ports) && !(port !== undefined && e.ports.some((s) => portMatches(s, port, p.protocol, peer)))) return false;
  if (given(e.notPorts) && (port === undefined || e.notPorts.some((s) => portMatches(s, port, p.protocol, peer)))) return false;
  return true;
};

export const ruleMatches = (state: ClusterState, rule: Rule, scope: SelectorScope, p: Packet): boolean => {
  if (rule.protocol !== undefined && protocolNumber(rule.protocol) !== p.protocol) return false;
  if (rule.notProtocol !== undefined && protocolNumber(rule.notProtocol) === p.protocol) return false;
  if (rule.ipVersion !== undefined && familyOf(p.src) !== rule.ipVersion) return false;
  // A type-less ICMP match (`icmp: {}`) constrains nothing; the decoder refuses a code without a type.
  if (rule.icmp?.type !== undefined && !icmpMatches(rule.icmp, p)) return false;
  if (rule.notICMP?.type !== undefined && icmpMatches(rule.notICMP, p)) return false;
  return entityMatches(state, rule.source, scope, p, 'source') && entityMatches(state, rule.destination, scope, p, 'destination');
};
