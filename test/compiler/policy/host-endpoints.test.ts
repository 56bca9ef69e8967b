// Reference evaluator: host endpoints — which packets meet one (to and from a
// host's addresses, never between workloads), which one (named interface, else
// `*`), what judges it (GlobalNetworkPolicies, then profiles, else drop) and
// the failsafe ports no policy closes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterState } from '../../../compiler/fold/state';
import { DEFAULT_FELIX_CONFIG } from '../../../compiler/model/types';
import { evaluate, evaluateHostEndpoint, Verdict } from '../../../compiler/policy/reference';
import { explainVerdict } from '../../../compiler/policy/explain';
import { globalNetworkPolicy, networkPolicy, profile, tier } from './docs';
import { CLIENT_IP, cluster, EXTERNAL_IP, HOST1_IP, HOST2_IP, SERVER_IP, webPacket } from './fixture';
import { tcp, udp, TCP, UDP } from './packets';
import { hostEndpoint, withFelixConfig, withHostEndpoints } from './state-with';

const H1 = hostEndpoint('host1-eth0', 'host1', 'eth0', { labels: { role: 'node', host: 'host1' } });
const H2 = hostEndpoint('host2-eth0', 'host2', 'eth0', { labels: { role: 'node', host: 'host2' } });
const allowAllProfile = profile('open', { ingress: [{ action: 'Allow' }], egress: [{ action: 'Allow' }] });
const isolateNodes = globalNetworkPolicy('isolate-nodes', { selector: "role == 'node'", types: ['Ingress', 'Egress'] });
const allowNodes = globalNetworkPolicy('allow-nodes', { selector: "role == 'node'", ingress: [{ action: 'Allow' }], egress: [{ action: 'Allow' }] });

/** The fixture cluster plus `docs`, with host endpoints H1 and H2 (or those given). */
const withHeps = (docs: object[], heps = [H1, H2]): ClusterState => withHostEndpoints(cluster(...docs), ...heps);

const path = (v: Verdict): Array<[string, string, string, boolean]> => v.hops.map((h) => [h.direction, h.endpoint, h.host, h.allowed]);

describe('which packets meet a host endpoint', () => {
  test('to a host address from outside: ingress of that host\'s host endpoint', () => {
    assert.deepEqual(path(evaluate(withHeps([isolateNodes]), tcp(EXTERNAL_IP, HOST2_IP, 80))), [['ingress', 'hostendpoint:host2-eth0', 'host2', false]]);
    assert.deepEqual(path(evaluate(withHeps([allowNodes]), tcp(EXTERNAL_IP, HOST2_IP, 80))), [['ingress', 'hostendpoint:host2-eth0', 'host2', true]]);
  });

  test('a host without a host endpoint (for that interface) is not policed', () => {
    assert.deepEqual(evaluate(withHeps([isolateNodes], [H2]), tcp(EXTERNAL_IP, HOST1_IP, 80)), { allowed: true, hops: [] });
    assert.deepEqual(evaluate(withHeps([isolateNodes], [H2]), tcp(HOST1_IP, EXTERNAL_IP, 80)), { allowed: true, hops: [] });
  });

  test('a workload to another host: its egress on its host, then that host\'s host-endpoint ingress', () => {
    const v = evaluate(withHeps([isolateNodes]), tcp(CLIENT_IP, HOST2_IP, 80));
    assert.deepEqual(path(v), [['egress', 'prod/client', 'host1', true], ['ingress', 'hostendpoint:host2-eth0', 'host2', false]]);
    assert.equal(v.allowed, false);
  });

  test('a workload to its own host: its egress, then the endpoint-to-host default; the host endpoint is not consulted', () => {
    const s = withHeps([isolateNodes]);
    const v = evaluate(s, tcp(CLIENT_IP, HOST1_IP, 80), { endpointToHostAction: 'Accept' });
    assert.equal(v.allowed, true);
    assert.deepEqual(path(v), [['egress', 'prod/client', 'host1', true]]);
    assert.deepEqual(v.decision, { kind: 'endpoint-to-host-default', action: 'Accept' });
  });

  test('a host sending out: egress of its host endpoint', () => {
    assert.deepEqual(path(evaluate(withHeps([isolateNodes]), tcp(HOST1_IP, EXTERNAL_IP, 80))), [['egress', 'hostendpoint:host1-eth0', 'host1', false]]);
  });

  test('a host to a workload on another host: its host-endpoint egress, then the workload\'s ingress', () => {
    assert.deepEqual(path(evaluate(withHeps([allowNodes]), tcp(HOST1_IP, SERVER_IP, 80))), [
      ['egress', 'hostendpoint:host1-eth0', 'host1', true],
      ['ingress', 'prod/server', 'host2', true],
    ]);
    assert.deepEqual(path(evaluate(withHeps([isolateNodes]), tcp(HOST1_IP, SERVER_IP, 80))), [['egress', 'hostendpoint:host1-eth0', 'host1', false]]);
  });

  test('a host always reaches its own workloads, whatever its host endpoint says', () => {
    assert.deepEqual(evaluate(withHeps([isolateNodes]), tcp(HOST2_IP, SERVER_IP, 80)), { allowed: true, hops: [], decision: { kind: 'host-to-local-workload' } });
  });

  test('a host to another host: egress of the one\'s host endpoint, then ingress of the other\'s', () => {
    const egressOnly = globalNetworkPolicy('egress-only', { selector: "role == 'node'", egress: [{ action: 'Allow' }], ingress: [] });
    const v = evaluate(withHeps([egressOnly]), tcp(HOST1_IP, HOST2_IP, 80));
    assert.deepEqual(path(v), [['egress', 'hostendpoint:host1-eth0', 'host1', true], ['ingress', 'hostendpoint:host2-eth0', 'host2', false]]);
  });

  test('a host to its own address never leaves it: allowed without host endpoint', () => {
    assert.deepEqual(evaluate(withHeps([isolateNodes]), tcp(HOST1_IP, HOST1_IP, 80)), { allowed: true, hops: [], decision: { kind: 'host-to-itself' } });
  });

  test('packets between workloads never meet a host endpoint', () => {
    const s = withHeps([isolateNodes], [hostEndpoint('all1', 'host1', '*', { labels: { role: 'node' } }), hostEndpoint('all2', 'host2', '*', { labels: { role: 'node' } })]);
    assert.deepEqual(evaluate(s, webPacket()), evaluate(cluster(), webPacket()));
  });

  test('expectedIPs are the host\'s addresses too', () => {
    const h2 = hostEndpoint('host2-eth0', 'host2', 'eth0', { labels: { role: 'node' }, expectedIPs: ['10.0.0.50'] });
    const s = withHeps([isolateNodes], [h2]);
    assert.deepEqual(path(evaluate(s, tcp(EXTERNAL_IP, '10.0.0.50', 80))), [['ingress', 'hostendpoint:host2-eth0', 'host2', false]]);
    assert.equal(evaluate(s, tcp('10.0.0.50', SERVER_IP, 80)).decision?.kind, 'host-to-local-workload');
    assert.deepEqual(path(evaluate(s, tcp('10.0.0.50', EXTERNAL_IP, 80))), [['egress', 'hostendpoint:host2-eth0', 'host2', false]]);
  });

  test('conntrack replies pass a denying host endpoint; anti-spoofing still comes first', () => {
    const s = withHeps([isolateNodes]);
    assert.deepEqual(evaluate(s, tcp(EXTERNAL_IP, HOST2_IP, 80, { state: 'established' })).decision, { kind: 'conntrack', state: 'established' });
    assert.equal(evaluate(s, tcp(EXTERNAL_IP, HOST2_IP, 22, { fromInterface: 'caliclient' })).decision?.kind, 'spoofed');
  });
});

describe('which host endpoint', () => {
  const named = hostEndpoint('h2-eth1', 'host2', 'eth1', { labels: { which: 'eth1' } });
  const star = hostEndpoint('h2-all', 'host2', '*', { labels: { which: 'all' } });
  const allowAll = globalNetworkPolicy('allow', { selector: 'has(which)', ingress: [{ action: 'Allow' }] });

  test('the one named for hostInterface, else the host\'s `*` one; absent hostInterface means eth0', () => {
    const s = withHeps([allowAll], [named, star]);
    assert.equal(evaluate(s, tcp(EXTERNAL_IP, HOST2_IP, 80, { hostInterface: 'eth1' })).hops[0]?.endpoint, 'hostendpoint:h2-eth1');
    assert.equal(evaluate(s, tcp(EXTERNAL_IP, HOST2_IP, 80, { hostInterface: 'eth2' })).hops[0]?.endpoint, 'hostendpoint:h2-all');
    assert.equal(evaluate(s, tcp(EXTERNAL_IP, HOST2_IP, 80)).hops[0]?.endpoint, 'hostendpoint:h2-all');
  });

  test('a named host endpoint alone does not police other interfaces', () => {
    const s = withHeps([isolateNodes], [hostEndpoint('h2-eth1', 'host2', 'eth1', { labels: { role: 'node' } })]);
    assert.deepEqual(evaluate(s, tcp(EXTERNAL_IP, HOST2_IP, 80)), { allowed: true, hops: [] });
    assert.equal(evaluate(s, tcp(EXTERNAL_IP, HOST2_IP, 80, { hostInterface: 'eth1' })).allowed, false);
  });

  test('egress from a host picks by hostInterface too', () => {
    const s = withHeps([isolateNodes], [hostEndpoint('h1-eth1', 'host1', 'eth1', { labels: { role: 'node' } })]);
    assert.equal(evaluate(s, tcp(HOST1_IP, EXTERNAL_IP, 80)).allowed, true);
    assert.equal(evaluate(s, tcp(HOST1_IP, EXTERNAL_IP, 80, { hostInterface: 'eth1' })).allowed, false);
  });
});

describe('what judges a host endpoint', () => {
  const toHost2 = tcp(EXTERNAL_IP, HOST2_IP, 80);

  test('neither policy nor profile: drop (default deny)', () => {
    const v = evaluate(withHeps([]), toHost2);
    assert.equal(v.allowed, false);
    assert.deepEqual(v.hops[0]?.decision, { kind: 'no-profiles', direction: 'ingress' });
  });

  test('no policy applies: its profiles decide (no rule matched: drop)', () => {
    const sshOnly = profile('ssh-only', { ingress: [{ action: 'Allow', protocol: 'TCP', destination: { ports: [2222] } }], egress: [] });
    const s = withHeps([sshOnly], [hostEndpoint('host2-eth0', 'host2', 'eth0', { profiles: ['ssh-only'] })]);
    assert.equal(evaluate(s, tcp(EXTERNAL_IP, HOST2_IP, 2222)).allowed, true);
    assert.deepEqual(evaluate(s, toHost2).hops[0]?.decision, { kind: 'profiles-no-match', direction: 'ingress', profiles: ['ssh-only'] });
  });

  test('namespaced NetworkPolicies never select host endpoints', () => {
    const np = networkPolicy('prod', 'deny-everything', { selector: 'all()', types: ['Ingress'] });
    const s = withHeps([allowAllProfile, np], [hostEndpoint('host2-eth0', 'host2', 'eth0', { profiles: ['open'] })]);
    assert.equal(evaluate(s, toHost2).allowed, true);
    assert.equal(evaluate(s, tcp(CLIENT_IP, SERVER_IP, 80)).allowed, false, 'the same policy does isolate workloads');
  });

  test('a GlobalNetworkPolicy with a namespaceSelector never selects a host endpoint', () => {
    const g = globalNetworkPolicy('ns-scoped', { selector: 'all()', namespaceSelector: 'all()', types: ['Ingress'] });
    const s = withHeps([allowAllProfile, g], [hostEndpoint('host2-eth0', 'host2', 'eth0', { profiles: ['open'] })]);
    assert.equal(evaluate(s, toHost2).allowed, true);
  });

  test('selectors see the host endpoint\'s labels and its profiles\' labelsToApply', () => {
    const zone = profile('dmz', { labelsToApply: { zone: 'dmz' }, ingress: [{ action: 'Allow' }], egress: [] });
    const g = globalNetworkPolicy('dmz-deny', { selector: "zone == 'dmz' && role == 'node'", ingress: [{ action: 'Deny' }] });
    const s = withHeps([zone, g], [hostEndpoint('host2-eth0', 'host2', 'eth0', { labels: { role: 'node' }, profiles: ['dmz'] })]);
    assert.deepEqual(evaluate(s, toHost2).hops[0]?.decision, {
      kind: 'rule', tier: 'default', policy: 'GlobalNetworkPolicy:dmz-deny', direction: 'ingress', ruleIndex: 0, action: 'Deny',
    });
  });

  test('tiers, Pass, Log and the end-of-tier drop work as for workloads', () => {
    const pass = globalNetworkPolicy('pass', { tier: 'sec', selector: "role == 'node'", ingress: [{ action: 'Log' }, { action: 'Pass' }] });
    const allow = globalNetworkPolicy('allow', { selector: "role == 'node'", ingress: [{ action: 'Allow', protocol: 'TCP' }] });
    const s = withHeps([tier('sec', 10), pass, allow]);
    const hop = evaluate(s, toHost2).hops[0]!;
    assert.equal(hop.allowed, true);
    assert.deepEqual(hop.logs, ['ingress GlobalNetworkPolicy:pass rule 0']);
    const udpHop = evaluate(s, udp(EXTERNAL_IP, HOST2_IP, 80)).hops[0]!;
    assert.deepEqual(udpHop.decision, { kind: 'end-of-tier', tier: 'default', direction: 'ingress' });
  });

  test('rule peers match workload endpoints only, never a host endpoint', () => {
    const fromNodes = globalNetworkPolicy('from-nodes', { selector: "app == 'server'", ingress: [{ action: 'Allow', source: { selector: "role == 'node'" } }] });
    const fromWorkloads = globalNetworkPolicy('from-all', { selector: "role == 'node'", ingress: [{ action: 'Allow', source: { selector: 'all()' } }] });
    const nodesOut = globalNetworkPolicy('nodes-out', { selector: "role == 'node'", egress: [{ action: 'Allow' }] });
    const s = withHeps([fromNodes, fromWorkloads, nodesOut]);
    assert.deepEqual(path(evaluate(s, tcp(HOST1_IP, SERVER_IP, 80))), [
      ['egress', 'hostendpoint:host1-eth0', 'host1', true],
      ['ingress', 'prod/server', 'host2', false],
    ], 'a host endpoint is no peer');
    assert.equal(evaluate(s, tcp(CLIENT_IP, HOST2_IP, 80)).allowed, true, 'a workload is');
    assert.deepEqual(path(evaluate(s, tcp(HOST1_IP, HOST2_IP, 80))), [
      ['egress', 'hostendpoint:host1-eth0', 'host1', true],
      ['ingress', 'hostendpoint:host2-eth0', 'host2', false],
    ]);
  });

  test('evaluateHostEndpoint judges one host endpoint alone', () => {
    assert.equal(evaluateHostEndpoint(withHeps([allowNodes]), H2, 'ingress', toHost2).allowed, true);
    assert.equal(evaluateHostEndpoint(withHeps([isolateNodes]), H2, 'ingress', toHost2).endpoint, 'hostendpoint:host2-eth0');
  });
});

describe('failsafe ports', () => {
  const denying = withHeps([isolateNodes]);

  test('inbound: a new connection to a failsafe inbound port is allowed into the host whatever its policy', () => {
    const v = evaluate(denying, tcp(EXTERNAL_IP, HOST2_IP, 22));
    assert.equal(v.allowed, true);
    assert.deepEqual(v.hops[0]?.decision, { kind: 'failsafe', direction: 'ingress', protocol: TCP, port: 22 });
    assert.equal(evaluate(denying, udp(EXTERNAL_IP, HOST2_IP, 68)).allowed, true);
    assert.equal(evaluate(denying, tcp(EXTERNAL_IP, HOST2_IP, 23)).allowed, false);
    assert.equal(evaluate(denying, udp(EXTERNAL_IP, HOST2_IP, 22)).allowed, false, 'protocol counts');
  });

  test('outbound: a new connection from the host to a failsafe outbound port is allowed out', () => {
    const v = evaluate(denying, udp(HOST1_IP, EXTERNAL_IP, 53));
    assert.deepEqual(v.hops[0]?.decision, { kind: 'failsafe', direction: 'egress', protocol: UDP, port: 53 });
    assert.equal(v.allowed, true);
    assert.equal(evaluate(denying, udp(HOST1_IP, EXTERNAL_IP, 68)).allowed, false, 'an inbound-only port is not failsafe outbound');
    assert.equal(evaluate(denying, udp(EXTERNAL_IP, HOST2_IP, 53)).allowed, false, 'an outbound-only port is not failsafe inbound');
  });

  test('the ports come from felixConfig', () => {
    const none = withFelixConfig(denying, { failsafeInboundHostPorts: [], failsafeOutboundHostPorts: [] });
    assert.equal(evaluate(none, tcp(EXTERNAL_IP, HOST2_IP, 22)).allowed, false);
    const custom = withFelixConfig(denying, { ...DEFAULT_FELIX_CONFIG, failsafeInboundHostPorts: [{ protocol: TCP, port: 8443 }] });
    assert.equal(evaluate(custom, tcp(EXTERNAL_IP, HOST2_IP, 8443)).allowed, true);
  });

  test('failsafe opens the host, not a workload\'s egress toward it', () => {
    const denyClient = globalNetworkPolicy('deny-client', { selector: "app == 'client'", types: ['Egress'] });
    assert.equal(evaluate(withHeps([isolateNodes, denyClient]), tcp(CLIENT_IP, HOST2_IP, 22)).allowed, false);
  });

  test('explain names the failsafe port and the host endpoint', () => {
    const text = explainVerdict(evaluate(denying, tcp(EXTERNAL_IP, HOST2_IP, 22))).join('\n');
    assert.match(text, /ingress of hostendpoint:host2-eth0 on host2: allowed by ingress: TCP port 22 is a failsafe inbound host port/);
  });
});
