// The ADD result per cniVersion, and the container-side commands behind it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addressesOf, addResult } from '../../../src/cni/result';
import { containerCommands } from '../../../src/cni/veth';

const A = { hostInterface: 'cali0', containerInterface: 'eth0', containerMac: '02:00:00:00:00:01', netns: '/var/run/netns/c', ips: ['10.0.0.1', 'fd00::1'] };

describe('addResult', () => {
  test('1.0.0 has no ip versions; the interface index points at the container side', () => {
    const r = addResult('1.0.0', A);
    assert.deepEqual(r.ips, [
      { address: '10.0.0.1/32', gateway: '169.254.1.1', interface: 1 },
      { address: 'fd00::1/128', gateway: 'fe80::ecee:eeff:feee:eeee', interface: 1 },
    ]);
    assert.deepEqual(r.interfaces, [{ name: 'cali0', mac: 'ee:ee:ee:ee:ee:ee' }, { name: 'eth0', mac: '02:00:00:00:00:01', sandbox: '/var/run/netns/c' }]);
    assert.deepEqual(r.dns, {});
  });

  test('before 1.0.0 each ip says its version; a single-family result has one default route', () => {
    const r = addResult('0.3.1', { ...A, ips: ['fd00::1'] });
    assert.deepEqual(r.ips, [{ version: '6', address: 'fd00::1/128', gateway: 'fe80::ecee:eeff:feee:eeee', interface: 1 }]);
    assert.deepEqual(r.routes, [{ dst: '::/0', gw: 'fe80::ecee:eeff:feee:eeee' }]);
  });

  test('addressesOf reads a prevResult back, IPv4 first', () => {
    assert.deepEqual(addressesOf({ ips: [{ address: 'fd00::1/128' }, { address: '10.0.0.1/32' }, { nonsense: 1 }] }), ['10.0.0.1', 'fd00::1']);
  });
});

describe('containerCommands', () => {
  test('brings the device up before routing through it, and adds IPv6 without DAD', () => {
    assert.deepEqual(containerCommands({ netns: '/x', hostInterface: 'cali0', containerInterface: 'eth0', ips: A.ips }), [
      'link set eth0 up',
      'addr add 10.0.0.1/32 dev eth0',
      'route add 169.254.1.1/32 dev eth0 scope link',
      'route add default via 169.254.1.1 dev eth0',
      'addr add fd00::1/128 dev eth0 nodad',
      'route add default via fe80::ecee:eeff:feee:eeee dev eth0',
    ]);
  });
});
