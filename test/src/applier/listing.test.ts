// Parsing what iproute2 prints and what sysctl keys name, on outputs captured
// from iproute2 6.1 (see kernel.test.ts for the live round trip).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRouteListing } from '../../../src/applier/route-listing';
import { sysctlPath } from '../../../src/applier/sysctl-path';
import { batchFailures } from '../../../src/applier/apply-steps';

test('IPv4 routes: bare addresses are host routes, a missing type is unicast, a missing scope is global; other types are left out', () => {
  const json = '[{"type":"blackhole","dst":"10.0.0.0/26","flags":[]},{"type":"unreachable","dst":"10.0.1.0/26","flags":[]},{"dst":"192.168.1.1","dev":"cali-a","scope":"link","flags":[]},{"dst":"default","dev":"eth0","flags":[]}]';
  assert.deepEqual(parseRouteListing(json, 4), [
    { dst: '10.0.0.0/26', type: 'blackhole', scope: 'global', protocol: 88 },
    { dst: '192.168.1.1/32', type: 'unicast', dev: 'cali-a', scope: 'link', protocol: 88 },
    { dst: '0.0.0.0/0', type: 'unicast', dev: 'eth0', scope: 'global', protocol: 88 },
  ]);
});

test("IPv6 routes: no scope, and a blackhole's lo is not its device", () => {
  const json = '[{"dst":"fd10::1","dev":"cali-a","metric":1024,"flags":[],"pref":"medium"},{"type":"blackhole","dst":"fd10::/122","dev":"lo","metric":1024,"flags":[],"pref":"medium"}]';
  assert.deepEqual(parseRouteListing(json, 6), [
    { dst: 'fd10::1/128', type: 'unicast', dev: 'cali-a', scope: 'global', protocol: 88 },
    { dst: 'fd10::/122', type: 'blackhole', scope: 'global', protocol: 88 },
  ]);
  assert.deepEqual(parseRouteListing('', 6), []);
});

test('a dot inside an interface name is a slash in the key and a dot in the path', () => {
  assert.equal(sysctlPath('net.ipv4.conf.eth0/100.proxy_arp'), '/proc/sys/net/ipv4/conf/eth0.100/proxy_arp');
  assert.equal(sysctlPath('net.ipv4.ip_forward', '/x/'), '/x/net/ipv4/ip_forward');
});

test('ip -force -batch failures are read with the line they belong to', () => {
  const stderr = 'RTNETLINK answers: No such process\nCommand failed -:1\nCannot find device "nope"\nCommand failed -:3\n';
  assert.deepEqual(batchFailures(stderr), [
    { line: 1, message: 'RTNETLINK answers: No such process' },
    { line: 3, message: 'Cannot find device "nope"' },
  ]);
});
