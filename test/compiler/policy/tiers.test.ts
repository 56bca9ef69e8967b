// Reference evaluator: the order of tiers and policies, and what each action
// does to that order (Allow, Deny, Pass, Log, end of tier, profiles after).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from '../../../compiler/policy/reference';
import { globalNetworkPolicy, profile, tier, wep } from './docs';
import { cluster, serverIngress, webPacket } from './fixture';
import { ip } from './packets';

const onServer = "app == 'server'";
const gnp = (name: string, t: string | undefined, order: number | undefined, action: string, extra: object = {}) =>
  globalNetworkPolicy(name, {
    ...(t !== undefined ? { tier: t } : {}),
    ...(order !== undefined ? { order } : {}),
    selector: onServer,
    ingress: [{ action, ...extra }],
  });

describe('tier order', () => {
  test('tiers run in ascending order', () => {
    const s = cluster(tier('late', 20), tier('early', 10), gnp('allow', 'late', 1, 'Allow'), gnp('deny', 'early', 1, 'Deny'));
    assert.deepEqual(serverIngress(s).decision, { kind: 'rule', tier: 'early', policy: 'GlobalNetworkPolicy:deny', direction: 'ingress', ruleIndex: 0, action: 'Deny' });
  });

  test('a tier without order (the default tier) runs after every ordered tier', () => {
    const s = cluster(tier('big', 1e9), gnp('deny', undefined, 1, 'Deny'), gnp('allow', 'big', 1, 'Allow'));
    const h = serverIngress(s);
    assert.equal(h.allowed, true);
    assert.equal(h.decision.kind === 'rule' && h.decision.tier, 'big');
  });

  test('tiers with equal order run by name', () => {
    const s = cluster(tier('beta', 10), tier('alpha', 10), gnp('b', 'beta', 1, 'Allow'), gnp('a', 'alpha', 1, 'Deny'));
    const h = serverIngress(s);
    assert.equal(h.allowed, false);
    assert.equal(h.decision.kind === 'rule' && h.decision.policy, 'GlobalNetworkPolicy:a');
  });
});

describe('policy order inside a tier', () => {
  test('lower order first', () => {
    const s = cluster(gnp('z', undefined, 1, 'Deny'), gnp('a', undefined, 2, 'Allow'));
    assert.equal(serverIngress(s).allowed, false);
  });

  test('equal order: by name', () => {
    const s = cluster(gnp('p-b', undefined, 5, 'Allow'), gnp('p-a', undefined, 5, 'Deny'));
    const h = serverIngress(s);
    assert.equal(h.decision.kind === 'rule' && h.decision.policy, 'GlobalNetworkPolicy:p-a');
  });

  test('a policy without order runs after every ordered one', () => {
    const s = cluster(gnp('first-by-name', undefined, undefined, 'Deny'), gnp('zz', undefined, 1e9, 'Allow'));
    assert.equal(serverIngress(s).allowed, true);
  });
});

describe('actions', () => {
  test('Allow ends all evaluation: later tiers are not consulted', () => {
    const s = cluster(tier('t1', 1), tier('t2', 2), gnp('a', 't1', 1, 'Allow'), gnp('d', 't2', 1, 'Deny'));
    assert.equal(serverIngress(s).allowed, true);
  });

  test('Pass skips the rest of its tier and goes to the next tier', () => {
    const s = cluster(
      tier('t1', 1), tier('t2', 2),
      gnp('pass', 't1', 1, 'Pass'), gnp('deny-after-pass', 't1', 2, 'Deny'),
      gnp('allow', 't2', 1, 'Allow'),
    );
    const h = serverIngress(s);
    assert.equal(h.allowed, true);
    assert.equal(h.decision.kind === 'rule' && h.decision.policy, 'GlobalNetworkPolicy:allow');
  });

  test('Pass skips tiers in which no policy applies', () => {
    const s = cluster(
      tier('t1', 1), tier('t2', 2), tier('t3', 3),
      gnp('pass', 't1', 1, 'Pass'),
      globalNetworkPolicy('elsewhere', { tier: 't2', selector: "app == 'nobody'", ingress: [{ action: 'Deny' }] }),
      gnp('deny', 't3', 1, 'Deny'),
    );
    const d = serverIngress(s).decision;
    assert.equal(d.kind === 'rule' && d.tier, 't3');
  });

  test('a tier where a policy applied but no rule decided drops, whatever later tiers or profiles say', () => {
    const s = cluster(tier('t1', 1), gnp('udp-only', 't1', 1, 'Allow', { protocol: 'UDP' }), gnp('allow', undefined, 1, 'Allow'));
    assert.deepEqual(serverIngress(s).decision, { kind: 'end-of-tier', tier: 't1', direction: 'ingress' });
    assert.equal(serverIngress(s).allowed, false);
  });

  test('a policy with an empty rule list for the direction applies: default deny', () => {
    const s = cluster(globalNetworkPolicy('isolate', { selector: onServer, types: ['Ingress'] }));
    assert.deepEqual(serverIngress(s).decision, { kind: 'end-of-tier', tier: 'default', direction: 'ingress' });
  });

  test('a policy whose types leave out the direction does not apply to it', () => {
    const s = cluster(globalNetworkPolicy('egress-only', { selector: onServer, types: ['Egress'], egress: [{ action: 'Deny' }] }));
    const h = serverIngress(s);
    assert.equal(h.allowed, true);
    assert.equal(h.decision.kind === 'rule' && h.decision.policy, 'profile:kns.prod');
  });

  test('Log records an entry naming the policy and evaluation goes on', () => {
    const s = cluster(
      globalNetworkPolicy('audit', { order: 1, selector: onServer, ingress: [{ action: 'Log' }, { action: 'Log', protocol: 'UDP' }, { action: 'Allow' }] }),
    );
    const h = serverIngress(s);
    assert.equal(h.allowed, true);
    assert.equal(h.decision.kind === 'rule' && h.decision.ruleIndex, 2);
    assert.equal(h.logs.length, 1, 'the UDP Log rule does not match a TCP packet');
    assert.match(h.logs[0]!, /GlobalNetworkPolicy:audit/);
  });

  test('Log alone decides nothing: the tier ends in drop', () => {
    const s = cluster(gnp('only-log', undefined, 1, 'Log'));
    const h = serverIngress(s);
    assert.equal(h.decision.kind, 'end-of-tier');
    assert.equal(h.logs.length, 1);
  });
});

describe('profiles', () => {
  test('no policy applies: the profiles decide', () => {
    const s = cluster(gnp('other', undefined, 1, 'Deny', {}), wep('prod', 'x', { host: 'host1', ips: ['192.168.0.9'], profiles: ['kns.prod'] }));
    const v = evaluate(s, { ...webPacket(), dst: ip('192.168.0.9') });
    assert.equal(v.allowed, true);
    assert.equal(v.hops[1]!.decision.kind === 'rule' && v.hops[1]!.decision.policy, 'profile:kns.prod');
  });

  test('Pass out of the last tier that applies hands over to the profiles', () => {
    const s = cluster(tier('t1', 1), gnp('pass', 't1', 1, 'Pass'));
    const h = serverIngress(s);
    assert.equal(h.allowed, true);
    assert.equal(h.decision.kind === 'rule' && h.decision.policy, 'profile:kns.prod');
  });

  test('profiles run in the endpoint\'s order; Pass in a profile goes to the next; Log goes on', () => {
    const s = cluster(
      profile('first', { ingress: [{ action: 'Log' }, { action: 'Pass' }, { action: 'Deny' }] }),
      profile('second', { ingress: [{ action: 'Allow', protocol: 'UDP' }, { action: 'Deny' }] }),
      wep('prod', 'x', { host: 'host1', ips: ['192.168.0.9'], profiles: ['first', 'second'] }),
    );
    const v = evaluate(s, { ...webPacket(), dst: ip('192.168.0.9') });
    const h = v.hops[1]!;
    assert.deepEqual(h.decision, { kind: 'rule', policy: 'profile:second', direction: 'ingress', ruleIndex: 1, action: 'Deny' });
    assert.equal(h.logs.length, 1);
  });

  test('no rule of any profile matches: drop', () => {
    const s = cluster(
      profile('udp', { ingress: [{ action: 'Allow', protocol: 'UDP' }] }),
      wep('prod', 'x', { host: 'host1', ips: ['192.168.0.9'], profiles: ['missing', 'udp'] }),
    );
    const h = evaluate(s, { ...webPacket(), dst: ip('192.168.0.9') }).hops[1]!;
    assert.deepEqual(h.decision, { kind: 'profiles-no-match', direction: 'ingress', profiles: ['udp'] });
    assert.equal(h.allowed, false);
  });

  test('an endpoint with no existing profile and no applying policy: drop', () => {
    const s = cluster(wep('prod', 'x', { host: 'host1', ips: ['192.168.0.9'], profiles: ['missing'] }));
    const h = evaluate(s, { ...webPacket(), dst: ip('192.168.0.9') }).hops[1]!;
    assert.deepEqual(h.decision, { kind: 'no-profiles', direction: 'ingress' });
    assert.equal(h.allowed, false);
  });

  test('a defined kns.<ns> profile replaces the built-in one', () => {
    const s = cluster(profile('kns.prod', { ingress: [{ action: 'Deny' }], egress: [{ action: 'Allow' }] }));
    assert.equal(serverIngress(s).allowed, false);
  });
});
