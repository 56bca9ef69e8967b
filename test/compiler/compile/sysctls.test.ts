// compileSysctls: per-interface proxy ARP / proxy NDP / forwarding by the
// workload's address families, host-wide forwarding per family in use, sorted
// by key.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileSysctls } from '../../../compiler/compile/sysctls';
import { byString } from '../../../compiler/model/sort';
import { clusterAndShuffle, clusterDocs, endpointDoc, hostDoc, stateOf } from './bird-cluster';

const host = hostDoc('node-a', { ipv4: '10.0.0.1/24' });
const kv = (xs: ReadonlyArray<{ key: string; value: string }>): string[] => xs.map((x) => `${x.key}=${x.value}`);

describe('compileSysctls', () => {
  test('an IPv4 workload: proxy ARP without delay, forwarding on its interface and host-wide', () => {
    assert.deepEqual(kv(compileSysctls(stateOf([host, endpointDoc('w', 'node-a', 'cali1', ['10.244.0.1'])]), 'node-a')), [
      'net.ipv4.conf.cali1.forwarding=1',
      'net.ipv4.conf.cali1.proxy_arp=1',
      'net.ipv4.ip_forward=1',
      'net.ipv4.neigh.cali1.proxy_delay=0',
    ]);
  });

  test('an IPv6 workload: proxy NDP and forwarding on its interface, IPv6 forwarding host-wide', () => {
    assert.deepEqual(kv(compileSysctls(stateOf([host, endpointDoc('w', 'node-a', 'cali1', ['fd10::1'])]), 'node-a')), [
      'net.ipv6.conf.all.forwarding=1',
      'net.ipv6.conf.cali1.forwarding=1',
      'net.ipv6.conf.cali1.proxy_ndp=1',
    ]);
  });

  test('a dual-stack workload gets both sets', () => {
    const got = kv(compileSysctls(stateOf([host, endpointDoc('w', 'node-a', 'cali1', ['10.244.0.1', 'fd10::1'])]), 'node-a'));
    assert.equal(got.length, 7);
    assert.ok(got.includes('net.ipv4.conf.cali1.proxy_arp=1') && got.includes('net.ipv6.conf.cali1.proxy_ndp=1'));
  });

  test('no local workloads (or only ones without addresses): nothing', () => {
    assert.deepEqual(compileSysctls(stateOf([host]), 'node-a'), []);
    assert.deepEqual(compileSysctls(stateOf([host, endpointDoc('w', 'node-b', 'cali1', ['10.244.0.1'])]), 'node-a'), []);
    assert.deepEqual(compileSysctls(stateOf([host, endpointDoc('w', 'node-a', 'cali1', [])]), 'node-a'), []);
  });

  test('a dot in an interface name is written as a slash, as sysctl(8) does', () => {
    const got = kv(compileSysctls(stateOf([host, endpointDoc('w', 'node-a', 'eth0.100', ['10.244.0.1'])]), 'node-a'));
    assert.ok(got.includes('net.ipv4.conf.eth0/100.proxy_arp=1'), got.join('\n'));
  });

  test('interfaces named all or default never reach the global or template entries', () => {
    const s = stateOf([host, endpointDoc('w1', 'node-a', 'all', ['10.244.0.1']), endpointDoc('w2', 'node-a', 'default', ['fd10::1'])]);
    assert.deepEqual(compileSysctls(s, 'node-a'), []);
  });

  test('property: keys are sorted and unique', () => {
    fc.assert(
      fc.property(clusterDocs, ({ docs, hosts }) => {
        const s = stateOf(docs);
        for (const h of hosts) {
          const keys = compileSysctls(s, h).map((x) => x.key);
          assert.deepEqual(keys, [...new Set(keys)].sort(byString));
        }
      }),
      { numRuns: 100 },
    );
  });

  test('property: sysctls do not depend on the order the cluster\'s events arrived in', () => {
    fc.assert(
      fc.property(clusterAndShuffle, ([docs, shuffled, h]) => {
        assert.deepEqual(compileSysctls(stateOf(shuffled), h), compileSysctls(stateOf(docs), h));
      }),
      { numRuns: 100 },
    );
  });
});
