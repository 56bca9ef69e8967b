// Anycast services as the reference evaluator sees them: which service (and
// port) a packet is addressed to, and the backends of that port for the
// packet's address family — endpoints of the service's namespace whose
// effective labels match its selector, with their first address of the
// family and the port they listen on (a named target port resolved per
// endpoint, same protocol; an endpoint without it is no backend). Where the
// translation happens, and the policy after it, are reference.ts's business.
import { ClusterState } from '../fold/state';
import { EndpointModel, ServiceModel, ServicePortModel } from '../model/types';
import { byString } from '../model/sort';
import { Family, familyOf, Ip } from '../net/ip';
import { effectiveLabels } from './effective-labels';
import { selectorTextMatches } from './selector-text';
import { Packet } from './verdict';

export interface Backend {
  readonly endpoint: EndpointModel;
  /** The endpoint's first address of the packet's family. */
  readonly address: Ip;
  /** Where the backend listens: the numeric targetPort, or its named port's number. */
  readonly targetPort: number;
}

/**
 * The service a packet to one of its addresses is for. Services may share an
 * address on different ports: the one with a port for the packet, else the
 * first by key (which then has no port for it).
 */
export const serviceFor = (state: ClusterState, packet: Packet): ServiceModel | undefined => {
  const here = (state.serviceAddresses.get(packet.dst) ?? []).map((k) => state.services.get(k)!);
  return here.find((svc) => servicePortFor(svc, packet) !== undefined) ?? here[0];
};

/** The service's port for the packet's protocol and destination port, if any. */
export const servicePortFor = (svc: ServiceModel, packet: Packet): ServicePortModel | undefined =>
  svc.ports.find((p) => p.protocol === packet.protocol && p.port === packet.dstPort);

const targetPortOf = (ep: EndpointModel, port: ServicePortModel): number | undefined => {
  const target = port.targetPort;
  if (target.kind === 'number') return target.port;
  return ep.ports.find((np) => np.name === target.name && np.protocol === port.protocol)?.port;
};

/** Backends of the service port with an address of `family`, sorted by endpoint key. */
export const backendsOf = (state: ClusterState, svc: ServiceModel, port: ServicePortModel, family: Family): Backend[] => {
  const out: Backend[] = [];
  for (const ep of [...state.endpoints.values()].sort((a, b) => byString(a.key, b.key))) {
    if (ep.namespace !== svc.namespace || !selectorTextMatches(svc.selector, effectiveLabels(state, ep))) continue;
    const address = ep.ips.find((ip) => familyOf(ip) === family);
    const targetPort = targetPortOf(ep, port);
    if (address !== undefined && targetPort !== undefined) out.push({ endpoint: ep, address, targetPort });
  }
  return out;
};
