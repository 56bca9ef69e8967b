// Routes, sysctls, BIRD and the plan's size and text, case by case.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cidr } from '../../../compiler/net/ip';
import { FOLDNET_RTPROTO, RouteModel } from '../../../compiler/compile/snapshot';
import { planRoutes, routeCommand } from '../../../compiler/plan/routes-plan';
import { planSysctls } from '../../../compiler/plan/sysctls-plan';
import { planBird } from '../../../compiler/plan/bird-plan';
import { planHost, planSize } from '../../../compiler/plan/host-plan';
import { renderPlan, summarisePlan } from '../../../compiler/plan/render-plan';
import { emptyPlan, isEmptyPlan } from '../../../compiler/plan/types';
import { fixtureDocs } from '../../helpers/seed-demo';
import { kernelOf, snapshotFrom } from './plan-helpers';

const wl = (dst: string, dev: string, scope: 'link' | 'global' = 'link'): RouteModel => ({ dst: dst as Cidr, type: 'unicast', dev, scope, protocol: FOLDNET_RTPROTO });
const bh = (dst: string, dev?: string): RouteModel => ({ dst: dst as Cidr, type: 'blackhole', scope: 'global', protocol: FOLDNET_RTPROTO, ...(dev ? { dev } : {}) });

describe('planRoutes', () => {
  test('a route that moved to another interface is one removal and one addition', () => {
    const p = planRoutes([wl('10.0.0.1/32', 'cali-a'), wl('10.0.0.2/32', 'cali-b')], [wl('10.0.0.1/32', 'cali-x'), wl('10.0.0.2/32', 'cali-b')]);
    assert.deepEqual(p, { add: [wl('10.0.0.1/32', 'cali-x')], remove: [wl('10.0.0.1/32', 'cali-a')] });
  });

  test("a blackhole's device is not part of its identity (IPv6 blackholes list on lo)", () => {
    assert.deepEqual(planRoutes([bh('fd10::/122', 'lo')], [bh('fd10::/122')]), { add: [], remove: [] });
  });

  test('a change of scope is a change of route', () => {
    const p = planRoutes([wl('10.0.0.1/32', 'cali-a', 'global')], [wl('10.0.0.1/32', 'cali-a')]);
    assert.equal(p.add.length, 1);
    assert.equal(p.remove.length, 1);
  });

  test('route commands name foldnet protocol, and IPv6 routes carry no scope', () => {
    assert.equal(routeCommand('replace', wl('10.0.0.1/32', 'cali-a')), 'route replace 10.0.0.1/32 dev cali-a scope link proto 88');
    assert.equal(routeCommand('replace', wl('fd10::1/128', 'cali-a', 'global')), 'route replace fd10::1/128 dev cali-a proto 88');
    assert.equal(routeCommand('del', wl('10.0.0.1/32', 'cali-a')), 'route del 10.0.0.1/32 dev cali-a proto 88');
    assert.equal(routeCommand('replace', bh('10.0.0.0/26')), 'route replace blackhole 10.0.0.0/26 proto 88');
    assert.equal(routeCommand('del', bh('fd10::/122', 'lo')), 'route del blackhole fd10::/122 proto 88');
  });
});

describe('planSysctls', () => {
  test('writes the keys whose value differs or could not be read, and leaves keys it no longer names', () => {
    const p = planSysctls(
      [{ key: 'a', value: '1\n' }, { key: 'b', value: '0' }, { key: 'gone', value: '1' }],
      [{ key: 'c', value: '1' }, { key: 'b', value: '1' }, { key: 'a', value: '1' }],
    );
    assert.deepEqual(p, [{ key: 'b', value: '1' }, { key: 'c', value: '1' }]);
  });
});

describe('planBird', () => {
  test('an unchanged config plans nothing; a changed one counts lines that came and went', () => {
    assert.deepEqual(planBird('a\nb\n', 'a\nb\n'), {});
    assert.deepEqual(planBird('a\nb\nc\n', 'a\nB\nc\nd\n'), { bird: 'a\nB\nc\nd\n', birdLines: { added: 2, removed: 1 } });
    assert.deepEqual(planBird(undefined, 'x\ny\n'), { bird: 'x\ny\n', birdLines: { added: 2, removed: 0 } });
  });
});

describe('the whole plan', () => {
  const snap = snapshotFrom(fixtureDocs('seed-demo.yaml'));
  const bare = { nft: undefined, routes: [], sysctls: [], bird: undefined };

  test('an empty plan has size 0 and says so', () => {
    const p = planHost(kernelOf(snap), snap);
    assert.ok(isEmptyPlan(p));
    assert.equal(planSize(p), 0);
    assert.equal(renderPlan(p), 'no changes\n');
    assert.equal(summarisePlan(emptyPlan), 'no changes');
  });

  test('the size counts nft objects and elements, routes, sysctls and BIRD', () => {
    const p = planHost(kernelOf(snap), { ...snap, routes: [...snap.routes.slice(1), wl('192.168.1.9/32', 'cali-a')], sysctls: [{ key: 'net.ipv4.ip_forward', value: '0' }], bird: `${snap.bird}# x\n` });
    assert.equal(planSize(p), 2 + 1 + 1, renderPlan(p)); // routes -1 +1, one sysctl, BIRD
    const full = planHost(bare, snap);
    const objects = snap.nftables.nftables.length; // table, chains, sets, maps, rules
    const elements = (snap.nftables.nftables as Array<{ set?: { elem?: unknown[] }; map?: { elem?: unknown[] } }>).reduce((n, o) => n + (o.set?.elem ?? o.map?.elem ?? []).length, 0);
    assert.equal(planSize(full), objects + elements + snap.routes.length + snap.sysctls.length + 1);
  });

  test('the text shows nft commands, route commands, sysctl assignments and the BIRD line count', () => {
    const text = renderPlan(planHost(bare, snap));
    assert.match(text, /^add table inet foldnet$/m);
    assert.match(text, /^add rule inet foldnet wl-es\/[0-9a-f]{12} fib saddr \. iif oif missing drop comment "anti-spoofing: [^"]*"$/m);
    assert.match(text, /^add map inet foldnet wl-egress \{ type ifname : verdict; elements = \{ "cali-a" : jump wl-es\/[0-9a-f]{12}/m);
    assert.match(text, /^ip route replace 192\.168\.1\.1\/32 dev cali-a scope link proto 88$/m);
    assert.match(text, /^sysctl net\.ipv4\.conf\.cali-a\.proxy_arp=1$/m);
    const birdLines = snap.bird.replace(/\n$/, '').split('\n').length;
    assert.match(text, new RegExp(`^BIRD config: ${birdLines} lines changed \\(\\+${birdLines} -0\\)$`, 'm'));
  });

  test('a snapshot whose ruleset does not decode is refused, not planned', () => {
    const broken = { ...snap, nftables: { nftables: [{ table: { family: 'inet', name: 'foldnet' } }, { rule: { family: 'inet', table: 'foldnet', chain: 'nope', expr: [] } }] } };
    const p = planHost(kernelOf(snap), broken);
    assert.ok(p.refused !== undefined && p.refused.length > 0);
    assert.deepEqual(p.nft, []);
    assert.ok(!isEmptyPlan(p));
    assert.match(renderPlan(p), /^refused: /m);
  });
});
