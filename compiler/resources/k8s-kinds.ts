// Kubernetes objects foldnet accepts as they are: v1 Namespace, v1 Pod and
// networking.k8s.io/v1 NetworkPolicy. Only the fields foldnet reads are
// validated; the rest of an object is kept untouched (it belongs to
// Kubernetes). NetworkPolicy specs are checked as the API server would.
// v1 Service has its own file (k8s-service.ts).
import * as t from 'io-ts';
import { Cidr } from '../net/codecs';
import { closed } from './closed';
import { IntInRange, Labels, listOf, Name, NamespaceName, oneOf, PortSpec } from './primitives';

/** Validates name/namespace/labels; other metadata (uid, managedFields, …) passes through. */
export const k8sMeta = (namespaced: boolean) =>
  t.intersection([
    t.type({ name: Name }),
    t.partial(namespaced ? { namespace: NamespaceName, labels: Labels } : { labels: Labels }),
  ]);

export const K8sNamespace = t.intersection([
  t.type({ apiVersion: t.literal('v1'), kind: t.literal('Namespace'), metadata: k8sMeta(false) }),
  t.UnknownRecord,
]);
export type K8sNamespace = t.TypeOf<typeof K8sNamespace>;

const ContainerPort = t.intersection([
  t.type({ containerPort: IntInRange('containerPort', 1, 65535) }),
  t.partial({ name: t.string, protocol: oneOf('protocol', ['TCP', 'UDP', 'SCTP'] as const) }),
]);
const Container = t.partial({ ports: listOf(ContainerPort, 'container ports') });

export const K8sPod = t.intersection([
  t.type({ apiVersion: t.literal('v1'), kind: t.literal('Pod'), metadata: k8sMeta(true) }),
  t.partial({
    spec: t.partial({ nodeName: Name, containers: listOf(Container, 'containers') }),
    status: t.partial({ podIP: t.string, podIPs: listOf(t.type({ ip: t.string }), 'pod IPs') }),
  }),
]);
export type K8sPod = t.TypeOf<typeof K8sPod>;

const Requirement = closed('match expression', { key: t.string, operator: oneOf('operator', ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const) }, {
  values: listOf(t.string, 'values'),
});
export const K8sLabelSelector = closed('label selector', {}, {
  matchLabels: Labels,
  matchExpressions: listOf(Requirement, 'match expressions'),
});
export type K8sLabelSelector = t.TypeOf<typeof K8sLabelSelector>;

const IPBlock = closed('ipBlock', { cidr: Cidr }, { except: listOf(Cidr, 'CIDRs') });
const Peer = closed('peer', {}, { podSelector: K8sLabelSelector, namespaceSelector: K8sLabelSelector, ipBlock: IPBlock });
export type K8sPeer = t.TypeOf<typeof Peer>;
const NPPort = closed('port', {}, {
  protocol: oneOf('protocol', ['TCP', 'UDP', 'SCTP'] as const),
  port: PortSpec,
  endPort: IntInRange('endPort', 1, 65535),
});
export type K8sNPPort = t.TypeOf<typeof NPPort>;
const IngressRule = closed('ingress rule', {}, { from: listOf(Peer, 'peers'), ports: listOf(NPPort, 'ports') });
const EgressRule = closed('egress rule', {}, { to: listOf(Peer, 'peers'), ports: listOf(NPPort, 'ports') });

export const K8sNetworkPolicySpec = closed('NetworkPolicy spec', { podSelector: K8sLabelSelector }, {
  policyTypes: listOf(oneOf('policy type', ['Ingress', 'Egress'] as const), 'policy types'),
  ingress: listOf(IngressRule, 'ingress rules'),
  egress: listOf(EgressRule, 'egress rules'),
});
export type K8sNetworkPolicySpec = t.TypeOf<typeof K8sNetworkPolicySpec>;

export const K8sNetworkPolicy = t.intersection([
  t.type({
    apiVersion: t.literal('networking.k8s.io/v1'),
    kind: t.literal('NetworkPolicy'),
    metadata: k8sMeta(true),
    spec: K8sNetworkPolicySpec,
  }),
  t.UnknownRecord,
]);
export type K8sNetworkPolicy = t.TypeOf<typeof K8sNetworkPolicy>;
