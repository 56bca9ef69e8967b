// Anycast services, host endpoints and the Felix configuration in the fold:
// what each put and remove does to the state and reports as changes, and
// every invariant that ties service addresses to pools, endpoints, hosts and
// other services, as rejections naming the conflict (the first writer wins).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FELIX_CONFIG } from '../../../compiler/model/types';
import { rejection, run } from '../ipam/docs';

const FN = 'foldnet.io/v1';
const host = (name: string, v4: string) => ({ apiVersion: FN, kind: 'Host', metadata: { name }, spec: { bgp: { ipv4Address: `${v4}/24` } } });
const pool = (name: string, cidr: string, allowedUses?: string[]) =>
  ({ apiVersion: FN, kind: 'IPPool', metadata: { name }, spec: { cidr, ...(allowedUses ? { allowedUses } : {}) } });
const wep = (name: string, ip: string) => ({
  apiVersion: FN, kind: 'WorkloadEndpoint', metadata: { namespace: 'ns', name, labels: { app: 'web' } },
  spec: { host: 'h1', interfaceName: `c-${name}`, ipNetworks: [`${ip}/32`] },
});
const pod = (name: string, ip: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'ns', name }, spec: { nodeName: 'h1' }, status: { podIPs: [{ ip }] } });
type Port = { port: number; protocol?: string };
const asvc = (name: string, addresses: string[], ports: Port[] = [{ port: 80 }], namespace = 'ns') => ({
  apiVersion: FN, kind: 'AnycastService', metadata: { namespace, name }, spec: { addresses, selector: "app == 'web'", ports },
});
const k8sSvc = (name: string, clusterIP: string) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'ns', name, uid: 'x' },
  spec: { clusterIP, selector: { app: 'web' }, ports: [{ port: 443, targetPort: 8443 }] },
});
const hep = (name: string, onHost: string, interfaceName: string) => ({ apiVersion: FN, kind: 'HostEndpoint', metadata: { name }, spec: { host: onHost, interfaceName } });
const felix = (spec: object) => ({ apiVersion: FN, kind: 'FelixConfiguration', metadata: { name: 'default' }, spec });
const remove = (kind: string, key: string) => ({ remove: key, kind });

describe('services', () => {
  test('a put becomes the model and a service change; the address index names it; a remove undoes both', () => {
    const r = run([asvc('dns', ['10.96.0.10', 'fd00::10'])]);
    assert.equal(rejection(r, 0), undefined);
    const m = r.state.services.get('ns/dns');
    assert.equal(m?.origin, 'AnycastService');
    assert.deepEqual(r.results[0]!.changes.map((c) => [c.entity, c.key, c.before, c.after]), [['service', 'ns/dns', undefined, m]]);
    assert.deepEqual(r.state.serviceAddresses.get('10.96.0.10'), ['ns/dns']);
    const gone = run([remove('AnycastService', 'ns/dns')], r.state);
    assert.equal(gone.state.services.size, 0);
    assert.equal(gone.state.serviceAddresses.size, 0);
    assert.deepEqual(gone.results[0]!.changes.map((c) => [c.entity, c.key, c.before, c.after]), [['service', 'ns/dns', m, undefined]]);
  });

  test('a Kubernetes Service imports into the same map, and is removed as a Service', () => {
    const r = run([k8sSvc('web', '10.96.0.20'), remove('Service', 'ns/web')]);
    assert.equal(rejection(r, 0), undefined);
    assert.equal(r.before[1]!.services.get('ns/web')?.origin, 'Service');
    assert.equal(r.state.services.size, 0);
  });

  test('one key, two kinds: the second is rejected', () => {
    const r = run([asvc('web', ['10.96.0.20']), k8sSvc('web', '10.96.0.21')]);
    assert.equal(rejection(r, 1), 'service ns/web is already defined by an AnycastService');
  });

  test('an address inside a pool needs the pool to allow Service; outside every pool it is fine', () => {
    const r = run([
      pool('pods', '10.0.0.0/16'), pool('svcs', '10.96.0.0/16', ['Service']), pool('both', '10.97.0.0/16', ['Workload', 'Service']),
      asvc('a', ['10.0.0.10']), asvc('b', ['10.96.0.10']), asvc('c', ['10.97.0.10']), asvc('d', ['192.0.2.1']),
    ]);
    assert.equal(rejection(r, 3), 'address 10.0.0.10 is inside pool pods (10.0.0.0/16), which does not allow Service (its allowedUses: Workload)');
    for (const i of [4, 5, 6]) assert.equal(rejection(r, i), undefined);
  });

  test('an address held by an endpoint, or a host\'s BGP address, is refused', () => {
    const r = run([host('h1', '10.9.0.1'), wep('a', '10.1.0.5'), asvc('s', ['10.1.0.5']), asvc('t', ['10.9.0.1'])]);
    assert.equal(rejection(r, 2), 'address 10.1.0.5 is already used by endpoint ns/a');
    assert.equal(rejection(r, 3), 'address 10.9.0.1 is the BGP address of host h1');
  });

  test('services share an address only on different (protocol, port)s; the later put names the first other service by key', () => {
    const r = run([
      asvc('b', ['10.96.0.1'], [{ port: 53, protocol: 'UDP' }]),
      asvc('a', ['10.96.0.1'], [{ port: 53 }]),
      asvc('c', ['10.96.0.1', '10.96.0.2'], [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]),
      asvc('d', ['10.96.0.1'], [{ port: 53, protocol: 'SCTP' }], 'other'),
    ]);
    assert.equal(rejection(r, 0), undefined);
    assert.equal(rejection(r, 1), undefined);
    assert.equal(rejection(r, 2), 'address 10.96.0.1 TCP port 53 is already served by service ns/a');
    assert.equal(rejection(r, 3), undefined);
    assert.deepEqual(r.state.serviceAddresses.get('10.96.0.1'), ['ns/a', 'ns/b', 'other/d']);
  });

  test('a service may be put again with its own address and port; moving it frees the old address', () => {
    const r = run([asvc('s', ['10.96.0.1']), asvc('s', ['10.96.0.1']), asvc('s', ['10.96.0.2']), wep('a', '10.96.0.1')]);
    for (const i of [0, 1, 2, 3]) assert.equal(rejection(r, i), undefined);
    assert.equal(r.state.serviceAddresses.has('10.96.0.1'), false);
    assert.deepEqual(r.state.serviceAddresses.get('10.96.0.2'), ['ns/s']);
  });

  test('an endpoint or pod put whose address is a service address is rejected; once the service goes it is free', () => {
    const r = run([asvc('s', ['10.96.0.1']), wep('a', '10.96.0.1'), pod('p', '10.96.0.1'), remove('AnycastService', 'ns/s'), wep('a', '10.96.0.1')]);
    assert.equal(rejection(r, 1), 'IP 10.96.0.1 is the address of service ns/s');
    assert.equal(rejection(r, 2), 'IP 10.96.0.1 is the address of service ns/s');
    assert.equal(rejection(r, 4), undefined);
    assert.equal(r.state.ipOwners.get('10.96.0.1'), 'ns/a');
  });

  test('a host whose BGP address is a service address is rejected', () => {
    const r = run([asvc('s', ['10.9.0.7']), host('h7', '10.9.0.7')]);
    assert.equal(rejection(r, 1), 'BGP address 10.9.0.7 is the address of service ns/s');
  });

  test('a pool put that would leave a service address in a pool not allowing Service is rejected', () => {
    const r = run([
      pool('svcs', '10.96.0.0/16', ['Workload', 'Service']), asvc('s', ['10.96.3.3']), asvc('t', ['10.96.1.1']),
      pool('svcs', '10.96.0.0/16', ['Workload']), remove('IPPool', 'svcs'), pool('wide', '10.96.0.0/12'),
    ]);
    assert.equal(rejection(r, 3), 'pool svcs (10.96.0.0/16) must allow Service: service ns/t has address 10.96.1.1 inside it');
    assert.equal(rejection(r, 4), undefined);
    assert.equal(rejection(r, 5), 'pool wide (10.96.0.0/12) must allow Service: service ns/t has address 10.96.1.1 inside it');
  });

  test('removing a namespace leaves its services, as it leaves its endpoints and policies', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } };
    const r = run([ns, asvc('s', ['10.96.0.1']), remove('Namespace', 'ns')]);
    assert.equal(rejection(r, 2), undefined);
    assert.ok(r.state.services.has('ns/s'));
  });
});

describe('host endpoints', () => {
  test('a put becomes the model under its name; a host that does not exist is no obstacle, as for workload endpoints', () => {
    const r = run([hep('h1-eth0', 'h1', 'eth0')]);
    assert.equal(rejection(r, 0), undefined);
    assert.equal(r.state.hostEndpoints.get('h1-eth0')?.interfaceName, 'eth0');
    assert.deepEqual(r.results[0]!.changes.map((c) => [c.entity, c.key]), [['hostEndpoint', 'h1-eth0']]);
  });

  test('one host endpoint per (host, interface): a second is rejected naming the first; other hosts and "*" are separate', () => {
    const r = run([hep('a', 'h1', 'eth0'), hep('b', 'h1', 'eth0'), hep('a', 'h1', 'eth0'), hep('c', 'h2', 'eth0'), hep('d', 'h1', '*'), hep('e', 'h1', '*')]);
    assert.equal(rejection(r, 1), 'interface eth0 of host h1 is already taken by host endpoint a');
    for (const i of [2, 3, 4]) assert.equal(rejection(r, i), undefined);
    assert.equal(rejection(r, 5), 'every interface ("*") of host h1 is already taken by host endpoint d');
  });

  test('removing one frees its interface', () => {
    const r = run([hep('a', 'h1', 'eth0'), remove('HostEndpoint', 'a'), hep('b', 'h1', 'eth0')]);
    assert.equal(rejection(r, 2), undefined);
    assert.deepEqual([...r.state.hostEndpoints.keys()], ['b']);
  });
});

describe('the Felix configuration', () => {
  test('a put replaces the failsafe ports and reports felixConfig default; a remove restores Calico\'s defaults', () => {
    const r = run([felix({ failsafeInboundHostPorts: [{ protocol: 'tcp', port: 2222 }] }), remove('FelixConfiguration', 'default')]);
    const put = r.results[0]!.changes;
    assert.deepEqual(put.map((c) => [c.entity, c.key, c.before]), [['felixConfig', 'default', DEFAULT_FELIX_CONFIG]]);
    assert.deepEqual(r.before[1]!.felixConfig.failsafeInboundHostPorts, [{ protocol: 6, port: 2222 }]);
    assert.deepEqual(r.before[1]!.felixConfig.failsafeOutboundHostPorts, DEFAULT_FELIX_CONFIG.failsafeOutboundHostPorts);
    assert.deepEqual(r.state.felixConfig, DEFAULT_FELIX_CONFIG);
    assert.deepEqual(r.results[1]!.changes.map((c) => [c.entity, c.key, c.after]), [['felixConfig', 'default', DEFAULT_FELIX_CONFIG]]);
  });
});
