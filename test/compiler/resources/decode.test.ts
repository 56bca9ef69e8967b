// Decoding resources: every kind round-trips (decode → encode as JSON → decode
// gives the same resource), every problem is reported with its field path,
// and no input whatsoever makes the decoder throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { decodeResource } from '../../../compiler/resources/decode';
import { KINDS } from '../../../compiler/resources/kinds';
import { fixtureDocs } from '../../helpers/seed-demo';
import { clusterDocs } from '../arbitraries/cluster';
import { stateFrom } from '../policy/build-state';

const EXAMPLES: object[] = [
  ...fixtureDocs('seed-demo.yaml'),
  ...fixtureDocs('seed-demo-open-a-to-c.yaml'),
  { apiVersion: 'foldnet.io/v1', kind: 'Tier', metadata: { name: 'security' }, spec: { order: 10 } },
  { apiVersion: 'foldnet.io/v1', kind: 'GlobalNetworkPolicy', metadata: { name: 'deny-db' }, spec: { tier: 'security', selector: "app == 'db'", namespaceSelector: 'all()', egress: [{ action: 'Deny', protocol: 'UDP', destination: { ports: [53, '1000:2000'], notNets: ['10.0.0.0/8'] } }] } },
  { apiVersion: 'foldnet.io/v1', kind: 'BGPPeer', metadata: { name: 'tor' }, spec: { peerIP: '10.99.0.254', asNumber: 65000, node: 'host-1' } },
  { apiVersion: 'foldnet.io/v1', kind: 'BGPConfiguration', metadata: { name: 'default' }, spec: { nodeToNodeMeshEnabled: false, asNumber: 64600 } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod', labels: { env: 'prod' } } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'prod', labels: { app: 'web' }, uid: 'x' }, spec: { nodeName: 'host-1', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] }, status: { podIP: '10.10.0.7', podIPs: [{ ip: '10.10.0.7' }] } },
  { apiVersion: 'foldnet.io/v1', kind: 'IPPool', metadata: { name: 'services' }, spec: { cidr: '10.96.0.0/16', allowedUses: ['Service'] } },
  { apiVersion: 'foldnet.io/v1', kind: 'AnycastService', metadata: { namespace: 'prod', name: 'dns' }, spec: { addresses: ['10.96.0.10', 'fd00:96::10/128'], selector: "app == 'dns'", ports: [{ name: 'dns', protocol: 'UDP', port: 53 }, { name: 'dns-tcp', port: 53, targetPort: 'dns-tcp' }] } },
  { apiVersion: 'foldnet.io/v1', kind: 'HostEndpoint', metadata: { name: 'host-1-eth0', labels: { role: 'edge' } }, spec: { host: 'host-1', interfaceName: 'eth0', expectedIPs: ['10.99.0.1'], profiles: ['edge'], ports: [{ name: 'ssh', port: 22 }] } },
  { apiVersion: 'foldnet.io/v1', kind: 'FelixConfiguration', metadata: { name: 'default' }, spec: { failsafeInboundHostPorts: [{ protocol: 'tcp', port: 22 }], failsafeOutboundHostPorts: [] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'prod', uid: 'u', resourceVersion: '7', creationTimestamp: '2026-01-01T00:00:00Z', annotations: { a: 'b' } }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, clusterIP: '10.96.1.1', clusterIPs: ['10.96.1.1'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', sessionAffinity: 'None', externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster', ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080, protocol: 'TCP' }] }, status: { loadBalancer: { ingress: [{ ip: '192.0.2.10', ipMode: 'VIP' }] }, conditions: [] } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-web', namespace: 'prod' }, spec: { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }, namespaceSelector: {} }], ports: [{ port: 5432 }, { protocol: 'TCP', port: 6000, endPort: 6010 }] }] } },
];

test('every kind has an example here', () => {
  const covered = new Set(EXAMPLES.map((d) => { const r = decodeResource(d); return E.isRight(r) ? r.right.kind : 'bad'; }));
  for (const k of KINDS) assert.ok(covered.has(k.id), `no example of ${k.id}`);
});

test('decoding is a round trip: what decodes, decodes again to the same resource', () => {
  for (const doc of EXAMPLES) {
    const once = decodeResource(doc);
    assert.ok(E.isRight(once), JSON.stringify(once));
    const twice = decodeResource(JSON.parse(JSON.stringify(once.right.resource)));
    assert.deepEqual(twice, once);
  }
});

test('generated clusters round-trip through decoding', () => {
  fc.assert(
    fc.property(clusterDocs, (docs) => {
      for (const doc of docs) {
        const once = decodeResource(doc);
        assert.ok(E.isRight(once), JSON.stringify(once));
        assert.deepEqual(decodeResource(JSON.parse(JSON.stringify(once.right.resource))), once);
      }
    }),
    { numRuns: 100 },
  );
});

test('any JSON value decodes or yields errors that each name a path; nothing throws', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (u) => {
      const r = decodeResource(u);
      if (E.isLeft(r)) for (const line of r.left) assert.match(line, /^[^:]+: .+/);
    }),
    { numRuns: 2000 },
  );
});

test('mutated valid documents never make the decoder throw', () => {
  const paths = fc.constantFrom(...EXAMPLES);
  fc.assert(
    fc.property(paths, fc.jsonValue(), fc.array(fc.constantFrom('metadata', 'spec', 'name', 'ingress', 'egress', 'ports', 'source', 'bgp', '0'), { maxLength: 4 }), (doc, value, path) => {
      const copy = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
      let at: Record<string, unknown> = copy;
      for (const key of path.slice(0, -1)) {
        const next = at[key];
        if (typeof next !== 'object' || next === null) break;
        at = next as Record<string, unknown>;
      }
      at[path[path.length - 1] ?? 'spec'] = value;
      const r = decodeResource(copy);
      if (E.isLeft(r)) assert.ok(r.left.length > 0);
    }),
    { numRuns: 2000 },
  );
});

const errorsOf = (doc: object): string[] => {
  const r = decodeResource(doc);
  assert.ok(E.isLeft(r), 'expected a decode error');
  return r.left;
};

test('problems are named by field path, all of them at once', () => {
  const errs = errorsOf({
    apiVersion: 'foldnet.io/v1', kind: 'WorkloadEndpoint', metadata: { namespace: 'demo', name: 'a' },
    spec: { host: 'h', interfaceName: 'cali-a', ipNetworks: ['10.0.0.300/32'], protocl: 'TCP', ports: [{ name: 'http', port: 0 }] },
  });
  assert.ok(errs.some((e) => e.startsWith('spec.ipNetworks[0]: ') && e.includes('10.0.0.300/32')), errs.join('\n'));
  assert.ok(errs.some((e) => e.startsWith('spec.protocl: unknown field')), errs.join('\n'));
  assert.ok(errs.some((e) => e.startsWith('spec.ports[0].port: expected a port 1-65535, got 0')), errs.join('\n'));
});

test('bad selectors, unknown kinds, wrong apiVersions and rule combinations are refused with reasons', () => {
  assert.match(errorsOf({ apiVersion: 'foldnet.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'd', name: 'p' }, spec: { selector: "app == " } }).join('\n'), /^spec\.selector: at column/m);
  assert.match(errorsOf({ apiVersion: 'foldnet.io/v1', kind: 'Gizmo', metadata: { name: 'x' } }).join('\n'), /^kind: unknown kind "Gizmo"/);
  assert.match(errorsOf({ apiVersion: 'v2', kind: 'Host', metadata: { name: 'x' }, spec: {} }).join('\n'), /^apiVersion: Host must have apiVersion foldnet\.io\/v1/);
  assert.match(
    errorsOf({ apiVersion: 'foldnet.io/v1', kind: 'Profile', metadata: { name: 'p' }, spec: { ingress: [{ action: 'Allow', destination: { ports: [80] } }] } }).join('\n'),
    /^spec\.ingress\[0\]\.destination\.ports: ports need protocol/m,
  );
  assert.match(errorsOf({ apiVersion: 'foldnet.io/v1', kind: 'Host', metadata: { name: 'Bad_Name' }, spec: { bgp: {} } }).join('\n'), /^metadata\.name: expected a DNS-1123 name/m);
});

test('CIDRs and IPs are normalised; Kubernetes ipBlock host bits mean the network', () => {
  const state = stateFrom([
    { apiVersion: 'foldnet.io/v1', kind: 'IPPool', metadata: { name: 'p' }, spec: { cidr: 'FD00:0:0::/48' } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x' }, spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.10.0.1/4' } }] }] } },
  ]);
  assert.equal(state.pools.get('p')!.cidr, 'fd00::/48');
  const knp = state.policies.get('NetworkPolicy:default/knp.default.x')!;
  assert.deepEqual(knp.ingress![0]!.source!.nets, ['0.0.0.0/4']);
});
