// The 2015 seed demo ("simple IP networking for clustered Docker
// containers"): two hosts, five workloads, two profiles. Workloads reach
// each other inside their group and not across groups, whichever host
// they are on.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { reachabilityMatrix } from '../../../compiler/policy/reference';
import { stateFrom } from './build-state';
import { host, profile, wep } from './docs';
import { ICMP, TCP } from './packets';

const groupProfile = (name: string) =>
  profile(name, {
    labelsToApply: { group: name },
    ingress: [{ action: 'Allow', source: { selector: `group == '${name}'` } }],
    egress: [{ action: 'Allow' }],
  });

const workload = (name: string, hostName: string, ip: string, group: string) =>
  wep('demo', name, { host: hostName, ips: [ip], profiles: [group] });

const seedState = () =>
  stateFrom([
    host('host1', '172.17.8.101/24'),
    host('host2', '172.17.8.102/24'),
    groupProfile('default'),
    groupProfile('group-a'),
    workload('a', 'host1', '192.168.1.1', 'default'),
    workload('b', 'host1', '192.168.1.2', 'default'),
    workload('c', 'host1', '192.168.1.3', 'group-a'),
    workload('d', 'host2', '192.168.1.4', 'default'),
    workload('e', 'host2', '192.168.1.5', 'group-a'),
  ]);

const GROUP: Record<string, string> = { 'demo/a': 'default', 'demo/b': 'default', 'demo/c': 'group-a', 'demo/d': 'default', 'demo/e': 'group-a' };

describe('seed demo', () => {
  for (const [name, protocol, port] of [['TCP 80', TCP, 80], ['ping', ICMP, undefined]] as const) {
    test(`${name}: reachable exactly inside a group, on either host`, () => {
      const m = reachabilityMatrix(seedState(), protocol, port);
      assert.deepEqual(Object.keys(m), Object.keys(GROUP));
      for (const from of Object.keys(GROUP))
        for (const to of Object.keys(GROUP)) assert.equal(m[from]![to], GROUP[from] === GROUP[to], `${from} → ${to}`);
    });
  }
});
