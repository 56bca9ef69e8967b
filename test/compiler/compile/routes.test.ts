// compileRoutes: host routes for local workloads, blackholes for owned blocks,
// one route per destination, sorted by family, address and prefix.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileRoutes } from '../../../compiler/compile/routes';
import { FOLDNET_RTPROTO } from '../../../compiler/compile/snapshot';
import { Cidr, compareCidr } from '../../../compiler/net/ip';
import { clusterAndShuffle, clusterDocs, endpointDoc, hostDoc, stateOf } from './bird-cluster';

const cidr = (s: string): Cidr => s as Cidr;

const state = stateOf([
  hostDoc('node-a', { ipv4: '10.0.0.1/24' }),
  hostDoc('node-b', { ipv4: '10.0.0.2/24' }),
  endpointDoc('w1', 'node-a', 'cali1', ['10.244.0.10', 'fd10::a']),
  endpointDoc('w2', 'node-a', 'cali2', ['10.244.0.9']),
  endpointDoc('w3', 'node-b', 'cali3', ['10.244.1.1']),
  endpointDoc('w4', 'node-a', 'cali4', []),
]);

describe('compileRoutes', () => {
  test('one unicast host route per local workload IP, to its interface, with foldnet\'s rtproto; IPv4 ones link-scoped', () => {
    assert.deepEqual(compileRoutes(state, 'node-a', []), [
      { dst: '10.244.0.9/32', type: 'unicast', dev: 'cali2', scope: 'link', protocol: FOLDNET_RTPROTO },
      { dst: '10.244.0.10/32', type: 'unicast', dev: 'cali1', scope: 'link', protocol: FOLDNET_RTPROTO },
      // Linux keeps no scope on IPv6 routes: what the applier reads back is global.
      { dst: 'fd10::a/128', type: 'unicast', dev: 'cali1', scope: 'global', protocol: FOLDNET_RTPROTO },
    ]);
  });

  test('other hosts\' workloads are not routed here', () => {
    assert.deepEqual(compileRoutes(state, 'node-b', []).map((r) => r.dst), ['10.244.1.1/32']);
    assert.deepEqual(compileRoutes(state, 'nobody', []), []);
  });

  test('each owned block becomes a blackhole, sorted among the host routes', () => {
    const routes = compileRoutes(state, 'node-a', [cidr('fd10::/122'), cidr('10.244.0.0/26'), cidr('10.244.0.0/26')]);
    assert.deepEqual(routes.map((r) => `${r.type} ${r.dst}`), [
      'blackhole 10.244.0.0/26', 'unicast 10.244.0.9/32', 'unicast 10.244.0.10/32', 'blackhole fd10::/122', 'unicast fd10::a/128',
    ]);
    const bh = routes[0];
    assert.deepEqual(bh, { dst: '10.244.0.0/26', type: 'blackhole', scope: 'global', protocol: FOLDNET_RTPROTO });
  });

  test('a workload route wins over a blackhole for the same prefix', () => {
    const routes = compileRoutes(state, 'node-a', [cidr('10.244.0.9/32')]);
    assert.deepEqual(routes.filter((r) => r.dst === '10.244.0.9/32').map((r) => r.type), ['unicast']);
  });

  test('property: routes are sorted by (family, address, prefix), one per destination', () => {
    fc.assert(
      fc.property(clusterDocs, ({ docs, hosts }) => {
        const s = stateOf(docs);
        for (const h of hosts) {
          const routes = compileRoutes(s, h, [cidr('10.244.0.0/26'), cidr('fd10::/122')]);
          for (let i = 1; i < routes.length; i++) assert.ok(compareCidr(routes[i - 1].dst, routes[i].dst) < 0, JSON.stringify(routes));
        }
      }),
      { numRuns: 100 },
    );
  });

  test('property: every IP of every local endpoint has exactly one route, and nothing else is unicast', () => {
    fc.assert(
      fc.property(clusterDocs, ({ docs, hosts }) => {
        const s = stateOf(docs);
        for (const h of hosts) {
          const expected = [...s.endpoints.values()].filter((e) => e.host === h).flatMap((e) => e.ips.map((ip) => `${ip}/${ip.includes(':') ? 128 : 32} ${e.interfaceName}`));
          const got = compileRoutes(s, h, []).map((r) => `${r.dst} ${r.dev}`);
          assert.deepEqual([...got].sort(), [...expected].sort());
        }
      }),
      { numRuns: 100 },
    );
  });

  test('property: routes do not depend on the order the cluster\'s events arrived in', () => {
    fc.assert(
      fc.property(clusterAndShuffle, ([docs, shuffled, host]) => {
        assert.deepEqual(compileRoutes(stateOf(shuffled), host, []), compileRoutes(stateOf(docs), host, []));
      }),
      { numRuns: 100 },
    );
  });
});
