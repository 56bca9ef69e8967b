// Decoding AnycastService, HostEndpoint, FelixConfiguration and IPPool's
// allowedUses: what is accepted, and for each bad input the line naming its
// field path and the reason. Unknown fields are refused (closed objects).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { decodeResource, typedResource } from '../../../compiler/resources/decode';
import { kindByName } from '../../../compiler/resources/kinds';
import type { AnycastService, HostEndpoint } from '../../../compiler/resources/foldnet-kinds';

const F = 'foldnet.io/v1';
const svc = (spec: object, metadata: object = { namespace: 'prod', name: 'dns' }) => ({ apiVersion: F, kind: 'AnycastService', metadata, spec });
const SPEC = { addresses: ['10.96.0.10'], selector: "app == 'dns'", ports: [{ port: 53, protocol: 'UDP' }] };
const hep = (spec: object, metadata: object = { name: 'h1-eth0' }) => ({ apiVersion: F, kind: 'HostEndpoint', metadata, spec });
const felix = (spec: object, name = 'default') => ({ apiVersion: F, kind: 'FelixConfiguration', metadata: { name }, spec });
const pool = (spec: object) => ({ apiVersion: F, kind: 'IPPool', metadata: { name: 'p' }, spec: { cidr: '10.96.0.0/16', ...spec } });

const errorsOf = (doc: object): string[] => {
  const r = decodeResource(doc);
  assert.ok(E.isLeft(r), `expected a decode error for ${JSON.stringify(doc)}`);
  return r.left;
};
const hasLine = (doc: object, line: string | RegExp): void => {
  const errs = errorsOf(doc);
  assert.ok(errs.some((e) => (typeof line === 'string' ? e === line : line.test(e))), `no line ${String(line)} in:\n${errs.join('\n')}`);
};
const typed = <A>(doc: object): A => {
  const r = decodeResource(doc);
  assert.ok(E.isRight(r), JSON.stringify(r));
  const t = typedResource<A>(r.right.kind, r.right.resource);
  assert.ok(E.isRight(t));
  return t.right;
};

describe('AnycastService', () => {
  test('is namespaced, keyed ns/name, and addresses are accepted bare or as /32 and /128, normalised', () => {
    const r = decodeResource(svc({ ...SPEC, addresses: ['10.96.0.10/32', 'FD00:96:0::10/128', '10.96.0.11'] }));
    assert.ok(E.isRight(r));
    assert.equal(r.right.kind, 'AnycastService');
    assert.equal(r.right.key, 'prod/dns');
    const s = typed<AnycastService>(svc({ ...SPEC, addresses: ['10.96.0.10/32', 'FD00:96:0::10/128'] }));
    assert.deepEqual(s.spec.addresses, ['10.96.0.10', 'fd00:96::10']);
  });

  test('an address with any other prefix length is refused at its element', () => {
    hasLine(svc({ ...SPEC, addresses: ['10.96.0.10', '10.96.0.0/24'] }), 'spec.addresses[1]: expected a single address (/32 for IPv4), got "10.96.0.0/24"');
    hasLine(svc({ ...SPEC, addresses: ['fd00::/64'] }), 'spec.addresses[0]: expected a single address (/128 for IPv6), got "fd00::/64"');
    hasLine(svc({ ...SPEC, addresses: ['10.96.0.300'] }), /^spec\.addresses\[0\]: expected an IPv4 or IPv6 address/);
  });

  test('addresses and ports must be non-empty; a repeated address is refused naming the first', () => {
    hasLine(svc({ ...SPEC, addresses: [] }), 'spec.addresses: expected a non-empty list of addresses, got []');
    hasLine(svc({ ...SPEC, ports: [] }), 'spec.ports: expected a non-empty list of service ports, got []');
    hasLine(svc({ ...SPEC, addresses: ['10.96.0.10', '10.96.0.10/32'] }), 'spec.addresses[1]: duplicate address 10.96.0.10 (already at index 0)');
  });

  test('selector, addresses and ports are required; the selector must parse', () => {
    const errs = errorsOf(svc({}));
    for (const f of ['addresses', 'selector', 'ports']) assert.ok(errs.includes(`spec.${f}: required field "${f}" is missing`), errs.join('\n'));
    hasLine(svc({ ...SPEC, selector: 'app ==' }), /^spec\.selector: at column/);
  });

  test('(protocol, port) pairs are unique, TCP being the default; port names too', () => {
    hasLine(svc({ ...SPEC, ports: [{ port: 53 }, { port: 53, protocol: 'TCP' }] }), 'spec.ports[1]: duplicate TCP port 53 (already at index 0)');
    hasLine(svc({ ...SPEC, ports: [{ name: 'a', port: 53 }, { name: 'a', port: 54 }] }), 'spec.ports[1].name: duplicate port name a (already at index 0)');
    assert.ok(E.isRight(decodeResource(svc({ ...SPEC, ports: [{ port: 53 }, { port: 53, protocol: 'UDP' }] }))));
  });

  test('ports: protocol TCP, UDP or SCTP, port 1-65535, targetPort a number or a port name', () => {
    hasLine(svc({ ...SPEC, ports: [{ port: 53, protocol: 'ICMP' }] }), 'spec.ports[0].protocol: expected one of TCP, UDP, SCTP, got "ICMP"');
    hasLine(svc({ ...SPEC, ports: [{ port: 0 }] }), 'spec.ports[0].port: expected a port 1-65535, got 0');
    hasLine(svc({ ...SPEC, ports: [{ port: 53, targetPort: 70000 }] }), 'spec.ports[0].targetPort: expected a port 1-65535, got 70000');
    hasLine(svc({ ...SPEC, ports: [{ port: 53, targetPort: 'Not_A_Name' }] }), /^spec\.ports\[0\]\.targetPort: expected a port 1-65535 or a port name/);
    const s = typed<AnycastService>(svc({ ...SPEC, ports: [{ port: 53, targetPort: 'dns' }, { port: 54, targetPort: 5353 }] }));
    assert.deepEqual(s.spec.ports.map((p) => p.targetPort), [{ kind: 'name', name: 'dns' }, { kind: 'number', port: 5353 }]);
  });

  test('unknown fields are refused with their path; the namespace is required', () => {
    hasLine(svc({ ...SPEC, clusterIP: '10.0.0.1' }), 'spec.clusterIP: unknown field "clusterIP" in AnycastService spec');
    hasLine(svc({ ...SPEC, ports: [{ port: 53, nodePort: 30053 }] }), 'spec.ports[0].nodePort: unknown field "nodePort" in service port');
    hasLine(svc(SPEC, { name: 'dns' }), 'metadata.namespace: required field "namespace" is missing');
  });
});

describe('HostEndpoint', () => {
  test('is cluster-scoped; interfaceName may be "*"; expectedIPs bare or host prefixes', () => {
    const r = decodeResource(hep({ host: 'host-1', interfaceName: '*', expectedIPs: ['10.99.0.1/32', 'fd00::1'] }));
    assert.ok(E.isRight(r));
    assert.equal(r.right.key, 'h1-eth0');
    assert.deepEqual(typed<HostEndpoint>(hep({ host: 'host-1', interfaceName: 'eth0', expectedIPs: ['10.99.0.1/32'] })).spec.expectedIPs, ['10.99.0.1']);
  });

  test('host and interfaceName are required and checked', () => {
    const errs = errorsOf(hep({}));
    assert.ok(errs.includes('spec.host: required field "host" is missing'), errs.join('\n'));
    assert.ok(errs.includes('spec.interfaceName: required field "interfaceName" is missing'), errs.join('\n'));
    hasLine(hep({ host: 'host-1', interfaceName: 'eth0/1' }), /^spec\.interfaceName: expected a Linux interface name .* or "\*" \(every interface\), got "eth0\/1"$/);
    hasLine(hep({ host: 'Host_1', interfaceName: 'eth0' }), /^spec\.host: expected a DNS-1123 name/);
  });

  test('expectedIPs: single addresses, no repeats; ports: named ports with distinct names; profiles: names', () => {
    hasLine(hep({ host: 'h', interfaceName: 'eth0', expectedIPs: ['10.0.0.0/8'] }), 'spec.expectedIPs[0]: expected a single address (/32 for IPv4), got "10.0.0.0/8"');
    hasLine(hep({ host: 'h', interfaceName: 'eth0', expectedIPs: ['10.0.0.1', '10.0.0.1/32'] }), 'spec.expectedIPs[1]: duplicate address 10.0.0.1 (already at index 0)');
    hasLine(hep({ host: 'h', interfaceName: 'eth0', ports: [{ name: 'ssh', port: 22 }, { name: 'ssh', port: 2222 }] }), 'spec.ports[1].name: duplicate port name ssh (already at index 0)');
    hasLine(hep({ host: 'h', interfaceName: 'eth0', profiles: ['Bad'] }), /^spec\.profiles\[0\]: expected a DNS-1123 name/);
    hasLine(hep({ host: 'h', interfaceName: 'eth0', node: 'h' }), 'spec.node: unknown field "node" in HostEndpoint spec');
  });
});

describe('FelixConfiguration', () => {
  test('only the name default is accepted, refused at metadata.name', () => {
    assert.ok(E.isRight(decodeResource(felix({}))));
    hasLine(felix({}, 'host-1'), 'metadata.name: only the FelixConfiguration named "default" is supported, got "host-1"');
  });

  test('failsafe ports: protocol TCP or UDP in any case, and a port; unknown fields refused', () => {
    assert.ok(E.isRight(decodeResource(felix({ failsafeInboundHostPorts: [{ protocol: 'tcp', port: 22 }, { protocol: 'Udp', port: 68 }], failsafeOutboundHostPorts: [] }))));
    hasLine(felix({ failsafeInboundHostPorts: [{ protocol: 'sctp', port: 22 }] }), 'spec.failsafeInboundHostPorts[0].protocol: expected TCP or UDP, got "sctp"');
    hasLine(felix({ failsafeOutboundHostPorts: [{ protocol: 'TCP' }] }), 'spec.failsafeOutboundHostPorts[0].port: required field "port" is missing');
    hasLine(felix({ failsafeInboundHostPorts: [{ protocol: 'TCP', port: 22, net: '0.0.0.0/0' }] }), 'spec.failsafeInboundHostPorts[0].net: unknown field "net" in failsafe port');
    hasLine(felix({ logSeverityScreen: 'Info' }), 'spec.logSeverityScreen: unknown field "logSeverityScreen" in FelixConfiguration spec');
  });
});

describe('IPPool allowedUses', () => {
  test('a non-empty list of Workload and Service without repeats', () => {
    assert.ok(E.isRight(decodeResource(pool({ allowedUses: ['Service', 'Workload'] }))));
    hasLine(pool({ allowedUses: [] }), 'spec.allowedUses: expected a non-empty list of allowed uses, got []');
    hasLine(pool({ allowedUses: ['Workload', 'Tunnel'] }), 'spec.allowedUses[1]: expected one of Workload, Service, got "Tunnel"');
    hasLine(pool({ allowedUses: ['Service', 'Service'] }), 'spec.allowedUses[1]: duplicate use Service (already at index 0)');
  });
});

test('the command line names the new kinds as kubectl would, without clashing with the old ones', () => {
  const names: Record<string, string> = {
    anycastservice: 'AnycastService', anycastservices: 'AnycastService', asvc: 'AnycastService',
    service: 'Service', services: 'Service', svc: 'Service',
    hostendpoint: 'HostEndpoint', hostendpoints: 'HostEndpoint', hep: 'HostEndpoint', heps: 'HostEndpoint',
    felixconfiguration: 'FelixConfiguration', felixconfigurations: 'FelixConfiguration', felixconfig: 'FelixConfiguration',
    endpoint: 'WorkloadEndpoint', networkpolicy: 'NetworkPolicy',
  };
  for (const [name, id] of Object.entries(names)) assert.equal(kindByName(name)?.id, id, name);
});
