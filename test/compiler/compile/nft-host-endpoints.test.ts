import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileNftables } from '../../../compiler/compile/nft-document';
import { stateFrom } from '../policy/build-state';
import { host, wep } from './anycast-cluster';

type Obj = Record<string, any>;
const opts = { endpointToHostAction: 'Drop' as const };
const items = (doc: { nftables: unknown[] }, kind: string): Obj[] => doc.nftables.filter((x) => kind in (x as Obj)).map((x) => (x as Obj)[kind]);
const rulesOf = (doc: { nftables: unknown[] }, chain: string): Obj[] => items(doc, 'rule').filter((r) => r.chain === chain);

const hep = (name: string, iface: string, profiles: string[] = []): object => ({
  apiVersion: 'foldnet.io/v1', kind: 'HostEndpoint', metadata: { name, labels: { role: 'edge' } },
  spec: { host: 'host-1', interfaceName: iface, expectedIPs: ['10.99.0.1'], profiles },
});
const only8080 = {
  apiVersion: 'foldnet.io/v1', kind: 'GlobalNetworkPolicy', metadata: { name: 'edge-8080' },
  spec: { selector: "role == 'edge'", types: ['Ingress'], ingress: [{ action: 'Allow', protocol: 'TCP', source: { nets: ['10.99.0.2/32'] }, destination: { ports: [8080] } }] },
};
const base = (): object[] => [
  host('host-1', '10.99.0.1'), host('host-2', '10.99.0.2'),
  { apiVersion: 'foldnet.io/v1', kind: 'Profile', metadata: { name: 'open' }, spec: { ingress: [{ action: 'Allow' }], egress: [{ action: 'Allow' }] } },
  wep('w', 'host-1', 'cali-w', '192.168.1.1', {}),
];

describe('host endpoints in the compiled ruleset', () => {
  test('a host without host endpoints gets no host chains', () => {
    const doc = compileNftables(stateFrom(base()), 'host-1', opts);
    assert.ok(!items(doc, 'chain').some((c) => c.name.startsWith('host-') || c.name.startsWith('hep-')));
  });

  test('input and output base chains at priority 10 let replies, loopback and workloads by, then dispatch by interface', () => {
    const doc = compileNftables(stateFrom([...base(), hep('uplink', 'uplink', ['open'])]), 'host-1', opts);
    for (const [name, hook, key, dir] of [['host-in', 'input', 'iifname', 'i'], ['host-out', 'output', 'oifname', 'e']]) {
      const c = items(doc, 'chain').find((x) => x.name === name)!;
      assert.deepEqual({ type: c.type, hook: c.hook, prio: c.prio, policy: c.policy }, { type: 'filter', hook, prio: 10, policy: 'accept' });
      const rules = rulesOf(doc, name!).map((r) => r.expr);
      assert.deepEqual(rules[1], [{ match: { op: '==', left: { meta: { key } }, right: 'lo' } }, { accept: null }]);
      assert.deepEqual(rules[2], [{ match: { op: '==', left: { meta: { key } }, right: 'cali-w' } }, { accept: null }]);
      assert.deepEqual(rules[3], [{ vmap: { key: { meta: { key } }, data: { set: [['uplink', { goto: { target: `hep-${dir}/uplink` } }]] } } }]);
    }
  });

  test('failsafe ports come first; with no policy the profiles decide, then drop', () => {
    const doc = compileNftables(stateFrom([...base(), hep('uplink', 'uplink', ['open'])]), 'host-1', opts);
    const rules = rulesOf(doc, 'hep-i/uplink');
    assert.deepEqual(rules[0]!.expr, [{ match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: { set: [22, 179, 2379, 2380, 6443] } } }, { accept: null }]);
    assert.deepEqual(rules[1]!.expr, [{ match: { op: '==', left: { payload: { protocol: 'udp', field: 'dport' } }, right: 68 } }, { accept: null }]);
    assert.deepEqual(rules.map((r) => r.comment).slice(2), ['host endpoint uplink ingress', 'profile open', 'profile open: allowed', 'host endpoint uplink ingress: no profile allowed']);
    const out = rulesOf(doc, 'hep-e/uplink');
    assert.deepEqual(out[1]!.expr[0].match.right, { set: [53, 67] });
  });

  test('a global policy selecting the host endpoint gets a chain of its own; the tier ends in drop', () => {
    const doc = compileNftables(stateFrom([...base(), hep('uplink', 'uplink', ['open']), only8080]), 'host-1', opts);
    const comments = rulesOf(doc, 'hep-i/uplink').map((r) => r.comment);
    assert.deepEqual(comments.slice(3), ['tier default: gnp edge-8080', 'tier default: allowed', 'tier default: end of tier ingress', 'tier default: passed', 'profile open', 'profile open: allowed', 'host endpoint uplink ingress: no profile allowed']);
    assert.equal(rulesOf(doc, 'hgnp-i/edge-8080').length, 1);
    assert.ok(!items(doc, 'chain').some((c) => c.name === 'hgnp-e/edge-8080'), 'an ingress-only policy has no egress chain');
  });

  test('namespaced policies never select host endpoints', () => {
    const np = { apiVersion: 'foldnet.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'demo', name: 'all' }, spec: { selector: 'all()', ingress: [{ action: 'Deny' }] } };
    const doc = compileNftables(stateFrom([...base(), hep('uplink', 'uplink', ['open']), np]), 'host-1', opts);
    assert.ok(!rulesOf(doc, 'hep-i/uplink').some((r) => r.comment.includes('np ')));
  });

  test('an all-interfaces host endpoint is reached after the per-interface dispatch; no profiles means drop', () => {
    const doc = compileNftables(stateFrom([...base(), hep('all', '*')]), 'host-1', opts);
    const rules = rulesOf(doc, 'host-in').map((r) => r.expr);
    assert.deepEqual(rules[rules.length - 1], [{ goto: { target: 'hep-i/all' } }]);
    assert.equal(rulesOf(doc, 'hep-i/all').at(-1)!.comment, 'host endpoint all ingress: no profiles');
  });

  test('configured failsafe ports replace the defaults; an empty list has none', () => {
    const felix = { apiVersion: 'foldnet.io/v1', kind: 'FelixConfiguration', metadata: { name: 'default' }, spec: { failsafeInboundHostPorts: [{ protocol: 'TCP', port: 2222 }], failsafeOutboundHostPorts: [] } };
    const doc = compileNftables(stateFrom([...base(), hep('uplink', 'uplink'), felix]), 'host-1', opts);
    assert.deepEqual(rulesOf(doc, 'hep-i/uplink')[0]!.expr[0].match.right, 2222);
    assert.equal(rulesOf(doc, 'hep-e/uplink')[0]!.comment, 'host endpoint uplink egress');
  });
});
