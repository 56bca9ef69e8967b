// Reference evaluator: the packet's path — egress then ingress, a workload
// and its own host (both ways), an endpoint talking to itself, conntrack,
// anti-spoofing — and the matrix built on it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, evaluateDirection, reachabilityMatrix } from '../../../compiler/policy/reference';
import { explainVerdict } from '../../../compiler/policy/explain';
import { globalNetworkPolicy, host, wep } from './docs';
import { CLIENT_IP, cluster, EXTERNAL_IP, HOST1_IP, HOST2_IP, SERVER_IP, webPacket } from './fixture';
import { icmp, tcp, udp, TCP } from './packets';

/** A policy with no rules for the given directions: default deny for what it selects. */
const isolate = (name: string, selector: string, types: string[]) => globalNetworkPolicy(name, { selector, types });
const denyAll = (selector: string) => isolate('deny-all', selector, ['Ingress', 'Egress']);
const denyClientEgress = isolate('deny-client-egress', "app == 'client'", ['Egress']);
const denyServerIngress = isolate('deny-server-ingress', "app == 'server'", ['Ingress']);

describe('egress and ingress', () => {
  test('egress is evaluated for the sender on its host, ingress for the receiver on its host', () => {
    const v = evaluate(cluster(), webPacket());
    assert.equal(v.allowed, true);
    assert.deepEqual(v.hops.map((h) => [h.direction, h.endpoint, h.host]), [['egress', 'prod/client', 'host1'], ['ingress', 'prod/server', 'host2']]);
  });

  test('a drop on egress ends the path there', () => {
    const v = evaluate(cluster(denyClientEgress), webPacket());
    assert.equal(v.allowed, false);
    assert.deepEqual(v.hops.map((h) => h.direction), ['egress']);
  });

  test('both must allow: an allowed egress does not save a dropped ingress', () => {
    const v = evaluate(cluster(denyServerIngress), webPacket());
    assert.equal(v.allowed, false);
    assert.deepEqual(v.hops.map((h) => [h.direction, h.allowed]), [['egress', true], ['ingress', false]]);
  });

  test('an address that is no endpoint\'s skips its side', () => {
    const s = cluster(denyServerIngress);
    assert.deepEqual(evaluate(s, tcp(CLIENT_IP, EXTERNAL_IP, 80)).hops.map((h) => h.direction), ['egress']);
    assert.deepEqual(evaluate(s, tcp(EXTERNAL_IP, SERVER_IP, 80)).hops.map((h) => h.direction), ['ingress']);
    assert.deepEqual(evaluate(s, tcp(EXTERNAL_IP, '198.51.100.1', 80)), { allowed: true, hops: [] });
  });

  test('evaluateDirection judges one endpoint alone, and knows no unknown endpoint', () => {
    const s = cluster(denyServerIngress);
    assert.equal(evaluateDirection(s, 'prod/server', 'ingress', webPacket())?.allowed, false);
    assert.equal(evaluateDirection(s, 'prod/server', 'egress', webPacket())?.allowed, true);
    assert.equal(evaluateDirection(s, 'prod/nobody', 'ingress', webPacket()), undefined);
  });
});

describe('workload to its own host', () => {
  test('egress policy first, then the endpoint-to-host default (Drop unless configured Accept)', () => {
    const s = cluster();
    const toHost = tcp(CLIENT_IP, HOST1_IP, 22);
    const dropped = evaluate(s, toHost);
    assert.equal(dropped.allowed, false);
    assert.deepEqual(dropped.decision, { kind: 'endpoint-to-host-default', action: 'Drop' });
    assert.equal(dropped.hops[0]?.allowed, true);
    const accepted = evaluate(s, toHost, { endpointToHostAction: 'Accept' });
    assert.equal(accepted.allowed, true);
    assert.deepEqual(accepted.decision, { kind: 'endpoint-to-host-default', action: 'Accept' });
  });

  test('a denying egress policy wins over Accept', () => {
    const v = evaluate(cluster(denyClientEgress), tcp(CLIENT_IP, HOST1_IP, 22), { endpointToHostAction: 'Accept' });
    assert.equal(v.allowed, false);
    assert.equal(v.decision, undefined);
  });

  test('another host\'s address is not the own host: only egress policy applies', () => {
    assert.equal(evaluate(cluster(), tcp(CLIENT_IP, HOST2_IP, 22)).allowed, true);
  });

  test('DHCP (UDP to port 67) always reaches the own host, even with egress denied', () => {
    const v = evaluate(cluster(denyClientEgress), udp(CLIENT_IP, HOST1_IP, 67, { srcPort: 68 }));
    assert.deepEqual(v, { allowed: true, hops: [], decision: { kind: 'endpoint-to-host-always-allowed', what: 'DHCP' } });
    assert.equal(evaluate(cluster(denyClientEgress), udp(CLIENT_IP, HOST1_IP, 68)).allowed, false);
  });

  test('ICMPv6 router and neighbour solicitation/advertisement (133-136) always reach the own host', () => {
    const s = cluster(
      host('host1', `${HOST1_IP}/24`, { ipv6Address: 'fd00:1::1/64' }),
      wep('prod', 'client6', { host: 'host1', ips: ['fd00:2::1'], labels: { app: 'client' }, profiles: ['kns.prod'] }),
      denyClientEgress,
    );
    for (const type of [133, 134, 135, 136]) assert.equal(evaluate(s, icmp('fd00:2::1', 'fd00:1::1', type)).allowed, true, `type ${type}`);
    assert.equal(evaluate(s, icmp('fd00:2::1', 'fd00:1::1', 128)).allowed, false, 'echo request is policed');
    assert.equal(evaluate(s, icmp('fd00:2::1', 'fd00:1::1', 137)).allowed, false, 'redirect is policed');
  });
});

describe('host to its own workloads', () => {
  test('allowed without ingress policy', () => {
    const v = evaluate(cluster(denyServerIngress), tcp(HOST2_IP, SERVER_IP, 8080));
    assert.deepEqual(v, { allowed: true, hops: [], decision: { kind: 'host-to-local-workload' } });
  });

  test('another host is policed like any other source', () => {
    const v = evaluate(cluster(denyServerIngress), tcp(HOST1_IP, SERVER_IP, 8080));
    assert.equal(v.allowed, false);
    assert.equal(v.hops[0]?.direction, 'ingress');
  });
});

describe('before policy', () => {
  test('an endpoint talking to itself never leaves the workload: allowed', () => {
    const v = evaluate(cluster(denyServerIngress, denyAll('all()')), tcp(SERVER_IP, SERVER_IP, 80));
    assert.deepEqual(v, { allowed: true, hops: [], decision: { kind: 'same-endpoint' } });
  });

  test('two addresses of one endpoint are the same endpoint', () => {
    const s = cluster(denyAll('all()'), wep('prod', 'dual', { host: 'host1', ips: ['192.168.0.20', 'fd00::20'], profiles: [] }));
    assert.equal(evaluate(s, tcp('192.168.0.20', '192.168.0.20', 80)).decision?.kind, 'same-endpoint');
  });

  test('established and related packets pass whatever the policy; invalid ones drop whatever the policy', () => {
    const denying = cluster(denyServerIngress);
    for (const state of ['established', 'related'] as const)
      assert.deepEqual(evaluate(denying, tcp(CLIENT_IP, SERVER_IP, 80, { state })), { allowed: true, hops: [], decision: { kind: 'conntrack', state } });
    assert.deepEqual(evaluate(cluster(), tcp(CLIENT_IP, SERVER_IP, 80, { state: 'invalid' })), {
      allowed: false, hops: [], decision: { kind: 'conntrack', state: 'invalid' },
    });
    assert.equal(evaluate(denying, tcp(CLIENT_IP, SERVER_IP, 80, { state: 'new' })).allowed, false);
  });

  test('anti-spoofing: a packet from a workload\'s interface must carry that workload\'s address', () => {
    const s = cluster();
    assert.equal(evaluate(s, tcp(CLIENT_IP, SERVER_IP, 80, { fromInterface: 'caliclient' })).allowed, true);
    assert.deepEqual(evaluate(s, tcp(CLIENT_IP, SERVER_IP, 80, { fromInterface: 'caliserver' })), {
      allowed: false, hops: [], decision: { kind: 'spoofed', expected: 'caliclient', got: 'caliserver' },
    });
    assert.equal(evaluate(s, tcp(CLIENT_IP, SERVER_IP, 80, { fromInterface: 'eth0' })).allowed, false);
  });

  test('anti-spoofing: an address that is no endpoint\'s may not come from a workload interface, but may from another', () => {
    const s = cluster();
    const v = evaluate(s, tcp(EXTERNAL_IP, SERVER_IP, 80, { fromInterface: 'caliclient' }));
    assert.equal(v.allowed, false);
    assert.equal(v.decision?.kind, 'spoofed');
    assert.equal(evaluate(s, tcp(EXTERNAL_IP, SERVER_IP, 80, { fromInterface: 'eth0' })).allowed, true);
  });
});

describe('reachabilityMatrix', () => {
  test('covers endpoints with an address; self is true; no shared family is false', () => {
    const s = cluster(
      denyServerIngress,
      wep('prod', 'v6only', { host: 'host1', ips: ['fd00::30'], profiles: ['kns.prod'] }),
      wep('prod', 'noip', { host: 'host1', ips: [], profiles: ['kns.prod'] }),
    );
    const m = reachabilityMatrix(s, TCP, 80);
    assert.deepEqual(Object.keys(m), ['prod/client', 'prod/server', 'prod/v6only']);
    assert.deepEqual(m['prod/client'], { 'prod/client': true, 'prod/server': false, 'prod/v6only': false });
    assert.deepEqual(m['prod/server'], { 'prod/client': true, 'prod/server': true, 'prod/v6only': false });
    assert.deepEqual(m['prod/v6only'], { 'prod/client': false, 'prod/server': false, 'prod/v6only': true });
  });
});

describe('explain', () => {
  test('names the deciding policy and rule', () => {
    const lines = explainVerdict(evaluate(cluster(denyServerIngress), webPacket()));
    assert.equal(lines[0], 'DROPPED');
    assert.match(lines.join('\n'), /ingress of prod\/server on host2: dropped by ingress: policies of tier default applied/);
  });
});
