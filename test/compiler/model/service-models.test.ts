// The model of anycast services, host endpoints, the Felix configuration and
// pools' allowedUses: defaults applied, lists in their canonical order, so
// two spellings of the same resource give the same model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { decodeResource, typedResource } from '../../../compiler/resources/decode';
import * as F from '../../../compiler/resources/foldnet-kinds';
import { anycastServiceModel, felixConfigModel, hostEndpointModel, poolModel } from '../../../compiler/model/from-foldnet';
import { DEFAULT_FELIX_CONFIG } from '../../../compiler/model/types';

const typed = <A>(doc: object): A => {
  const r = decodeResource(doc);
  if (E.isLeft(r)) throw new Error(r.left.join('\n'));
  const t = typedResource<A>(r.right.kind, r.right.resource);
  if (E.isLeft(t)) throw new Error(t.left.join('\n'));
  return t.right;
};
const FN = 'foldnet.io/v1';
const service = (addresses: string[], ports: object[]) =>
  typed<F.AnycastService>({ apiVersion: FN, kind: 'AnycastService', metadata: { namespace: 'ns', name: 's' }, spec: { addresses, selector: "app=='x'", ports } });
const felix = (spec: object) => typed<F.FelixConfiguration>({ apiVersion: FN, kind: 'FelixConfiguration', metadata: { name: 'default' }, spec });

test('an AnycastService model: key, IPv4 addresses first, ports by protocol then port, defaults filled in, canonical selector', () => {
  const m = anycastServiceModel(service(['fd00::10', '10.96.0.11', '10.96.0.10/32'], [
    { port: 53, protocol: 'UDP', name: 'dns' }, { port: 9153, targetPort: 'metrics' }, { port: 53 },
  ]));
  assert.deepEqual(m, {
    key: 'ns/s', namespace: 'ns', name: 's',
    addresses: ['10.96.0.10', '10.96.0.11', 'fd00::10'],
    selector: 'app == "x"',
    ports: [
      { protocol: 6, port: 53, targetPort: { kind: 'number', port: 53 } },
      { protocol: 6, port: 9153, targetPort: { kind: 'name', name: 'metrics' } },
      { name: 'dns', protocol: 17, port: 53, targetPort: { kind: 'number', port: 53 } },
    ],
    origin: 'AnycastService',
  });
});

test('the order in which addresses and ports are written does not change the service model', () => {
  const ports = [{ port: 53, protocol: 'UDP' }, { port: 53 }, { port: 80, protocol: 'SCTP' }, { port: 443 }];
  const addresses = ['10.96.0.10', '10.96.0.9', 'fd00::1', '10.96.1.0'];
  fc.assert(fc.property(fc.shuffledSubarray(addresses, { minLength: 4 }), fc.shuffledSubarray(ports, { minLength: 4 }), (a, p) => {
    assert.deepEqual(anycastServiceModel(service(a, p)), anycastServiceModel(service(addresses, ports)));
  }));
});

test('a HostEndpoint model: labels from metadata, sorted expected IPs, named ports with protocol numbers, profiles in order', () => {
  const h = typed<F.HostEndpoint>({
    apiVersion: FN, kind: 'HostEndpoint', metadata: { name: 'h1-eth0', labels: { role: 'edge' } },
    spec: { host: 'h1', interfaceName: 'eth0', expectedIPs: ['fd00::1', '10.0.0.1/32'], profiles: ['b', 'a'], ports: [{ name: 'ssh', port: 22 }, { name: 'dns', port: 53, protocol: 'UDP' }] },
  });
  assert.deepEqual(hostEndpointModel(h), {
    name: 'h1-eth0', host: 'h1', interfaceName: 'eth0', expectedIPs: ['10.0.0.1', 'fd00::1'], labels: { role: 'edge' }, profiles: ['b', 'a'],
    ports: [{ name: 'ssh', port: 22, protocol: 6 }, { name: 'dns', port: 53, protocol: 17 }],
  });
  const bare = typed<F.HostEndpoint>({ apiVersion: FN, kind: 'HostEndpoint', metadata: { name: 'all' }, spec: { host: 'h1', interfaceName: '*' } });
  assert.deepEqual(hostEndpointModel(bare), { name: 'all', host: 'h1', interfaceName: '*', expectedIPs: [], labels: {}, profiles: [], ports: [] });
});

test('Felix: an omitted list keeps Calico\'s default, an empty list means none, lists are sorted and deduplicated', () => {
  assert.equal(felixConfigModel(undefined), DEFAULT_FELIX_CONFIG);
  assert.deepEqual(felixConfigModel(felix({})), DEFAULT_FELIX_CONFIG);
  const m = felixConfigModel(felix({
    failsafeInboundHostPorts: [{ protocol: 'udp', port: 68 }, { protocol: 'TCP', port: 22 }, { protocol: 'tcp', port: 22 }, { protocol: 'TCP', port: 10 }],
    failsafeOutboundHostPorts: [],
  }));
  assert.deepEqual(m.failsafeInboundHostPorts, [{ protocol: 6, port: 10 }, { protocol: 6, port: 22 }, { protocol: 17, port: 68 }]);
  assert.deepEqual(m.failsafeOutboundHostPorts, []);
  const inboundOnly = felixConfigModel(felix({ failsafeInboundHostPorts: [] }));
  assert.deepEqual(inboundOnly.failsafeOutboundHostPorts, DEFAULT_FELIX_CONFIG.failsafeOutboundHostPorts);
});

test('the default Felix failsafe lists are Calico\'s, in model order', () => {
  const sorted = (xs: readonly { protocol: number; port: number }[]) => [...xs].sort((a, b) => a.protocol - b.protocol || a.port - b.port);
  assert.deepEqual(DEFAULT_FELIX_CONFIG.failsafeInboundHostPorts, sorted(DEFAULT_FELIX_CONFIG.failsafeInboundHostPorts));
  assert.deepEqual(DEFAULT_FELIX_CONFIG.failsafeOutboundHostPorts, sorted(DEFAULT_FELIX_CONFIG.failsafeOutboundHostPorts));
});

test('a pool is for workloads unless it says otherwise; uses are kept in the order Workload, Service', () => {
  const pool = (spec: object) => {
    const m = poolModel(typed<F.IPPool>({ apiVersion: FN, kind: 'IPPool', metadata: { name: 'p' }, spec: { cidr: '10.0.0.0/16', ...spec } }));
    assert.ok(E.isRight(m));
    return m.right.allowedUses;
  };
  assert.deepEqual(pool({}), ['Workload']);
  assert.deepEqual(pool({ allowedUses: ['Service'] }), ['Service']);
  assert.deepEqual(pool({ allowedUses: ['Service', 'Workload'] }), ['Workload', 'Service']);
});
