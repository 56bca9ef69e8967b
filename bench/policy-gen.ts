// The benchmark cluster's policies, as documents. Each namespace gets the
// policies a real one has — default deny, app-to-app allows with named and
// numbered ports, a metrics scrape from the monitoring namespace, DNS and
// external egress — as networking.k8s.io NetworkPolicies in
// Kubernetes-style namespaces and as Calico NetworkPolicies in Calico-style
// ones, plus two Calico policies in tiers everywhere. Past the first dozen,
// policies repeat narrowed to one version, so every policy has its own name
// and selector. Global policies: a blocklist and a health check in the
// security tier, team-scoped allows in the platform tier.
import { APPS, ClusterShape, Doc, isCalicoStyle, namespaceName, TEAMS } from './cluster-shape';

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
const BLOCKLIST = ['198.51.100.0/24', '203.0.113.0/24', '2001:db8:bad::/48'];

type Labels = Record<string, string>;
type K8sSel = { matchLabels?: Labels; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };

interface Template {
  readonly name: string;
  /** The pods it selects, as matchLabels (both styles render from this). */
  readonly pods: Labels;
  readonly k8s: Doc;
  readonly calico: Doc;
}

const allow = (source: Doc | undefined, destination: Doc, protocol = 'TCP'): Doc => ({
  action: 'Allow', protocol, ...(source ? { source } : {}), destination,
});

const calicoSelector = (labels: Labels): string =>
  Object.keys(labels).length === 0 ? 'all()' : Object.entries(labels).map(([k, v]) => `${k} == '${v}'`).join(' && ');

const TEMPLATES: readonly Template[] = [
  { name: 'default-deny-ingress', pods: {}, k8s: { policyTypes: ['Ingress'] }, calico: { types: ['Ingress'], ingress: [] } },
  {
    name: 'allow-frontend-http', pods: { app: 'frontend' },
    k8s: { ingress: [{ ports: [{ port: 'http' }] }] },
    calico: { ingress: [allow(undefined, { ports: ['http'] })] },
  },
  {
    name: 'allow-api-from-frontend', pods: { app: 'api' },
    k8s: { ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 'http' }, { port: 9090 }] }] },
    calico: { ingress: [allow({ selector: "app == 'frontend'" }, { ports: ['http', 9090] })] },
  },
  {
    name: 'allow-db-from-backends', pods: { app: 'db' },
    k8s: { ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'worker'] }] } }], ports: [{ port: 5432 }] }] },
    calico: { ingress: [allow({ selector: "app in {'api', 'worker'}" }, { ports: [5432] })] },
  },
  {
    name: 'allow-cache-from-backends', pods: { app: 'cache' },
    k8s: { ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['app', 'batch'] }] } }], ports: [{ port: 6379 }] }] },
    calico: { ingress: [allow({ selector: "tier in {'app', 'batch'}" }, { ports: [6379] })] },
  },
  {
    name: 'allow-metrics-scrape', pods: {},
    k8s: { ingress: [{ from: [{ namespaceSelector: { matchLabels: { role: 'monitoring' } }, podSelector: { matchLabels: { app: 'metrics-agent' } } }], ports: [{ port: 9100 }] }] },
    calico: { ingress: [allow({ namespaceSelector: "role == 'monitoring'", selector: "app == 'metrics-agent'" }, { ports: [9100] })] },
  },
  {
    name: 'allow-dns-and-namespace-egress', pods: {},
    k8s: {
      policyTypes: ['Egress'],
      egress: [
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ns-000' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
        { to: [{ podSelector: {} }] },
      ],
    },
    calico: {
      types: ['Egress'],
      egress: [
        allow(undefined, { namespaceSelector: "kubernetes.io/metadata.name == 'ns-000'", ports: [53] }, 'UDP'),
        { action: 'Allow', destination: { selector: 'all()' } },
      ],
    },
  },
  {
    name: 'allow-worker-external-https', pods: { app: 'worker' },
    k8s: { policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE } }], ports: [{ port: 443 }] }] },
    calico: { types: ['Egress'], egress: [allow(undefined, { nets: ['0.0.0.0/0'], notNets: PRIVATE, ports: [443] })] },
  },
  {
    name: 'allow-search-from-api', pods: { app: 'search' },
    k8s: { ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'http' }] }] },
    calico: { ingress: [allow({ selector: "app == 'api'" }, { ports: ['http'] })] },
  },
  {
    name: 'allow-auth-from-app-tiers', pods: { app: 'auth' },
    k8s: { ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'app'] }] } }], ports: [{ port: 'grpc' }] }] },
    calico: { ingress: [allow({ selector: "tier in {'app', 'web'}" }, { ports: ['grpc'] })] },
  },
];

/** Calico policies every namespace has, in tiers, with Pass, Deny and nets. */
const CALICO_EXTRAS: ReadonlyArray<{ name: string; spec: Doc }> = [
  {
    name: 'canary-guard',
    spec: {
      tier: 'platform', order: 10, selector: "release == 'canary'", types: ['Ingress'],
      ingress: [{ action: 'Allow', protocol: 'TCP', source: { selector: "release == 'canary' || app == 'frontend'" } }, { action: 'Pass' }],
    },
  },
  {
    name: 'data-egress',
    spec: {
      order: 100, selector: "tier == 'data'", types: ['Egress'],
      egress: [
        { action: 'Allow', protocol: 'UDP', destination: { ports: [53] } },
        { action: 'Deny', destination: { notNets: ['10.0.0.0/8'] } },
        { action: 'Allow', destination: { selector: "tier == 'data'" } },
      ],
    },
  },
];

const PER_ROUND = TEMPLATES.length + CALICO_EXTRAS.length;

/**
 * The order policies come in within a round: the Calico ones early, so that
 * even a namespace with few policies has a canary guard (whose selectors read
 * the `release` label the label-edit benchmark flips) and a tiered policy.
 */
const SLOTS: readonly number[] = [0, 1, 2, 3, 5, 6, TEMPLATES.length, TEMPLATES.length + 1, 4, 7, 8, 9];

const narrowK8s = (sel: K8sSel | undefined, version: string | undefined): K8sSel =>
  version === undefined ? sel ?? {} : { ...(sel ?? {}), matchLabels: { ...(sel?.matchLabels ?? {}), version } };

/** Policy `p` of namespace `ns`. */
export const namespacedPolicyDoc = (shape: ClusterShape, ns: number, p: number, edit: { port?: number } = {}): Doc => {
  void shape;
  const round = Math.floor(p / PER_ROUND);
  const slot = SLOTS[p % PER_ROUND]!;
  const version = round === 0 ? undefined : `v${1 + ((round - 1) % 3)}`;
  const suffix = round === 0 ? '' : `-r${round}`;
  const namespace = namespaceName(ns);
  if (slot >= TEMPLATES.length) {
    const x = CALICO_EXTRAS[slot - TEMPLATES.length]!;
    const selector = version === undefined ? x.spec.selector : `${x.spec.selector as string} && version == '${version}'`;
    return { apiVersion: 'foldnet.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name: `${x.name}${suffix}` }, spec: { ...x.spec, selector } };
  }
  const t = TEMPLATES[slot]!;
  const pods = version === undefined ? t.pods : { ...t.pods, version };
  const withPort = (spec: Doc): Doc => (edit.port === undefined ? spec : { ...spec, ...portEdit(spec, edit.port) });
  if (isCalicoStyle(ns))
    return {
      apiVersion: 'foldnet.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name: `${t.name}${suffix}` },
      spec: withPort({ order: 500, selector: calicoSelector(pods), ...t.calico }),
    };
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name: `${t.name}${suffix}` },
    spec: withPort({ podSelector: narrowK8s({ matchLabels: t.pods }, version), ...t.k8s }),
  };
};

/** A policy edit: an extra ingress rule allowing one more port (what an operator does most). */
const portEdit = (spec: Doc, port: number): Doc => {
  if ('podSelector' in spec) return { policyTypes: ['Ingress', ...(spec.egress ? ['Egress'] : [])], ingress: [...((spec.ingress as Doc[]) ?? []), { ports: [{ port }] }] };
  return { types: ['Ingress', ...(spec.egress ? ['Egress'] : [])], ingress: [...((spec.ingress as Doc[]) ?? []), allow(undefined, { ports: [port] })] };
};

/** Global policy `g`. */
export const globalPolicyDoc = (shape: ClusterShape, g: number): Doc => {
  void shape;
  const meta = (name: string) => ({ apiVersion: 'foldnet.io/v1', kind: 'GlobalNetworkPolicy', metadata: { name } });
  if (g === 0)
    return {
      ...meta('blocklist'),
      spec: {
        tier: 'security', order: 1, selector: 'all()', types: ['Ingress', 'Egress'],
        ingress: [{ action: 'Deny', source: { nets: BLOCKLIST } }, { action: 'Pass' }],
        egress: [{ action: 'Deny', destination: { nets: BLOCKLIST } }, { action: 'Pass' }],
      },
    };
  if (g === 1)
    return {
      ...meta('host-health-checks'),
      spec: {
        tier: 'security', order: 2, selector: 'has(app)', types: ['Ingress'],
        ingress: [{ action: 'Allow', protocol: 'TCP', source: { nets: ['172.16.0.0/12'] }, destination: { ports: [8080, 9100] } }, { action: 'Pass' }],
      },
    };
  const team = g % TEAMS;
  const app = APPS[Math.floor(g / TEAMS) % APPS.length]!;
  const fromTier = g % 3 === 0 ? 'app' : 'web';
  const smtp = g % 4 === 0;
  return {
    ...meta(`team-${team}-${app}-${g}`),
    spec: {
      tier: 'platform', order: 20 + (g % 50), namespaceSelector: `team == 't${team}'`, selector: `app == '${app}'`,
      types: smtp ? ['Ingress', 'Egress'] : ['Ingress'],
      ingress: [
        { action: 'Allow', protocol: 'TCP', source: { namespaceSelector: `team == 't${team}'`, selector: `tier == '${fromTier}'` }, destination: { ports: [8080 + (g % 7)] } },
        { action: 'Pass' },
      ],
      ...(smtp ? { egress: [{ action: 'Deny', protocol: 'TCP', destination: { nets: [`192.0.2.${(g * 8) % 256}/29`], ports: [25] } }, { action: 'Pass' }] } : {}),
    },
  };
};
