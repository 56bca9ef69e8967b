// Reference evaluator: anycast services — port match, backends (namespace,
// selector, family, named target ports), which host translates (the client's,
// if it has backends, else any), and which packet each policy sees (egress
// before or after translation, ingress always after).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { ClusterState } from '../../../compiler/fold/state';
import { CompiledEngine } from '../../../compiler/trace/compiled-engine';
import { evaluate, reachabilityMatrix, serviceOutcomes, Verdict } from '../../../compiler/policy/reference';
import { explainVerdict } from '../../../compiler/policy/explain';
import { globalNetworkPolicy, host, wep } from './docs';
import { CLIENT_IP, cluster, EXTERNAL_IP, HOST2_IP, SERVER_IP } from './fixture';
import { icmp, ip, tcp, udp, TCP, UDP } from './packets';
import { hostEndpoint, service, servicePort, withHostEndpoints, withServices } from './state-with';

const SVC4 = '10.96.0.10';
const SVC6 = 'fd00:96::10';
const HOST3_IP = '10.0.0.3';
const CLIENT3_IP = '192.168.0.3';
const CLIENT6_IP = 'fd00:20::3';
const WEB1_IP = '192.168.0.11';
const WEB2_IP = '192.168.0.12';
const WEB3_IP = '192.168.0.13';

const WEB = service('prod', 'web', [SVC4, SVC6], "app == 'web'", [
  servicePort(80, 'http', TCP, 'web'),
  servicePort(443, 8443),
  servicePort(53, 'http', UDP),
]);

/** host1: client, web1 (named port http 8080, dual-stack); host2: server, web2 (http 8081), web3 (no named port); host3: client3, client6, and dev/web4. */
const docs = (): object[] => [
  host('host3', `${HOST3_IP}/24`),
  wep('prod', 'web1', { host: 'host1', ips: [WEB1_IP, 'fd00:10::11'], labels: { app: 'web' }, profiles: ['kns.prod'], ports: [{ name: 'http', port: 8080 }] }),
  wep('prod', 'web2', { host: 'host2', ips: [WEB2_IP], labels: { app: 'web' }, profiles: ['kns.prod'], ports: [{ name: 'http', port: 8081 }] }),
  wep('prod', 'web3', { host: 'host2', ips: [WEB3_IP], labels: { app: 'web' }, profiles: ['kns.prod'] }),
  wep('prod', 'client3', { host: 'host3', ips: [CLIENT3_IP], labels: { app: 'client' }, profiles: ['kns.prod'] }),
  wep('prod', 'client6', { host: 'host3', ips: [CLIENT6_IP], labels: { app: 'client' }, profiles: ['kns.prod'] }),
  wep('dev', 'web4', { host: 'host3', ips: ['192.168.0.14'], labels: { app: 'web' }, profiles: ['kns.dev'], ports: [{ name: 'http', port: 8080 }] }),
];

const withWeb = (...extra: object[]): ClusterState => withServices(cluster(...docs(), ...extra), WEB);

/** [backend, host, translated dst, translated port, allowed] per outcome. */
const outcomes = (v: Verdict): Array<[string, string, string, number | undefined, boolean]> =>
  serviceOutcomes(v).map((o) => [o.backend, o.host, o.packet.dst, o.packet.dstPort, o.verdict.allowed]);

describe('addressed to a service', () => {
  test('no port of the service has the packet\'s protocol and port: not allowed', () => {
    const s = withWeb();
    const want = { allowed: false, hops: [], decision: { kind: 'no-service-port', service: 'prod/web' } };
    assert.deepEqual(evaluate(s, tcp(CLIENT3_IP, SVC4, 81)), want);
    assert.deepEqual(evaluate(s, udp(CLIENT3_IP, SVC4, 80)), want);
    assert.deepEqual(evaluate(s, icmp(CLIENT3_IP, SVC4, 8)), want);
    // Without the service the same packet is allowed: the refusal is the service's, not an unknown address's.
    assert.equal(evaluate(cluster(...docs()), tcp(CLIENT3_IP, SVC4, 81)).allowed, true);
  });

  test('services sharing an address on different ports: a packet goes to the one with its port', () => {
    const dns = service('prod', 'dns', [SVC4], "app == 'web'", [servicePort(5353, 'http', UDP)]);
    // 'prod/dns' sorts before 'prod/web': the first service at the address is not the packet's.
    const s = withServices(withWeb(), dns);
    const v = evaluate(s, tcp(CLIENT3_IP, SVC4, 80));
    assert.equal(v.service?.key, 'prod/web');
    assert.ok(serviceOutcomes(v).length > 0);
    assert.equal(evaluate(s, udp(CLIENT3_IP, SVC4, 5353)).service?.key, 'prod/dns');
    // A port neither has: the first by key answers that it has none.
    assert.deepEqual(evaluate(s, tcp(CLIENT3_IP, SVC4, 81)).decision, { kind: 'no-service-port', service: 'prod/dns' });
    const engine = new CompiledEngine(s);
    for (const p of [tcp(CLIENT3_IP, SVC4, 80), udp(CLIENT3_IP, SVC4, 5353)]) {
      const got = engine.verdict(p);
      assert.ok(E.isRight(got), JSON.stringify(got));
      assert.equal(got.right.service?.key, evaluate(s, p).service?.key, JSON.stringify(p));
      assert.equal(got.right.allowed, evaluate(s, p).allowed, JSON.stringify(p));
    }
  });

  test('no backend anywhere: not allowed', () => {
    const v = evaluate(withWeb(), udp(CLIENT3_IP, SVC4, 53));
    assert.equal(v.allowed, false);
    assert.deepEqual(v.decision, { kind: 'no-backends', service: 'prod/web' });
    assert.deepEqual(v.service?.port, servicePort(53, 'http', UDP));
    assert.deepEqual(v.service?.outcomes, []);
    const empty = withServices(cluster(...docs()), service('prod', 'none', [SVC4], "app == 'nothing'", [servicePort(80, 80)]));
    assert.deepEqual(evaluate(empty, tcp(CLIENT3_IP, SVC4, 80)).decision, { kind: 'no-backends', service: 'prod/none' });
  });
});

describe('backends', () => {
  test('endpoints of the service\'s namespace matching its selector; a named target port resolved per backend, same protocol', () => {
    assert.deepEqual(outcomes(evaluate(withWeb(), tcp(CLIENT3_IP, SVC4, 80))), [
      ['prod/web1', 'host1', WEB1_IP, 8080, true],
      ['prod/web2', 'host2', WEB2_IP, 8081, true],
    ]);
  });

  test('a numeric target port: every selected endpoint', () => {
    assert.deepEqual(outcomes(evaluate(withWeb(), tcp(CLIENT3_IP, SVC4, 443))), [
      ['prod/web1', 'host1', WEB1_IP, 8443, true],
      ['prod/web2', 'host2', WEB2_IP, 8443, true],
      ['prod/web3', 'host2', WEB3_IP, 8443, true],
    ]);
  });

  test('the backend\'s first address of the packet\'s family; no such address, no backend', () => {
    assert.deepEqual(outcomes(evaluate(withWeb(), tcp(CLIENT6_IP, SVC6, 443))), [['prod/web1', 'host1', ip('fd00:10::11'), 8443, true]]);
  });

  test('the translated packet keeps everything but dst and dstPort', () => {
    const p = tcp(CLIENT3_IP, SVC4, 443, { srcPort: 1234, hostInterface: 'eth1' });
    assert.deepEqual(serviceOutcomes(evaluate(withWeb(), p))[0]?.packet, { ...p, dst: ip(WEB1_IP), dstPort: 8443 });
  });
});

describe('where translation happens', () => {
  test('a client whose host has backends reaches only those', () => {
    assert.deepEqual(outcomes(evaluate(withWeb(), tcp(CLIENT_IP, SVC4, 80))).map((o) => o[0]), ['prod/web1']);
    assert.deepEqual(outcomes(evaluate(withWeb(), tcp(SERVER_IP, SVC4, 443))).map((o) => o[0]), ['prod/web2', 'prod/web3']);
  });

  test('only backends of the port count: a host with a backend of another port does not translate', () => {
    // host2 has web3, a backend of 443 but not of 80 (no named port http).
    const s = withServices(cluster(...docs().filter((d) => JSON.stringify(d).includes('"web2"') === false)), WEB);
    assert.deepEqual(outcomes(evaluate(s, tcp(SERVER_IP, SVC4, 80))).map((o) => o[0]), ['prod/web1']);
  });

  test('a host source: its own backends (a host reaches its own workloads), else all', () => {
    const local = evaluate(withWeb(), tcp(HOST2_IP, SVC4, 443));
    assert.deepEqual(outcomes(local).map((o) => o[0]), ['prod/web2', 'prod/web3']);
    assert.ok(serviceOutcomes(local).every((o) => o.verdict.decision?.kind === 'host-to-local-workload'));
    assert.deepEqual(outcomes(evaluate(withWeb(), tcp(HOST3_IP, SVC4, 443))).map((o) => o[0]), ['prod/web1', 'prod/web2', 'prod/web3']);
  });

  test('a source outside the cluster: every backend', () => {
    assert.deepEqual(outcomes(evaluate(withWeb(), tcp(EXTERNAL_IP, SVC4, 443))).map((o) => o[0]), ['prod/web1', 'prod/web2', 'prod/web3']);
  });
});

describe('which packet each policy sees', () => {
  const clientEgressTo = (ports: number[]) =>
    globalNetworkPolicy('client-out', { selector: "app == 'client'", egress: [{ action: 'Allow', protocol: 'TCP', destination: { ports } }] });
  const webIngressOn = (ports: number[]) =>
    globalNetworkPolicy('web-in', { selector: "app == 'web'", ingress: [{ action: 'Allow', protocol: 'TCP', destination: { ports } }] });

  test('the client\'s egress sees the service packet when another host translates', () => {
    const s = withWeb(clientEgressTo([80]));
    const v = evaluate(s, tcp(CLIENT3_IP, SVC4, 80));
    assert.equal(v.allowed, true);
    assert.ok(serviceOutcomes(v).every((o) => o.verdict.hops[0]?.direction === 'egress' && o.verdict.hops[0].allowed));
    assert.equal(evaluate(withWeb(clientEgressTo([8080, 8081])), tcp(CLIENT3_IP, SVC4, 80)).allowed, false);
  });

  test('the client\'s egress sees the translated packet when its own host translates', () => {
    assert.equal(evaluate(withWeb(clientEgressTo([80])), tcp(CLIENT_IP, SVC4, 80)).allowed, false);
    assert.equal(evaluate(withWeb(clientEgressTo([8080])), tcp(CLIENT_IP, SVC4, 80)).allowed, true);
  });

  test('the backend\'s ingress always sees the translated packet', () => {
    assert.deepEqual(outcomes(evaluate(withWeb(webIngressOn([8080])), tcp(CLIENT3_IP, SVC4, 80))).map((o) => o[4]), [true, false]);
    assert.equal(evaluate(withWeb(webIngressOn([80])), tcp(CLIENT3_IP, SVC4, 80)).allowed, false);
    assert.equal(evaluate(withWeb(webIngressOn([80])), tcp(CLIENT_IP, SVC4, 80)).allowed, false);
  });

  test('allowed when some outcome is allowed', () => {
    const v = evaluate(withWeb(webIngressOn([8081])), tcp(CLIENT3_IP, SVC4, 80));
    assert.deepEqual(outcomes(v).map((o) => o[4]), [false, true]);
    assert.equal(v.allowed, true);
    assert.deepEqual(v.hops, []);
  });

  test('a host source without local backends: its host-endpoint egress sees the service packet', () => {
    const toService = globalNetworkPolicy('h3-out', { selector: "role == 'node'", egress: [{ action: 'Allow', destination: { nets: [`${SVC4}/32`] } }] });
    const s = withHostEndpoints(withWeb(toService), hostEndpoint('host3-eth0', 'host3', 'eth0', { labels: { role: 'node' } }));
    const v = evaluate(s, tcp(HOST3_IP, SVC4, 443));
    assert.equal(v.allowed, true);
    assert.ok(serviceOutcomes(v).every((o) => o.verdict.hops[0]?.endpoint === 'hostendpoint:host3-eth0' && o.verdict.hops[0].allowed));
    const toBackends = globalNetworkPolicy('h3-out', { selector: "role == 'node'", egress: [{ action: 'Allow', destination: { nets: ['192.168.0.0/24'] } }] });
    const denied = withHostEndpoints(withWeb(toBackends), hostEndpoint('host3-eth0', 'host3', 'eth0', { labels: { role: 'node' } }));
    assert.equal(evaluate(denied, tcp(HOST3_IP, SVC4, 443)).allowed, false);
  });
});

describe('the usual first steps, per outcome', () => {
  const denyAll = globalNetworkPolicy('deny-all', { selector: 'all()', types: ['Ingress', 'Egress'] });

  test('a backend reaching itself through the service is the same endpoint: allowed', () => {
    const v = evaluate(withWeb(denyAll), tcp(WEB1_IP, SVC4, 80));
    assert.deepEqual(outcomes(v), [['prod/web1', 'host1', WEB1_IP, 8080, true]]);
    assert.deepEqual(serviceOutcomes(v)[0]?.verdict, { allowed: true, hops: [], decision: { kind: 'same-endpoint' } });
  });

  test('conntrack replies pass on every outcome; anti-spoofing comes before the service', () => {
    const v = evaluate(withWeb(denyAll), tcp(CLIENT3_IP, SVC4, 80, { state: 'established' }));
    assert.equal(v.allowed, true);
    assert.ok(serviceOutcomes(v).every((o) => o.verdict.decision?.kind === 'conntrack'));
    assert.deepEqual(evaluate(withWeb(), tcp(CLIENT3_IP, SVC4, 80, { fromInterface: 'caliclient' })).decision, {
      kind: 'spoofed', expected: 'caliclient3', got: 'caliclient',
    });
  });
});

describe('around the evaluator', () => {
  test('serviceOutcomes is empty for a packet not addressed to a service', () => {
    assert.deepEqual(serviceOutcomes(evaluate(withWeb(), tcp(CLIENT_IP, SERVER_IP, 80))), []);
  });

  test('explain lists each outcome with its path', () => {
    const text = explainVerdict(evaluate(withWeb(), tcp(CLIENT3_IP, SVC4, 80))).join('\n');
    assert.match(text, /^ALLOWED\nservice prod\/web port TCP 80 \(web\):\nto backend prod\/web1 on host1 \(192\.168\.0\.11 port 8080\): allowed\n {2}egress of prod\/client3 on host3/);
    assert.match(explainVerdict(evaluate(withWeb(), tcp(CLIENT3_IP, SVC4, 81))).join('\n'), /service prod\/web, which has no such port/);
  });

  test('reachabilityMatrix does not change with services', () => {
    assert.deepEqual(reachabilityMatrix(withWeb(), TCP, 80), reachabilityMatrix(cluster(...docs()), TCP, 80));
  });
});
