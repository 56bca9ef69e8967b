import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileNftables } from '../../../compiler/compile/nft-document';
import { seedDemoOpenedState, seedDemoState } from '../../helpers/seed-demo';
import { stateFrom } from '../policy/build-state';

const opts = { endpointToHostAction: 'Drop' as const };
type Obj = Record<string, any>;
const items = (doc: { nftables: unknown[] }, kind: string): Obj[] =>
  doc.nftables.filter((x) => kind in (x as Obj)).map((x) => (x as Obj)[kind]);

test('a host only gets chains for its own endpoints, dispatched through verdict maps', () => {
  const doc = compileNftables(seedDemoState(), 'host-2', opts);
  const maps = items(doc, 'map');
  const egress = maps.find((m) => m.name === 'wl-egress')!;
  assert.deepEqual(egress.elem.map((e: [string, unknown]) => e[0]), ['cali-d', 'cali-e']);
  const chains = items(doc, 'chain').map((c) => c.name);
  assert.ok(!chains.some((c) => c.includes('cali')), 'no endpoint has a chain of its own');
  assert.ok(!JSON.stringify(doc).includes('cali-a'), 'host-2 must not carry host-1 endpoints');
});

/** The chain an endpoint's ingress element of the verdict map jumps to. */
const ingressSteps = (doc: { nftables: unknown[] }, iface: string): string =>
  (items(doc, 'map').find((m) => m.name === 'wl-ingress')!.elem as Array<[string, Obj]>).find(([k]) => k === iface)![1].jump.target;

/** The chain an endpoint's egress element of the verdict map jumps to. */
const egressSteps = (doc: { nftables: unknown[] }, iface: string): string =>
  (items(doc, 'map').find((m) => m.name === 'wl-egress')!.elem as Array<[string, Obj]>).find(([k]) => k === iface)![1].jump.target;

test('endpoints with the same policies and profiles share their steps, anti-spoofing included', () => {
  const doc = compileNftables(seedDemoState(), 'host-1', opts);
  // A and B are both in profile "default" with no policy; C is in "group-a".
  assert.equal(ingressSteps(doc, 'cali-a'), ingressSteps(doc, 'cali-b'));
  assert.notEqual(ingressSteps(doc, 'cali-a'), ingressSteps(doc, 'cali-c'));
  const egress = egressSteps(doc, 'cali-a');
  assert.match(egress, /^wl-es\/[0-9a-f]{12}$/);
  assert.equal(egressSteps(doc, 'cali-b'), egress);
  // Egress steps begin with the reverse-path check; ingress steps have none (the packet came from elsewhere).
  const first = items(doc, 'rule').find((r) => r.chain === egress)!;
  assert.deepEqual(first.expr, [{ match: { op: '==', left: { fib: { result: 'oif', flags: ['saddr', 'iif'] } }, right: false } }, { drop: null }]);
  assert.match(first.comment, /^anti-spoofing/);
  assert.ok(!items(doc, 'rule').some((r) => r.chain === ingressSteps(doc, 'cali-a') && JSON.stringify(r.expr).includes('fib')));
});

test('selector membership lives in named sets shared by every rule that uses them', () => {
  const doc = compileNftables(seedDemoState(), 'host-1', opts);
  const sets = items(doc, 'set').filter((s) => s.name.startsWith('sel4-'));
  const members = sets.map((s) => (s.elem ?? []).join(',')).sort();
  assert.deepEqual(members, ['192.168.1.1,192.168.1.2,192.168.1.4', '192.168.1.3,192.168.1.5']);
  const setNames = new Set(sets.map((s) => `@${s.name}`));
  const uses = items(doc, 'rule').flatMap((r) => r.expr).filter((e: Obj) => e.match && setNames.has(e.match.right));
  assert.equal(uses.length, 2, 'one use per profile ingress rule (v4)');
});

test('every rule carries a comment', () => {
  const doc = compileNftables(seedDemoOpenedState(), 'host-1', opts);
  for (const r of items(doc, 'rule')) assert.ok(typeof r.comment === 'string' && r.comment.length > 0 && r.comment.length <= 127, JSON.stringify(r));
});

test('a policy that applies gets its own chain, jumped to from the endpoint steps in tier order', () => {
  const doc = compileNftables(seedDemoOpenedState(), 'host-1', opts);
  const cRules = items(doc, 'rule').filter((r) => r.chain === ingressSteps(doc, 'cali-c'));
  const jumps = cRules.flatMap((r) => r.expr).filter((e: Obj) => e.jump).map((e: Obj) => e.jump.target);
  assert.deepEqual(jumps, ['np-i/demo/a-to-c-http', 'pro-i/group-a']);
  const aRules = items(doc, 'rule').filter((r) => r.chain === ingressSteps(doc, 'cali-a'));
  assert.ok(!aRules.some((r) => JSON.stringify(r).includes('a-to-c-http')), 'the policy selects only C');
});

test('compiling twice gives the same bytes', () => {
  const a = JSON.stringify(compileNftables(seedDemoOpenedState(), 'host-1', opts));
  const b = JSON.stringify(compileNftables(seedDemoOpenedState(), 'host-1', opts));
  assert.equal(a, b);
});

test('a rule excluding one source port and one destination port keeps the two exclusions apart', () => {
  // nft 1.0.6 merges `sport != A dport != B` into one 4-byte `!=` that only refuses packets excluded on both.
  const docs = [
    { apiVersion: 'foldnet.io/v1', kind: 'Host', metadata: { name: 'h1' }, spec: { bgp: { ipv4Address: '10.99.0.1/24' } } },
    { apiVersion: 'foldnet.io/v1', kind: 'Profile', metadata: { name: 'p' }, spec: { ingress: [{ action: 'Allow', protocol: 'TCP', source: { notPorts: [22] }, destination: { notPorts: [23] } }], egress: [] } },
    { apiVersion: 'foldnet.io/v1', kind: 'WorkloadEndpoint', metadata: { namespace: 'ns', name: 'w' }, spec: { host: 'h1', interfaceName: 'cali0', ipNetworks: ['10.10.0.1/32'], profiles: ['p'] } },
  ];
  const doc = compileNftables(stateFrom(docs), 'h1', opts);
  const rule = items(doc, 'rule').find((r) => r.comment === 'profile p ingress rule 0')!;
  const nots = rule.expr.filter((e: Obj) => e.match?.op === '!=').map((e: Obj) => [e.match.left.payload.field, e.match.right]);
  assert.deepEqual(nots, [['sport', { range: [22, 22] }], ['dport', 23]]);
});
