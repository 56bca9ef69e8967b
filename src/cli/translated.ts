// Renders what the fold translated from Kubernetes objects back as foldnet
// documents, so `get wep` and `get networkpolicies` show every endpoint and
// policy the compiler sees: a Pod's endpoint as a WorkloadEndpoint, a
// networking.k8s.io NetworkPolicy as the foldnet.io/v1 NetworkPolicy
// `knp.default.<name>`, each annotated with where it came from. The
// translation itself is compiler/model/from-k8s.ts; this only presents it.
import { type ClusterState, resourceId } from '../../compiler/fold/state';
import type { EndpointModel, PolicyModel } from '../../compiler/model/types';
import { hostCidr } from '../../compiler/net/ip';
import { FOLDNET_API } from '../../compiler/resources/foldnet-kinds';
import type { KindInfo } from '../../compiler/resources/kinds';
import { PortSpec } from '../../compiler/resources/primitives';
import type { EntityRule, Rule } from '../../compiler/resources/rule';

export const TRANSLATED_FROM = 'foldnet.io/translated-from';

const PROTOCOL_NAMES: Record<number, string> = { 6: 'TCP', 17: 'UDP', 132: 'SCTP' };

const podOrigin = (key: string): string => `v1/Pod ${key}`;
const k8sPolicyOrigin = (namespace: string, name: string): string =>
  `networking.k8s.io/v1/NetworkPolicy ${namespace}/${name.slice('knp.default.'.length)}`;

export const endpointDocument = (ep: EndpointModel): Record<string, unknown> => ({
  apiVersion: FOLDNET_API,
  kind: 'WorkloadEndpoint',
  metadata: {
    name: ep.name,
    namespace: ep.namespace,
    ...(Object.keys(ep.labels).length > 0 ? { labels: { ...ep.labels } } : {}),
    annotations: { [TRANSLATED_FROM]: podOrigin(ep.key) },
  },
  spec: {
    ...(ep.host !== '' ? { host: ep.host } : {}),
    interfaceName: ep.interfaceName,
    ...(ep.mac !== undefined ? { mac: ep.mac } : {}),
    ipNetworks: ep.ips.map(hostCidr),
    profiles: [...ep.profiles],
    ...(ep.ports.length > 0
      ? { ports: ep.ports.map((p) => ({ name: p.name, port: p.port, protocol: PROTOCOL_NAMES[p.protocol] ?? p.protocol })) }
      : {}),
  },
});

/** Ports back in Calico's spelling: 80, "8000:8080", "http". */
const entityDocument = (e: EntityRule): Record<string, unknown> => ({
  ...e,
  ...(e.ports !== undefined ? { ports: e.ports.map((p) => PortSpec.encode(p)) } : {}),
  ...(e.notPorts !== undefined ? { notPorts: e.notPorts.map((p) => PortSpec.encode(p)) } : {}),
});

const ruleDocument = (r: Rule): Record<string, unknown> => ({
  ...r,
  ...(r.source !== undefined ? { source: entityDocument(r.source) } : {}),
  ...(r.destination !== undefined ? { destination: entityDocument(r.destination) } : {}),
});

export const policyDocument = (p: PolicyModel): Record<string, unknown> => ({
  apiVersion: FOLDNET_API,
  kind: p.kind,
  metadata: {
    name: p.name,
    ...(p.namespace !== undefined ? { namespace: p.namespace } : {}),
    annotations: { [TRANSLATED_FROM]: k8sPolicyOrigin(p.namespace ?? 'default', p.name) },
  },
  spec: {
    tier: p.tier,
    ...(p.order !== undefined ? { order: p.order } : {}),
    selector: p.selector,
    types: [...(p.ingress !== undefined ? ['Ingress'] : []), ...(p.egress !== undefined ? ['Egress'] : [])],
    ...(p.ingress !== undefined ? { ingress: p.ingress.map(ruleDocument) } : {}),
    ...(p.egress !== undefined ? { egress: p.egress.map(ruleDocument) } : {}),
  },
});

/** Endpoints and policies of this kind that the fold translated from Kubernetes objects. */
export const translatedOf = (state: ClusterState, info: KindInfo): Array<{ key: string; document: Record<string, unknown>; source: string }> => {
  if (info.id === 'WorkloadEndpoint')
    return [...state.endpoints.values()]
      .filter((ep) => ep.origin === 'Pod')
      .map((ep) => ({ key: ep.key, document: endpointDocument(ep), source: resourceId('Pod', ep.key) }));
  if (info.id === 'NetworkPolicy')
    return [...state.policies.values()]
      .filter((p) => p.origin === 'kubernetes' && p.kind === 'NetworkPolicy')
      .map((p) => ({
        key: `${p.namespace}/${p.name}`,
        document: policyDocument(p),
        source: resourceId('K8sNetworkPolicy', `${p.namespace}/${p.name.slice('knp.default.'.length)}`),
      }));
  return [];
};

/** `v1/Pod default/web` when the resource `info`/`key` exists only as a translation. */
export const translationOf = (state: ClusterState, info: KindInfo, key: string): string | undefined => {
  const found = translatedOf(state, info).find((t) => t.key === key);
  return found === undefined ? undefined : (found.document.metadata as { annotations: Record<string, string> }).annotations[TRANSLATED_FROM];
};
