// Kubernetes objects → model, the way Calico's Kubernetes datastore does it:
// a Pod becomes a workload endpoint (interface `cali` + sha1(ns.name)[:11],
// profile `kns.<ns>`), a networking.k8s.io NetworkPolicy becomes an allow-only
// policy `knp.default.<name>` in the default tier, whose isolation then falls
// out of "applied but undecided → drop". A ClusterIP or LoadBalancer Service
// with a selector becomes an anycast service on its cluster IPs and its load
// balancer's ingress IPs.
import * as E from 'fp-ts/Either';
import { sha1Hex } from '../hash/sha1';
import { Ip, parseIp } from '../net/ip';
import * as K from '../resources/k8s-kinds';
import { K8sService, serviceAddressTexts, serviceProblems } from '../resources/k8s-service';
import { EntityRule, Rule } from '../resources/rule';
import { PortSpec } from '../resources/primitives';
import { fromK8sLabelSelector, renderSelector, SelectorSource } from '../selector';
import { DEFAULT_TIER, EndpointModel, K8S_NAMESPACE_NAME_LABEL, NamedPortModel, NamespaceModel, PolicyModel, ServiceModel, ServicePortModel } from './types';
import { sortIps } from './sort';
import { namespacedKey } from './keys';

export const K8S_POLICY_ORDER = 1000;
export const podInterfaceName = (namespace: string, name: string): string => `cali${sha1Hex(`${namespace}.${name}`).slice(0, 11)}`;
export const namespaceProfile = (namespace: string): string => `kns.${namespace}`;

export const namespaceModel = (n: K.K8sNamespace): NamespaceModel => ({
  name: n.metadata.name,
  labels: { ...(n.metadata.labels ?? {}), [K8S_NAMESPACE_NAME_LABEL]: n.metadata.name },
});

const PROTO: Record<string, number> = { TCP: 6, UDP: 17, SCTP: 132 };

/**
 * The key of a Pod's endpoint, `namespace/name`: the very string `known` when
 * that is what it spells (the event's key, nearly always), so the model shares
 * the string the stored resource holds instead of keeping a second one that
 * maps hash again.
 */
export const podKey = (p: K.K8sPod, known?: string): string => namespacedKey(p.metadata.namespace ?? 'default', p.metadata.name, known);

/** The address at status.podIPs[i], as the document's own string when it is already canonical: the model keeps one string, not two. */
const podIp = (text: string, i: number): E.Either<string, Ip> => {
  const ip = parseIp(text);
  if (E.isLeft(ip)) return E.left(`status.podIPs[${i}].ip: ${ip.left}`);
  return ip.right === text ? E.right(text as Ip) : ip;
};

/**
 * The pod's addresses (status.podIPs, else status.podIP), sorted, in a list
 * of their own of the right size; or the first problem. Nearly every pod has
 * one address: its list is built as it is, with nothing to sort.
 */
const podIps = (p: K.K8sPod): E.Either<string, Ip[]> => {
  const list = p.status?.podIPs;
  const one = list === undefined ? p.status?.podIP || undefined : list.length === 1 ? list[0]!.ip : undefined;
  if (one !== undefined) {
    const ip = podIp(one, 0);
    return E.isLeft(ip) ? ip : E.right([ip.right]);
  }
  const ips: Ip[] = [];
  for (let i = 0; i < (list?.length ?? 0); i++) {
    const ip = podIp(list![i]!.ip, i);
    if (E.isLeft(ip)) return ip;
    ips.push(ip.right);
  }
  return E.right(sortIps(ips)); // a copy of the right size, too: `ips` grew by push
};

/**
 * `previous`: the endpoint the fold holds at this pod's key, if any. A pod
 * keeps its interface name for life (a hash of its namespace and name), so a
 * pod put again (relabelled, moved) reuses the one it had instead of hashing.
 * `key`: podKey(p), when the caller has it already.
 */
export const podModel = (p: K.K8sPod, previous?: EndpointModel, key: string = podKey(p)): E.Either<string, EndpointModel> => {
  const ns = p.metadata.namespace ?? 'default';
  const ips = podIps(p);
  if (E.isLeft(ips)) return ips;
  // Not flatMap: its list keeps room for 17, and the model keeps the list for the pod's life. (Nor a filter that keeps all.)
  const perContainer = (p.spec?.containers ?? []).map((c) => {
    const all = c.ports ?? [];
    return (all.every((cp) => cp.name) ? all : all.filter((cp) => cp.name)).map((cp) => ({ name: cp.name!, port: cp.containerPort, protocol: PROTO[cp.protocol ?? 'TCP']! }));
  });
  const ports = perContainer.length === 1 ? perContainer[0]! : ([] as NamedPortModel[]).concat(...perContainer);
  const samePod = previous !== undefined && previous.origin === 'Pod' && previous.namespace === ns && previous.name === p.metadata.name;
  return E.right({
    key,
    namespace: ns,
    name: p.metadata.name,
    host: p.spec?.nodeName ?? '',
    interfaceName: samePod ? previous.interfaceName : podInterfaceName(ns, p.metadata.name),
    ips: ips.right,
    labels: p.metadata.labels ?? {},
    // The same list as before when the namespace is (the model keeps one list, not one per put).
    profiles: samePod ? previous.profiles : [namespaceProfile(ns)],
    ports,
    origin: 'Pod',
  });
};

const selectorText = (ls: K.K8sLabelSelector, field: string): E.Either<string, SelectorSource> =>
  E.bimap((e: string) => `${field}: ${e}`, renderSelector)(fromK8sLabelSelector(ls)) as E.Either<string, SelectorSource>;

const peerEntity = (peer: K.K8sPeer, field: string): E.Either<string, EntityRule> => {
  if (peer.ipBlock) {
    if (peer.podSelector || peer.namespaceSelector) return E.left(`${field}: ipBlock cannot be combined with podSelector or namespaceSelector`);
    return E.right({ nets: [peer.ipBlock.cidr], ...(peer.ipBlock.except?.length ? { notNets: peer.ipBlock.except } : {}) });
  }
  if (!peer.podSelector && !peer.namespaceSelector) return E.left(`${field}: a peer needs podSelector, namespaceSelector or ipBlock`);
  const pod = peer.podSelector ? selectorText(peer.podSelector, `${field}.podSelector`) : E.right(undefined);
  const ns = peer.namespaceSelector ? selectorText(peer.namespaceSelector, `${field}.namespaceSelector`) : E.right(undefined);
  if (E.isLeft(pod)) return pod;
  if (E.isLeft(ns)) return ns;
  return E.right({ ...(pod.right !== undefined ? { selector: pod.right } : {}), ...(ns.right !== undefined ? { namespaceSelector: ns.right } : {}) });
};

/** Each Kubernetes port entry becomes its own protocol/ports pair (a rule has one protocol). */
const portMatches = (ports: readonly K.K8sNPPort[], field: string): E.Either<string, Array<{ protocol?: Rule['protocol']; ports?: PortSpec[] }>> => {
  if (ports.length === 0) return E.right([{}]);
  const out: Array<{ protocol?: Rule['protocol']; ports?: PortSpec[] }> = [];
  for (const [i, p] of ports.entries()) {
    const protocol = p.protocol ?? 'TCP';
    if (p.endPort !== undefined) {
      if (!p.port || p.port.kind !== 'number') return E.left(`${field}[${i}].endPort: needs a numeric port`);
      if (p.endPort < p.port.port) return E.left(`${field}[${i}].endPort: must be >= port (${p.port.port})`);
      out.push({ protocol, ports: [p.endPort === p.port.port ? p.port : { kind: 'range', from: p.port.port, to: p.endPort }] });
    } else out.push({ protocol, ports: p.port ? [p.port] : undefined });
  }
  return E.right(out);
};

const translateRules = (
  rules: ReadonlyArray<{ peers?: readonly K.K8sPeer[]; ports?: readonly K.K8sNPPort[] }>,
  direction: 'ingress' | 'egress',
): E.Either<string, Rule[]> => {
  const out: Rule[] = [];
  const peerField = direction === 'ingress' ? 'from' : 'to';
  for (const [i, r] of rules.entries()) {
    const peers: Array<EntityRule> = [];
    for (const [j, peer] of (r.peers ?? []).entries()) {
      const e = peerEntity(peer, `spec.${direction}[${i}].${peerField}[${j}]`);
      if (E.isLeft(e)) return e;
      peers.push(e.right);
    }
    const matches = portMatches(r.ports ?? [], `spec.${direction}[${i}].ports`);
    if (E.isLeft(matches)) return matches;
    for (const peer of peers.length > 0 ? peers : [{}]) {
      for (const m of matches.right) {
        const portPart = m.ports ? { ports: m.ports } : {};
        const rule: Rule =
          direction === 'ingress'
            ? { action: 'Allow', ...(m.protocol ? { protocol: m.protocol } : {}), source: peer, destination: portPart }
            : { action: 'Allow', ...(m.protocol ? { protocol: m.protocol } : {}), destination: { ...peer, ...portPart } };
        out.push(rule);
      }
    }
  }
  return E.right(out);
};

export const k8sPolicyModel = (p: K.K8sNetworkPolicy): E.Either<string, PolicyModel> => {
  const ns = p.metadata.namespace ?? 'default';
  const spec = p.spec;
  // Kubernetes' defaulting: Ingress always, Egress when egress rules exist.
  const types = spec.policyTypes ?? (spec.egress && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress']);
  const selector = selectorText(spec.podSelector, 'spec.podSelector');
  if (E.isLeft(selector)) return selector;
  const ingress = translateRules((spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })), 'ingress');
  if (E.isLeft(ingress)) return ingress;
  const egress = translateRules((spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports })), 'egress');
  if (E.isLeft(egress)) return egress;
  const name = `knp.default.${p.metadata.name}`;
  return E.right({
    id: `NetworkPolicy:${ns}/${name}`,
    kind: 'NetworkPolicy',
    namespace: ns,
    name,
    tier: DEFAULT_TIER,
    order: K8S_POLICY_ORDER,
    selector: selector.right,
    ingress: types.includes('Ingress') ? ingress.right : undefined,
    egress: types.includes('Egress') ? egress.right : undefined,
    origin: 'kubernetes',
  });
};

const fieldPath = (path: readonly string[]): string =>
  path.reduce((out, key) => (/^\d+$/.test(key) ? `${out}[${key}]` : out === '' ? key : `${out}.${key}`), '');

/** Addresses: spec.clusterIPs ∪ spec.clusterIP ∪ status.loadBalancer.ingress[].ip; the selector map as `k == "v" && …`. */
export const k8sServiceModel = (s: K8sService): E.Either<string, ServiceModel> => {
  // The codec refuses these already; a stored event decoded by an older build is judged the same way.
  const problem = serviceProblems(s)[0];
  if (problem !== undefined) return E.left(`${fieldPath(problem[0])}: ${problem[1]}`);
  const ns = s.metadata.namespace ?? 'default';
  const ips: Ip[] = [];
  for (const a of serviceAddressTexts(s)) {
    const ip = parseIp(a.text);
    if (E.isLeft(ip)) return E.left(`${fieldPath(a.path)}: ${ip.left}`);
    ips.push(ip.right);
  }
  const selector = selectorText({ matchLabels: s.spec?.selector }, 'spec.selector');
  if (E.isLeft(selector)) return selector;
  const ports = (s.spec?.ports ?? []).map((p): ServicePortModel => ({
    ...(p.name ? { name: p.name } : {}),
    protocol: PROTO[p.protocol ?? 'TCP']!,
    port: p.port,
    targetPort: p.targetPort ?? { kind: 'number', port: p.port },
  }));
  return E.right({
    key: `${ns}/${s.metadata.name}`,
    namespace: ns,
    name: s.metadata.name,
    addresses: sortIps(ips),
    selector: selector.right,
    ports: ports.sort((a, b) => a.protocol - b.protocol || a.port - b.port),
    origin: 'Service',
  });
};
