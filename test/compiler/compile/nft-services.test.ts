import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileNftables } from '../../../compiler/compile/nft-document';
import { compileBird } from '../../../compiler/compile/bird';
import { announcedAddresses } from '../../../compiler/compile/nft-services';
import { compileSysctls } from '../../../compiler/compile/sysctls';
import { ClusterIndex } from '../../../compiler/incremental/cluster-index';
import { stateFrom } from '../policy/build-state';
import { anycastDocs, service, wep } from './anycast-cluster';

type Obj = Record<string, any>;
const opts = { endpointToHostAction: 'Drop' as const };
const items = (doc: { nftables: unknown[] }, kind: string): Obj[] => doc.nftables.filter((x) => kind in (x as Obj)).map((x) => (x as Obj)[kind]);
const rulesOf = (doc: { nftables: unknown[] }, chain: string): Obj[] => items(doc, 'rule').filter((r) => r.chain === chain);
const l4 = (p: number): Obj => ({ match: { op: '==', left: { meta: { key: 'l4proto' } }, right: p } });
const dnats = (doc: { nftables: unknown[] }): Obj[] => items(doc, 'rule').flatMap((r) => r.expr).filter((e: Obj) => e.dnat).map((e: Obj) => e.dnat);

describe('anycast services in the compiled ruleset', () => {
  const state = stateFrom(anycastDocs());

  test('the service address and port go to the port\'s chain, in nat prerouting and nat output', () => {
    const doc = compileNftables(state, 'host-1', opts);
    for (const [name, hook] of [['svc-pre', 'prerouting'], ['svc-out', 'output']]) {
      const c = items(doc, 'chain').find((x) => x.name === name)!;
      assert.deepEqual({ type: c.type, hook: c.hook, prio: c.prio }, { type: 'nat', hook, prio: -100 });
      const matches = rulesOf(doc, name).map((r) => r.expr.filter((e: Obj) => e.match).map((e: Obj) => [e.match.left.payload.protocol, e.match.left.payload.field, e.match.right]));
      assert.deepEqual(matches, [
        [['ip', 'daddr', '10.96.0.10'], ['tcp', 'dport', 80]],
        [['ip', 'daddr', '10.96.0.10'], ['udp', 'dport', 53]],
      ]);
    }
  });

  test('two local backends: numgen spreads new connections across two DNAT chains, each to its backend\'s own target port', () => {
    const doc = compileNftables(state, 'host-1', opts);
    const [spread] = rulesOf(doc, 'svc/demo/web/tcp-80/v4').map((r) => r.expr[0].vmap);
    assert.deepEqual(spread.key, { numgen: { mode: 'random', mod: 2 } });
    const targets = spread.data.set.map(([i, v]: [number, Obj]) => [i, v.goto.target]);
    assert.deepEqual(targets, [[0, 'svb/demo/web/tcp-80/v4/web-1'], [1, 'svb/demo/web/tcp-80/v4/web-2']]);
    assert.deepEqual(rulesOf(doc, 'svb/demo/web/tcp-80/v4/web-2')[0]!.expr, [l4(6), { dnat: { family: 'ip', addr: '192.168.1.2', port: 8081 } }]);
    assert.deepEqual(dnats(doc).filter((d) => d.port === 5353).map((d) => d.addr), ['192.168.1.1', '192.168.1.2']);
  });

  test('one local backend: the port\'s chain DNATs to it directly', () => {
    const doc = compileNftables(state, 'host-2', opts);
    assert.deepEqual(rulesOf(doc, 'svc/demo/web/tcp-80/v4').map((r) => r.expr), [[l4(6), { dnat: { family: 'ip', addr: '192.168.1.3', port: 8080 } }]]);
  });

  test('a host without a backend gets no NAT and does not announce the address', () => {
    const doc = compileNftables(state, 'host-3', opts);
    assert.deepEqual(dnats(doc), []);
    assert.ok(!items(doc, 'chain').some((c) => c.type === 'nat'));
    assert.deepEqual(announcedAddresses(new ClusterIndex(state), 'host-3'), []);
  });

  test('a backend without the named target port serves no port that needs it', () => {
    const s = stateFrom([...anycastDocs(), wep('web-4', 'host-3', 'cali-w4', '192.168.1.4', { app: 'web' })]);
    const doc = compileNftables(s, 'host-3', opts);
    assert.deepEqual(dnats(doc), [{ family: 'ip', addr: '192.168.1.4', port: 5353 }]);
  });

  test('BIRD announces the address from backend hosts only, as a static route kept out of the kernel; every host takes it from the mesh', () => {
    const index = new ClusterIndex(state);
    const b1 = compileBird(state, 'host-1', announcedAddresses(index, 'host-1'));
    const b3 = compileBird(state, 'host-3', announcedAddresses(index, 'host-3'));
    assert.match(b1, /protocol static foldnet_anycast4 \{\n\s+ipv4;\n\s+route 10\.96\.0\.10\/32 unreachable;\n\}/);
    assert.match(b1, /filter foldnet_announce4 \{\n\s+if source = RTS_STATIC then accept;/);
    assert.doesNotMatch(b3, /protocol static/);
    assert.doesNotMatch(b3, /RTS_STATIC/);
    for (const b of [b1, b3]) {
      assert.match(b, /function foldnet_services4\(\) \{\n\s+return net ~ \[ 10\.96\.0\.10\/32 \];/);
      assert.match(b, /filter foldnet_pool_routes4 \{\n\s+if foldnet_in_pools4\(\) then accept;\n\s+if foldnet_services4\(\) then accept;/);
      assert.match(b, /filter foldnet_kernel_export \{\n\s+if source = RTS_BGP then accept;\n\s+reject;/);
    }
  });

  test('hosts hash multipath routes on ports once the cluster has services', () => {
    const key = 'net.ipv4.fib_multipath_hash_policy';
    assert.ok(compileSysctls(state, 'host-3').some((s) => s.key === key && s.value === '1'));
    const without = stateFrom(anycastDocs().filter((d) => (d as Obj).kind !== 'AnycastService'));
    assert.ok(!compileSysctls(without, 'host-3').some((s) => s.key === key));
  });

  test('two services on one host get one dispatch rule each, in key order', () => {
    const s = stateFrom([...anycastDocs(), service('api', '10.96.0.11', [{ port: 443, targetPort: 8443 }])]);
    const doc = compileNftables(s, 'host-2', opts);
    const addrs = rulesOf(doc, 'svc-pre').map((r) => r.expr[0].match.right);
    assert.deepEqual(addrs, ['10.96.0.11', '10.96.0.10', '10.96.0.10']);
  });
});

test('a service with two addresses of one family has one chain per port, reached from both', () => {
  const s = stateFrom([...anycastDocs().filter((d) => (d as Obj).kind !== 'AnycastService'), {
    apiVersion: 'foldnet.io/v1', kind: 'AnycastService', metadata: { namespace: 'demo', name: 'web' },
    spec: { addresses: ['10.96.0.10', '10.96.0.11'], selector: "app == 'web'", ports: [{ port: 80, targetPort: 'http' }] },
  }]);
  const doc = compileNftables(s, 'host-1', opts);
  assert.deepEqual(items(doc, 'chain').filter((c) => c.name === 'svc/demo/web/tcp-80/v4').length, 1);
  assert.deepEqual(rulesOf(doc, 'svc-pre').map((r) => [r.expr[0].match.right, r.expr[2].goto.target]), [
    ['10.96.0.10', 'svc/demo/web/tcp-80/v4'], ['10.96.0.11', 'svc/demo/web/tcp-80/v4'],
  ]);
});
