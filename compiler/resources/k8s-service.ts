// Kubernetes v1 Service, as foldnet accepts it: tolerant like the other
// Kubernetes kinds (uid, resourceVersion, annotations, sessionAffinity,
// ipFamilies, trafficPolicies, nodePorts, status conditions, … pass through
// untouched), but what foldnet reads is checked, and a service foldnet cannot
// serve as an anycast address is refused at the field that says why:
// NodePort and ExternalName types, headless services (clusterIP "None"),
// services without a selector (their endpoints are managed by hand), without
// an address or without ports. Translating it into a ServiceModel is
// compiler/model/from-k8s.ts's job.
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { parseIp } from '../net/ip';
import { k8sMeta } from './k8s-kinds';
import { Labels, listOf, oneOf, PortNumber, show, TargetPort } from './primitives';
import { FAIL, quickDecoder, withQuick } from './quick-decode';


const K8sServicePort = t.intersection([
  t.type({ port: PortNumber }),
  t.partial({ name: t.string, protocol: oneOf('protocol', ['TCP', 'UDP', 'SCTP'] as const), targetPort: TargetPort }),
]);
export type K8sServicePort = t.TypeOf<typeof K8sServicePort>;

const K8sServiceFields = t.intersection([
  t.type({ apiVersion: t.literal('v1'), kind: t.literal('Service'), metadata: k8sMeta(true) }),
  t.partial({
    spec: t.partial({
      type: t.string,
      clusterIP: t.string,
      clusterIPs: listOf(t.string, 'cluster IPs'),
      selector: Labels,
      ports: listOf(K8sServicePort, 'service ports'),
    }),
    status: t.partial({
      loadBalancer: t.partial({ ingress: listOf(t.partial({ ip: t.string }), 'load balancer ingress points') }),
    }),
  }),
]);
export type K8sService = t.TypeOf<typeof K8sServiceFields>;

export const IMPORTED_SERVICE_TYPES: readonly string[] = ['ClusterIP', 'LoadBalancer'];
const HEADLESS = 'None';

/** Every address text the service carries, with its field path; an empty clusterIP ("assign one") is none. */
export const serviceAddressTexts = (s: K8sService): Array<{ readonly path: string[]; readonly text: string }> => [
  ...(s.spec?.clusterIPs ?? []).map((text, i) => ({ path: ['spec', 'clusterIPs', String(i)], text })),
  ...(s.spec?.clusterIP ? [{ path: ['spec', 'clusterIP'], text: s.spec.clusterIP }] : []),
  ...(s.status?.loadBalancer?.ingress ?? []).flatMap((ing, i) =>
    ing.ip ? [{ path: ['status', 'loadBalancer', 'ingress', String(i), 'ip'], text: ing.ip }] : []),
];

type Problem = readonly [path: string[], message: string];

const addressProblems = (s: K8sService): Problem[] => {
  const texts = serviceAddressTexts(s);
  const headless = texts.filter((a) => a.text === HEADLESS);
  if (headless.length > 0)
    return headless.map((a) => [a.path, `a headless service (clusterIP "None") has no address to serve; foldnet imports services with a cluster IP`]);
  if (texts.length === 0)
    return [[['spec', 'clusterIP'], 'the service has no address: spec.clusterIP, spec.clusterIPs and status.loadBalancer.ingress[].ip are all empty (the API server assigns a cluster IP; import the service as it returns it)']];
  return texts.flatMap((a): Problem[] => {
    const ip = parseIp(a.text);
    return E.isLeft(ip) ? [[a.path, ip.left]] : [];
  });
};

const portProblems = (ports: readonly K8sServicePort[] | undefined): Problem[] => {
  if (ports === undefined || ports.length === 0) return [[['spec', 'ports'], 'expected at least one port, got none']];
  const out: Problem[] = [];
  const seen = new Map<string, number>();
  const names = new Map<string, number>();
  ports.forEach((p, i) => {
    const key = `${p.protocol ?? 'TCP'} port ${p.port}`;
    const first = seen.get(key);
    if (first !== undefined) out.push([['spec', 'ports', String(i)], `duplicate ${key} (already at index ${first})`]);
    else seen.set(key, i);
    if (!p.name) return;
    const named = names.get(p.name);
    if (named !== undefined) out.push([['spec', 'ports', String(i), 'name'], `duplicate port name ${p.name} (already at index ${named})`]);
    else names.set(p.name, i);
  });
  return out;
};

/** Why foldnet cannot import the service, each reason at its field; none when it can. */
export const serviceProblems = (s: K8sService): Problem[] => {
  const type = s.spec?.type;
  const out: Problem[] = [];
  if (type !== undefined && !IMPORTED_SERVICE_TYPES.includes(type))
    out.push([['spec', 'type'], `foldnet imports ClusterIP and LoadBalancer services, got ${show(type)}`]);
  if (s.spec?.selector === undefined || Object.keys(s.spec.selector).length === 0)
    out.push([['spec', 'selector'], 'a service without a selector has no backends foldnet can choose; foldnet imports services with a non-empty selector']);
  return [...out, ...addressProblems(s), ...portProblems(s.spec?.ports)];
};

const fieldsQuick = quickDecoder(K8sServiceFields);

export const K8sService = withQuick(new t.Type<K8sService, unknown, unknown>(
  'Service',
  K8sServiceFields.is,
  (u, c) => {
    // The intersection must sit at the top of its own context, so that error paths skip its member indices.
    const top = c[c.length - 1];
    const r = K8sServiceFields.validate(u, top === undefined ? [{ key: '', type: K8sServiceFields, actual: u }] : [...c.slice(0, -1), { ...top, type: K8sServiceFields }]);
    if (E.isLeft(r)) return r;
    const problems = serviceProblems(r.right);
    if (problems.length === 0) return r;
    return t.failures(problems.map(([path, message]) => ({
      value: u,
      context: [...c, ...path.map((key) => ({ key, type: t.unknown, actual: undefined }))],
      message,
    })));
  },
  (a) => a,
), (u) => {
  const r = fieldsQuick(u);
  return r === FAIL || serviceProblems(r as K8sService).length > 0 ? FAIL : r;
});
