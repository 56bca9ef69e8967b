// Reference evaluator on Kubernetes NetworkPolicy, through foldnet's
// translation (allow-only policies in the default tier, pods with their
// namespace profile): the isolation behaviours Kubernetes documents.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterState } from '../../../compiler/fold/state';
import { evaluate, Packet } from '../../../compiler/policy/reference';
import { stateFrom } from './build-state';
import { k8sNetworkPolicy, namespace, pod } from './docs';
import { sctp, tcp, udp } from './packets';

const IP = {
  api: '10.244.1.1', // shop, the pod most policies select
  web: '10.244.1.2', // shop, role=fe
  db: '10.244.1.3', // shop
  toolsFe: '10.244.2.1', // tools (team a), role=fe
  toolsJob: '10.244.2.2', // tools (team a)
  blogFe: '10.244.3.1', // blog (team b), role=fe
  external: '198.51.100.7',
} as const;
type Who = keyof typeof IP;

const clusterDocs = (): object[] => [
  namespace('shop', { team: 'a' }),
  namespace('tools', { team: 'a' }),
  namespace('blog', { team: 'b' }),
  pod('shop', 'api', {
    node: 'n1',
    ips: [IP.api],
    labels: { app: 'api' },
    ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }, { containerPort: 7000 }],
  }),
  pod('shop', 'web', { node: 'n1', ips: [IP.web], labels: { app: 'web', role: 'fe' }, ports: [{ name: 'http', containerPort: 8081 }] }),
  pod('shop', 'db', { node: 'n2', ips: [IP.db], labels: { app: 'db' } }),
  pod('tools', 'fe', { node: 'n2', ips: [IP.toolsFe], labels: { role: 'fe' } }),
  pod('tools', 'job', { node: 'n2', ips: [IP.toolsJob], labels: { app: 'job' } }),
  pod('blog', 'fe', { node: 'n1', ips: [IP.blogFe], labels: { role: 'fe' } }),
];

const withPolicies = (...policies: object[]): ClusterState => stateFrom([...clusterDocs(), ...policies]);
const onApi = { matchLabels: { app: 'api' } };
/** Which of `sources` reach `to` with the packet `make` builds. */
const reaching = (s: ClusterState, to: Who, sources: readonly Who[], make: (src: string, dst: string) => Packet = (a, b) => tcp(a, b, 8080)): Who[] =>
  sources.filter((from) => evaluate(s, make(IP[from], IP[to])).allowed);
const EVERYONE: readonly Who[] = ['web', 'db', 'toolsFe', 'toolsJob', 'blogFe', 'external'];

describe('Kubernetes NetworkPolicy through the translation', () => {
  test('without policy every pod is reachable (the namespace profile allows)', () => {
    assert.deepEqual(reaching(withPolicies(), 'api', EVERYONE), EVERYONE);
  });

  test('default deny ingress isolates every pod of its namespace, and only for ingress', () => {
    const s = withPolicies(k8sNetworkPolicy('shop', 'deny-in', { podSelector: {}, policyTypes: ['Ingress'] }));
    assert.deepEqual(reaching(s, 'api', EVERYONE), []);
    assert.deepEqual(reaching(s, 'db', ['web']), []);
    assert.deepEqual(reaching(s, 'toolsJob', ['api', 'toolsFe']), ['api', 'toolsFe']);
    assert.equal(evaluate(s, tcp(IP.api, IP.external, 443)).allowed, true);
  });

  test('default deny egress isolates outgoing traffic only', () => {
    const s = withPolicies(k8sNetworkPolicy('shop', 'deny-out', { podSelector: {}, policyTypes: ['Egress'] }));
    assert.equal(evaluate(s, tcp(IP.api, IP.toolsJob, 80)).allowed, false);
    assert.equal(evaluate(s, tcp(IP.api, IP.external, 443)).allowed, false);
    assert.equal(evaluate(s, tcp(IP.api, IP.db, 5432)).allowed, false);
    assert.deepEqual(reaching(s, 'api', ['toolsFe', 'external']), ['toolsFe', 'external']);
  });

  test('a pod selector alone selects pods of the policy\'s namespace only', () => {
    const s = withPolicies(k8sNetworkPolicy('shop', 'fe', { podSelector: onApi, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'fe' } } }] }] }));
    assert.deepEqual(reaching(s, 'api', EVERYONE), ['web']);
  });

  test('a namespace selector alone selects every pod of the selected namespaces', () => {
    const s = withPolicies(k8sNetworkPolicy('shop', 'team-a', { podSelector: onApi, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } } }] }] }));
    assert.deepEqual(reaching(s, 'api', EVERYONE), ['web', 'db', 'toolsFe', 'toolsJob']);
  });

  test('pod and namespace selector in one peer: pods matching both', () => {
    const s = withPolicies(k8sNetworkPolicy('shop', 'both', {
      podSelector: onApi,
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { role: 'fe' } } }] }],
    }));
    assert.deepEqual(reaching(s, 'api', EVERYONE), ['web', 'toolsFe']);
  });

  test('pod and namespace selector in two peers: pods matching either', () => {
    const s = withPolicies(k8sNetworkPolicy('shop', 'either', {
      podSelector: onApi,
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }, { podSelector: { matchLabels: { role: 'fe' } } }] }],
    }));
    assert.deepEqual(reaching(s, 'api', EVERYONE), ['web', 'blogFe']);
  });

  test('matchExpressions: In, NotIn, Exists, DoesNotExist', () => {
    const exists = withPolicies(k8sNetworkPolicy('shop', 'exists', {
      podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'other'] }] },
      ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'role', operator: 'Exists' }] } }] }],
    }));
    assert.deepEqual(reaching(exists, 'api', EVERYONE), ['web']);
    const absent = withPolicies(k8sNetworkPolicy('shop', 'absent', {
      podSelector: onApi,
      ingress: [{
        from: [{
          namespaceSelector: {},
          podSelector: { matchExpressions: [{ key: 'role', operator: 'DoesNotExist' }, { key: 'app', operator: 'NotIn', values: ['db'] }] },
        }],
      }],
    }));
    assert.deepEqual(reaching(absent, 'api', EVERYONE), ['toolsJob']);
  });

  test('a named port resolves per pod, with its protocol', () => {
    const s = withPolicies(k8sNetworkPolicy('shop', 'http', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] }));
    const allowedTo = (dst: string, port: number) => evaluate(s, tcp(IP.toolsJob, dst, port)).allowed;
    assert.equal(allowedTo(IP.api, 8080), true);
    assert.equal(allowedTo(IP.api, 8081), false);
    assert.equal(allowedTo(IP.web, 8081), true);
    assert.equal(allowedTo(IP.web, 8080), false);
    assert.equal(allowedTo(IP.db, 8080), false, 'db has no port named http');
    const dns = withPolicies(k8sNetworkPolicy('shop', 'dns', { podSelector: onApi, ingress: [{ ports: [{ port: 'dns', protocol: 'UDP' }] }] }));
    assert.equal(evaluate(dns, udp(IP.toolsJob, IP.api, 53)).allowed, true);
    assert.equal(evaluate(dns, tcp(IP.toolsJob, IP.api, 53)).allowed, false);
  });

  test('port with endPort is an inclusive range', () => {
    const s = withPolicies(k8sNetworkPolicy('shop', 'range', { podSelector: onApi, ingress: [{ ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }] }));
    const ok = (port: number) => evaluate(s, tcp(IP.web, IP.api, port)).allowed;
    assert.deepEqual([31999, 32000, 32500, 32768, 32769].map(ok), [false, true, true, true, false]);
  });

  test('UDP and SCTP ports match only their protocol', () => {
    const s = withPolicies(k8sNetworkPolicy('shop', 'udp-sctp', {
      podSelector: onApi,
      ingress: [{ ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'SCTP', port: 9000 }] }],
    }));
    assert.equal(evaluate(s, udp(IP.web, IP.api, 53)).allowed, true);
    assert.equal(evaluate(s, tcp(IP.web, IP.api, 53)).allowed, false);
    assert.equal(evaluate(s, sctp(IP.web, IP.api, 9000)).allowed, true);
    assert.equal(evaluate(s, udp(IP.web, IP.api, 9000)).allowed, false);
  });

  test('a port without protocol means TCP, and a rule with ports but no peers allows every source on them', () => {
    const s = withPolicies(k8sNetworkPolicy('shop', 'tcp-80', { podSelector: onApi, ingress: [{ ports: [{ port: 80 }] }] }));
    assert.deepEqual(reaching(s, 'api', EVERYONE, (a, b) => tcp(a, b, 80)), EVERYONE);
    assert.deepEqual(reaching(s, 'api', EVERYONE, (a, b) => udp(a, b, 80)), []);
  });

  test('ipBlock with except, for ingress and egress', () => {
    const s = withPolicies(k8sNetworkPolicy('shop', 'block', {
      podSelector: onApi,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ ipBlock: { cidr: '198.51.100.0/24', except: ['198.51.100.128/25'] } }] }],
      egress: [{ to: [{ ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.3.0/24'] } }] }],
    }));
    assert.equal(evaluate(s, tcp('198.51.100.7', IP.api, 80)).allowed, true);
    assert.equal(evaluate(s, tcp('198.51.100.200', IP.api, 80)).allowed, false);
    assert.equal(evaluate(s, tcp(IP.web, IP.api, 80)).allowed, false);
    assert.equal(evaluate(s, tcp(IP.api, IP.toolsJob, 80)).allowed, true, 'ipBlock matches pod addresses too');
    assert.equal(evaluate(s, tcp(IP.api, IP.blogFe, 80)).allowed, false);
  });

  test('several policies selecting a pod allow the union of what they allow', () => {
    const s = withPolicies(
      k8sNetworkPolicy('shop', 'from-web', { podSelector: onApi, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] }),
      k8sNetworkPolicy('shop', 'from-db', { podSelector: onApi, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'db' } } }] }] }),
    );
    assert.deepEqual(reaching(s, 'api', EVERYONE), ['web', 'db']);
  });

  test('policyTypes default: Ingress always, Egress only when egress rules are given', () => {
    const egressRules = withPolicies(k8sNetworkPolicy('shop', 'out', { podSelector: onApi, egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }] }));
    assert.deepEqual(reaching(egressRules, 'api', EVERYONE), [], 'ingress is isolated too');
    assert.equal(evaluate(egressRules, tcp(IP.api, IP.db, 5432)).allowed, true);
    assert.equal(evaluate(egressRules, tcp(IP.api, IP.web, 80)).allowed, false);
    const ingressRules = withPolicies(k8sNetworkPolicy('shop', 'in', { podSelector: onApi, ingress: [{ from: [{ podSelector: {} }] }] }));
    assert.equal(evaluate(ingressRules, tcp(IP.api, IP.external, 443)).allowed, true, 'egress stays open');
    assert.deepEqual(reaching(ingressRules, 'api', EVERYONE), ['web', 'db']);
  });

  test('a pod talking to itself is allowed under default deny both ways', () => {
    const s = withPolicies(k8sNetworkPolicy('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    assert.equal(evaluate(s, tcp(IP.api, IP.api, 8080)).allowed, true);
    assert.equal(evaluate(s, tcp(IP.web, IP.api, 8080)).allowed, false);
  });
});
