// Kubernetes v1 Service: decoded as tolerantly as Pods (what Kubernetes adds
// passes through and is kept for `get`), imported into an anycast service
// when it is ClusterIP or LoadBalancer with a selector, and refused at the
// field that says why otherwise.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { decodeResource, typedResource } from '../../../compiler/resources/decode';
import type { K8sService } from '../../../compiler/resources/k8s-service';
import { k8sServiceModel } from '../../../compiler/model/from-k8s';
import type { ServiceModel } from '../../../compiler/model/types';

/** A Service as `kubectl get svc -o yaml` prints it. */
const exported = (spec: Record<string, unknown> = {}, status: Record<string, unknown> = { loadBalancer: {} }) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: 'web', namespace: 'shop', uid: '5b1f', resourceVersion: '4242', creationTimestamp: '2026-01-01T00:00:00Z',
    labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' }, managedFields: [{ manager: 'kubectl' }],
  },
  spec: {
    clusterIP: '10.96.5.5', clusterIPs: ['10.96.5.5'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster',
    sessionAffinity: 'None', type: 'ClusterIP', selector: { app: 'web', tier: 'fe' },
    ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 'https' }, { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
    ...spec,
  },
  status,
});

const model = (doc: object): ServiceModel => {
  const r = decodeResource(doc);
  assert.ok(E.isRight(r), JSON.stringify(r));
  const typed = typedResource<K8sService>(r.right.kind, r.right.resource);
  assert.ok(E.isRight(typed));
  const m = k8sServiceModel(typed.right);
  assert.ok(E.isRight(m), JSON.stringify(m));
  return m.right;
};

const errorsOf = (doc: object): string[] => {
  const r = decodeResource(doc);
  assert.ok(E.isLeft(r), 'expected a decode error');
  return r.left;
};

describe('importing a Kubernetes Service', () => {
  test('ClusterIP: key ns/name, the selector map as canonical selector text, ports sorted, targetPort kept', () => {
    const m = model(exported());
    assert.deepEqual(m, {
      key: 'shop/web', namespace: 'shop', name: 'web', addresses: ['10.96.5.5'],
      selector: 'app == "web" && tier == "fe"',
      ports: [
        { name: 'http', protocol: 6, port: 80, targetPort: { kind: 'number', port: 8080 } },
        { name: 'https', protocol: 6, port: 443, targetPort: { kind: 'name', name: 'https' } },
      ],
      origin: 'Service',
    });
  });

  test('the whole document is kept for get, Kubernetes fields included', () => {
    const doc = exported();
    const r = decodeResource(doc);
    assert.ok(E.isRight(r));
    assert.equal(r.right.kind, 'Service');
    assert.equal(r.right.key, 'shop/web');
    assert.deepEqual(r.right.resource, doc);
  });

  test('type defaults to ClusterIP, the namespace to default, protocol to TCP and targetPort to the port', () => {
    const doc = exported({ type: undefined, ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }] });
    delete (doc.metadata as { namespace?: string }).namespace;
    const m = model(doc);
    assert.equal(m.key, 'default/web');
    assert.deepEqual(m.ports, [
      { protocol: 6, port: 53, targetPort: { kind: 'number', port: 53 } },
      { protocol: 17, port: 53, targetPort: { kind: 'number', port: 53 } },
    ]);
  });

  test('LoadBalancer: cluster IPs and ingress IPs, deduplicated and sorted IPv4 first; hostname-only ingress adds none', () => {
    const m = model(exported(
      { type: 'LoadBalancer', clusterIP: '10.96.5.5', clusterIPs: ['10.96.5.5', 'fd00:96::5'], ports: [{ port: 80, nodePort: 31080 }] },
      { loadBalancer: { ingress: [{ ip: '192.0.2.7', ipMode: 'VIP' }, { hostname: 'lb.example.com' }, { ip: '10.96.5.5' }] } },
    ));
    assert.deepEqual(m.addresses, ['10.96.5.5', '192.0.2.7', 'fd00:96::5']);
  });
});

describe('Services foldnet cannot serve are refused at the field', () => {
  test('NodePort and ExternalName', () => {
    assert.ok(errorsOf(exported({ type: 'NodePort' })).includes('spec.type: foldnet imports ClusterIP and LoadBalancer services, got "NodePort"'));
    assert.ok(errorsOf(exported({ type: 'ExternalName', externalName: 'db.example.com' })).includes('spec.type: foldnet imports ClusterIP and LoadBalancer services, got "ExternalName"'));
  });

  test('headless (clusterIP None)', () => {
    const errs = errorsOf(exported({ clusterIP: 'None', clusterIPs: ['None'] }));
    assert.ok(errs.some((e) => /^spec\.clusterIP: a headless service \(clusterIP "None"\)/.test(e)), errs.join('\n'));
    assert.ok(errs.some((e) => /^spec\.clusterIPs\[0\]: a headless service/.test(e)), errs.join('\n'));
  });

  test('no selector, or an empty one', () => {
    for (const selector of [undefined, {}]) {
      const errs = errorsOf(exported({ selector }));
      assert.ok(errs.some((e) => e.startsWith('spec.selector: a service without a selector has no backends')), errs.join('\n'));
    }
  });

  test('no address anywhere', () => {
    const errs = errorsOf(exported({ clusterIP: undefined, clusterIPs: undefined }));
    assert.ok(errs.some((e) => e.startsWith('spec.clusterIP: the service has no address')), errs.join('\n'));
    assert.ok(errorsOf(exported({ clusterIP: '', clusterIPs: [] })).some((e) => e.startsWith('spec.clusterIP: the service has no address')));
  });

  test('no ports, repeated ports, bad ports and bad addresses', () => {
    assert.ok(errorsOf(exported({ ports: [] })).includes('spec.ports: expected at least one port, got none'));
    assert.ok(errorsOf(exported({ ports: undefined })).includes('spec.ports: expected at least one port, got none'));
    assert.ok(errorsOf(exported({ ports: [{ port: 80 }, { port: 80, protocol: 'TCP' }] })).includes('spec.ports[1]: duplicate TCP port 80 (already at index 0)'));
    assert.ok(errorsOf(exported({ ports: [{ name: 'a', port: 80 }, { name: 'a', port: 81 }] })).includes('spec.ports[1].name: duplicate port name a (already at index 0)'));
    assert.ok(errorsOf(exported({ ports: [{ port: 80, protocol: 'ICMP' }] })).includes('spec.ports[0].protocol: expected one of TCP, UDP, SCTP, got "ICMP"'));
    assert.ok(errorsOf(exported({ ports: [{ port: 80, targetPort: 0 }] })).includes('spec.ports[0].targetPort: expected a port 1-65535, got 0'));
    assert.ok(errorsOf(exported({ clusterIPs: ['10.96.5.300'] })).some((e) => e.startsWith('spec.clusterIPs[0]: expected an IPv4 or IPv6 address')));
    const lb = errorsOf(exported({}, { loadBalancer: { ingress: [{ ip: 'nope' }] } }));
    assert.ok(lb.some((e) => e.startsWith('status.loadBalancer.ingress[0].ip: expected an IPv4 or IPv6 address')), lb.join('\n'));
  });

  test('every problem at once, and selector labels are checked as labels', () => {
    const errs = errorsOf(exported({ type: 'NodePort', selector: { 'bad key!': 'x' }, ports: [] }));
    assert.ok(errs.some((e) => e.startsWith('spec.selector.bad key!: label key')), errs.join('\n'));
    const semantic = errorsOf(exported({ type: 'NodePort', selector: undefined, ports: [] }));
    assert.equal(semantic.filter((e) => /^spec\.(type|selector|ports):/.test(e)).length, 3, semantic.join('\n'));
  });
});
