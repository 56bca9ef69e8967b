import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import { endpointYaml, said, SEED_DEMO, withWorkspace } from './cli-harness';

const K8S = `apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec: {nodeName: host-1, containers: [{ports: [{name: http, containerPort: 8080}]}]}
status: {podIPs: [{ip: 192.168.2.7}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-web}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {matchLabels: {role: fe}}}], ports: [{port: 8080}, {port: http}, {port: 9000, endPort: 9010}]}]
`;

type Doc = { kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec: any };

describe('foldnet get', () => {
  test('-o json is an array of the documents as applied, even for one resource', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
      const all = await ws.run(['get', 'wep', '-n', 'demo', '-o', 'json']);
      assert.equal(all.code, 0, said(all));
      const docs = JSON.parse(all.stdout) as Doc[];
      assert.deepEqual(docs.map((d) => d.metadata.name), ['a', 'b', 'c', 'd', 'e']);
      const one = await ws.run(['get', 'workloadendpoint', 'c', '-n', 'demo', '-o', 'json']);
      assert.equal(one.code, 0, said(one));
      assert.deepEqual(JSON.parse(one.stdout), [{
        apiVersion: 'foldnet.io/v1', kind: 'WorkloadEndpoint', metadata: { namespace: 'demo', name: 'c', labels: { app: 'c' } },
        spec: { host: 'host-1', interfaceName: 'cali-c', ipNetworks: ['192.168.1.3/32'], profiles: ['group-a'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
      }]);
    }));

  test('-o yaml is a multi-document stream that apply reads back as unchanged', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
      const r = await ws.run(['get', 'profiles', '-o', 'yaml']);
      assert.equal(r.code, 0, said(r));
      const docs = YAML.parseAllDocuments(r.stdout).map((d) => d.toJS() as Doc);
      assert.deepEqual(docs.map((d) => d.metadata.name), ['default', 'group-a']);
      const back = await ws.run(['apply', '-f', '-'], { stdin: r.stdout });
      assert.equal(back.stdout, 'profile/default unchanged\nprofile/group-a unchanged\n', said(back));
    }));

  test('the table shows kind-specific columns, NAMESPACE only with -A, and the namespace filter', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
      const weps = await ws.run(['get', 'wep', '-A']);
      assert.equal(weps.code, 0, said(weps));
      const lines = weps.stdout.trim().split('\n');
      assert.deepEqual(lines[0]!.split(/\s{2,}/), ['NAMESPACE', 'NAME', 'HOST', 'INTERFACE', 'IPS', 'OFFSET']);
      assert.deepEqual(lines[1]!.split(/\s+/), ['demo', 'a', 'host-1', 'cali-a', '192.168.1.1', '5']);
      assert.equal(lines.length, 6);
      const hosts = await ws.run(['get', 'hosts']);
      assert.match(hosts.stdout, /^NAME\s+IPV4 ADDRESS\s+IPV6 ADDRESS\s+ASN\s+OFFSET$/m);
      assert.match(hosts.stdout, /^host-2\s+10\.99\.0\.2\/24\s+<none>\s+64512\s+1$/m);
      // Namespaced kinds default to the "default" namespace, as kubectl does.
      const none = await ws.run(['get', 'wep']);
      assert.equal(none.code, 0, said(none));
      assert.equal(none.stdout, '');
      assert.match(none.stderr, /No resources found in default namespace/);
      const inDemo = await ws.run(['get', 'wep', '-n', 'demo']);
      assert.match(inDemo.stdout, /^NAME\s+HOST\s+INTERFACE\s+IPS\s+OFFSET$/m);
    }));

  test('a name that does not exist exits 1 naming it', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
      const r = await ws.run(['get', 'wep', 'zz', '-n', 'demo']);
      assert.equal(r.code, 1, said(r));
      assert.equal(r.stderr, 'Error: workloadendpoint demo/zz not found\n');
    }));

  test('pods show as stored, and their translation shows in get wep with its origin annotated', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
      assert.equal((await ws.run(['apply', '-f', ws.write('k8s.yaml', K8S)])).code, 0);
      const pods = await ws.run(['get', 'pods', '-o', 'json']);
      const [pod] = JSON.parse(pods.stdout) as Doc[];
      assert.equal(pod!.kind, 'Pod');
      assert.equal(pod!.metadata.namespace, 'default');
      assert.deepEqual(pod!.spec, { nodeName: 'host-1', containers: [{ ports: [{ name: 'http', containerPort: 8080 }] }] });
      const table = await ws.run(['get', 'pods']);
      assert.match(table.stdout, /^web\s+host-1\s+cali[0-9a-f]{11}\s+192\.168\.2\.7\s+10$/m, said(table));
      const weps = await ws.run(['get', 'wep', 'web', '-o', 'json']);
      assert.equal(weps.code, 0, said(weps));
      const [wep] = JSON.parse(weps.stdout) as Doc[];
      assert.equal(wep!.kind, 'WorkloadEndpoint');
      assert.equal(wep!.metadata.annotations!['foldnet.io/translated-from'], 'v1/Pod default/web');
      assert.deepEqual(wep!.spec.ipNetworks, ['192.168.2.7/32']);
      assert.deepEqual(wep!.spec.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
      assert.match(wep!.spec.interfaceName, /^cali[0-9a-f]{11}$/);
    }));

  test('Kubernetes NetworkPolicies show as knp.default.* foldnet policies, ports in Calico spelling', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', ws.write('k8s.yaml', K8S)])).code, 0);
      const r = await ws.run(['get', 'networkpolicies', '-o', 'yaml']);
      assert.equal(r.code, 0, said(r));
      const [p] = YAML.parseAllDocuments(r.stdout).map((d) => d.toJS() as Doc);
      assert.equal(p!.metadata.name, 'knp.default.allow-web');
      assert.equal(p!.metadata.annotations!['foldnet.io/translated-from'], 'networking.k8s.io/v1/NetworkPolicy default/allow-web');
      assert.equal(p!.spec.tier, 'default');
      assert.equal(p!.spec.order, 1000);
      assert.deepEqual(p!.spec.types, ['Ingress']);
      assert.deepEqual(p!.spec.ingress.map((rule: any) => rule.destination.ports), [[8080], ['http'], ['9000:9010']]);
      const knp = await ws.run(['get', 'networkpolicies.networking.k8s.io']);
      assert.match(knp.stdout, /^allow-web\s+default\s+1000\s+app == "web"\s+1$/m, said(knp));
    }));

  test('--at shows the state after an offset, or at a time, not the head', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', ws.write('x.yaml', endpointYaml('x', '10.6.0.1'))])).code, 0);
      const [first] = await ws.events();
      assert.equal((await ws.run(['apply', '-f', ws.write('x2.yaml', endpointYaml('x', '10.6.0.2'))])).code, 0);
      assert.equal((await ws.run(['apply', '-f', ws.write('y.yaml', endpointYaml('y', '10.6.0.3'))])).code, 0);
      const ips = async (args: string[]): Promise<string[]> => {
        const r = await ws.run(['get', 'wep', '-n', 'demo', '-o', 'json', ...args]);
        assert.equal(r.code, 0, said(r));
        return (JSON.parse(r.stdout) as Doc[]).map((d) => `${d.metadata.name}=${d.spec.ipNetworks[0]}`);
      };
      assert.deepEqual(await ips([]), ['x=10.6.0.2/32', 'y=10.6.0.3/32']);
      assert.deepEqual(await ips(['--at', '0']), ['x=10.6.0.1/32']);
      assert.deepEqual(await ips(['--at', '1']), ['x=10.6.0.2/32']);
      assert.deepEqual(await ips(['--at', first!.time as string]), ['x=10.6.0.1/32']);
      assert.deepEqual(await ips(['--at', '2000-01-01T00:00:00Z']), []);
      const beyond = await ws.run(['get', 'wep', '--at', '3']);
      assert.equal(beyond.code, 2, said(beyond));
      assert.match(beyond.stderr, /^Error: --at 3: the log has 3 events \(offsets 0-2\)$/m);
    }));
});
