// Reference evaluator: what each rule field matches — selectors and their
// namespace scope, notSelector, namespaceSelector, ports (numbers, ranges,
// named), ICMP, ipVersion, nets, protocols — and the labels selectors see.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, Packet } from '../../../compiler/policy/reference';
import { ClusterState } from '../../../compiler/fold/state';
import { globalNetworkPolicy, namespace, networkPolicy, profile, wep } from './docs';
import { CLIENT_IP, cluster, EXTERNAL_IP, SERVER_IP, serverIngress } from './fixture';
import { icmp, tcp, udp } from './packets';

const onServer = "app == 'server'";
/** A GNP on the server whose only ingress rule allows what `rule` matches; anything else ends the tier. */
const allowIngress = (rule: object) => globalNetworkPolicy('under-test', { selector: onServer, ingress: [{ action: 'Allow', ...rule }] });
const allowed = (s: ClusterState, p: Packet): boolean => serverIngress(s, p).allowed;

const DEV_CLIENT_IP = '192.168.1.1';
const devClient = wep('dev', 'client', { host: 'host1', ips: [DEV_CLIENT_IP], labels: { app: 'client' }, profiles: ['kns.dev'] });

describe('selectors and their scope', () => {
  test('in a NetworkPolicy, a peer selector sees only the policy\'s namespace', () => {
    const s = cluster(devClient, networkPolicy('prod', 'p', { selector: onServer, ingress: [{ action: 'Allow', source: { selector: "app == 'client'" } }] }));
    assert.equal(allowed(s, tcp(CLIENT_IP, SERVER_IP, 80)), true);
    assert.equal(allowed(s, tcp(DEV_CLIENT_IP, SERVER_IP, 80)), false);
  });

  test('in a NetworkPolicy, namespaceSelector widens the scope to the namespaces it selects (selector defaults to all())', () => {
    const s = cluster(devClient, networkPolicy('prod', 'p', {
      selector: onServer,
      ingress: [{ action: 'Allow', source: { namespaceSelector: "kubernetes.io/metadata.name == 'dev'" } }],
    }));
    assert.equal(allowed(s, tcp(DEV_CLIENT_IP, SERVER_IP, 80)), true);
    assert.equal(allowed(s, tcp(CLIENT_IP, SERVER_IP, 80)), false);
    assert.equal(allowed(s, tcp(EXTERNAL_IP, SERVER_IP, 80)), false, 'an external address is in no namespace');
  });

  test('in a GlobalNetworkPolicy, a peer selector sees every namespace', () => {
    const s = cluster(devClient, allowIngress({ source: { selector: "app == 'client'" } }));
    assert.equal(allowed(s, tcp(CLIENT_IP, SERVER_IP, 80)), true);
    assert.equal(allowed(s, tcp(DEV_CLIENT_IP, SERVER_IP, 80)), true);
  });

  test('in a Profile, a peer selector sees every namespace', () => {
    const s = cluster(
      devClient,
      profile('by-label', { ingress: [{ action: 'Allow', source: { selector: "app == 'client'" } }] }),
      wep('prod', 'guarded', { host: 'host2', ips: ['192.168.0.7'], profiles: ['by-label'] }),
    );
    const to = (src: string) => evaluate(s, tcp(src, '192.168.0.7', 80)).allowed;
    assert.equal(to(DEV_CLIENT_IP), true);
    assert.equal(to(EXTERNAL_IP), false);
  });

  test('a GlobalNetworkPolicy with namespaceSelector applies only to endpoints in namespaces it selects', () => {
    const s = cluster(
      namespace('prod', { env: 'production' }),
      globalNetworkPolicy('deny-prod', { selector: 'all()', namespaceSelector: "env == 'production'", ingress: [{ action: 'Deny' }] }),
      wep('dev', 'server', { host: 'host2', ips: ['192.168.1.2'], profiles: ['kns.dev'] }),
    );
    assert.equal(allowed(s, tcp(CLIENT_IP, SERVER_IP, 80)), false);
    assert.equal(evaluate(s, tcp(CLIENT_IP, '192.168.1.2', 80)).allowed, true);
  });

  test('notSelector: matches every peer that is not a selected endpoint, external addresses included', () => {
    const s = cluster(
      wep('prod', 'other', { host: 'host1', ips: ['192.168.0.3'], labels: { app: 'other' }, profiles: ['kns.prod'] }),
      allowIngress({ source: { notSelector: "app == 'client'" } }),
    );
    assert.equal(allowed(s, tcp(EXTERNAL_IP, SERVER_IP, 80)), true);
    assert.equal(allowed(s, tcp('192.168.0.3', SERVER_IP, 80)), true);
    assert.equal(allowed(s, tcp(CLIENT_IP, SERVER_IP, 80)), false);
  });

  test('notSelector in a NetworkPolicy is scoped too: a matching endpoint of another namespace satisfies it', () => {
    const s = cluster(devClient, networkPolicy('prod', 'p', { selector: onServer, ingress: [{ action: 'Allow', source: { notSelector: "app == 'client'" } }] }));
    assert.equal(allowed(s, tcp(DEV_CLIENT_IP, SERVER_IP, 80)), true);
    assert.equal(allowed(s, tcp(CLIENT_IP, SERVER_IP, 80)), false);
  });
});

describe('effective labels', () => {
  test('profile labels apply, later profiles override earlier ones, the endpoint\'s own labels override both', () => {
    const s = cluster(
      profile('tag-a', { labelsToApply: { tier: 'a', zone: 'a' }, egress: [{ action: 'Allow' }] }),
      profile('tag-b', { labelsToApply: { zone: 'b', owner: 'b' } }),
      wep('prod', 'x', { host: 'host1', ips: ['192.168.0.9'], labels: { owner: 'me' }, profiles: ['tag-a', 'tag-b'] }),
      allowIngress({ source: { selector: "tier == 'a' && zone == 'b' && owner == 'me'" } }),
    );
    assert.equal(allowed(s, tcp('192.168.0.9', SERVER_IP, 80)), true);
  });

  test('every endpoint carries projectcalico.org/namespace, and it cannot be overridden', () => {
    const liar = wep('prod', 'liar', { host: 'host1', ips: ['192.168.0.9'], labels: { 'projectcalico.org/namespace': 'kube-system' }, profiles: ['kns.prod'] });
    const fromNamespace = (ns: string) => cluster(liar, allowIngress({ source: { selector: `projectcalico.org/namespace == '${ns}'` } }));
    assert.equal(allowed(fromNamespace('prod'), tcp('192.168.0.9', SERVER_IP, 80)), true);
    assert.equal(allowed(fromNamespace('kube-system'), tcp('192.168.0.9', SERVER_IP, 80)), false);
  });
});

describe('ports', () => {
  const withNamedPorts = (...extra: object[]) =>
    cluster(
      wep('prod', 'named', {
        host: 'host2',
        ips: ['192.168.0.5'],
        labels: { app: 'server' },
        profiles: ['kns.prod'],
        ports: [{ name: 'http', port: 8080 }, { name: 'dns', port: 5353, protocol: 'UDP' }],
      }),
      ...extra,
    );

  test('a named destination port is the destination endpoint\'s port of that name, for its protocol', () => {
    const s = withNamedPorts(allowIngress({ protocol: 'TCP', destination: { ports: ['http'] } }));
    const to = (p: Packet) => evaluate(s, p).allowed;
    assert.equal(to(tcp(CLIENT_IP, '192.168.0.5', 8080)), true);
    assert.equal(to(tcp(CLIENT_IP, '192.168.0.5', 80)), false);
    assert.equal(to(tcp(CLIENT_IP, SERVER_IP, 8080)), false, 'the server has no port named http');
  });

  test('a named port matches only with the protocol the endpoint declares', () => {
    const s = withNamedPorts(globalNetworkPolicy('any-proto', { selector: onServer, ingress: [{ action: 'Allow', protocol: 'UDP', destination: { ports: ['http', 'dns'] } }] }));
    assert.equal(evaluate(s, udp(CLIENT_IP, '192.168.0.5', 8080)).allowed, false);
    assert.equal(evaluate(s, udp(CLIENT_IP, '192.168.0.5', 5353)).allowed, true);
  });

  test('a named port never matches an address that is no endpoint\'s', () => {
    const s = withNamedPorts(
      globalNetworkPolicy('egress-named', { selector: "app == 'client'", egress: [{ action: 'Allow', protocol: 'TCP', destination: { ports: ['http'] } }] }),
    );
    assert.equal(evaluate(s, tcp(CLIENT_IP, '192.168.0.5', 8080)).allowed, true);
    assert.equal(evaluate(s, tcp(CLIENT_IP, EXTERNAL_IP, 8080)).allowed, false);
  });

  test('a named source port is the source endpoint\'s port', () => {
    const s = withNamedPorts(
      globalNetworkPolicy('from-http', { selector: "app == 'client'", ingress: [{ action: 'Allow', protocol: 'TCP', source: { ports: ['http'] } }] }),
    );
    assert.equal(evaluate(s, tcp('192.168.0.5', CLIENT_IP, 50000, { srcPort: 8080 })).allowed, true);
    assert.equal(evaluate(s, tcp('192.168.0.5', CLIENT_IP, 50000, { srcPort: 8081 })).allowed, false);
  });

  test('a port range includes both ends and nothing outside', () => {
    const s = cluster(allowIngress({ protocol: 'TCP', destination: { ports: ['8000:8999', 443] } }));
    for (const [port, expected] of [[7999, false], [8000, true], [8500, true], [8999, true], [9000, false], [443, true]] as const)
      assert.equal(allowed(s, tcp(CLIENT_IP, SERVER_IP, port)), expected, `port ${port}`);
  });

  test('notPorts excludes the ports it lists', () => {
    const s = cluster(allowIngress({ protocol: 'TCP', destination: { notPorts: ['22', '6000:6010'] } }));
    assert.equal(allowed(s, tcp(CLIENT_IP, SERVER_IP, 22)), false);
    assert.equal(allowed(s, tcp(CLIENT_IP, SERVER_IP, 6005)), false);
    assert.equal(allowed(s, tcp(CLIENT_IP, SERVER_IP, 80)), true);
  });

  test('source ports match the packet\'s source port', () => {
    const s = cluster(allowIngress({ protocol: 'UDP', source: { ports: [53] } }));
    assert.equal(allowed(s, udp(CLIENT_IP, SERVER_IP, 40000, { srcPort: 53 })), true);
    assert.equal(allowed(s, udp(CLIENT_IP, SERVER_IP, 53, { srcPort: 40000 })), false);
  });
});

describe('protocol, ICMP, IP version, nets', () => {
  test('protocol by name or number; notProtocol excludes', () => {
    assert.equal(allowed(cluster(allowIngress({ protocol: 17 })), udp(CLIENT_IP, SERVER_IP, 53)), true);
    assert.equal(allowed(cluster(allowIngress({ protocol: 'udp' })), tcp(CLIENT_IP, SERVER_IP, 53)), false);
    assert.equal(allowed(cluster(allowIngress({ notProtocol: 'TCP' })), tcp(CLIENT_IP, SERVER_IP, 53)), false);
    assert.equal(allowed(cluster(allowIngress({ notProtocol: 'TCP' })), icmp(CLIENT_IP, SERVER_IP, 8)), true);
  });

  test('icmp type alone matches every code; type and code match that pair only', () => {
    const byType = cluster(allowIngress({ protocol: 'ICMP', icmp: { type: 3 } }));
    assert.equal(allowed(byType, icmp(CLIENT_IP, SERVER_IP, 3, 1)), true);
    assert.equal(allowed(byType, icmp(CLIENT_IP, SERVER_IP, 8, 0)), false);
    const byPair = cluster(allowIngress({ protocol: 'ICMP', icmp: { type: 3, code: 4 } }));
    assert.equal(allowed(byPair, icmp(CLIENT_IP, SERVER_IP, 3, 4)), true);
    assert.equal(allowed(byPair, icmp(CLIENT_IP, SERVER_IP, 3, 1)), false);
  });

  test('notICMP with a type excludes the type; with type and code, only that pair', () => {
    const notType = cluster(allowIngress({ protocol: 'ICMP', notICMP: { type: 8 } }));
    assert.equal(allowed(notType, icmp(CLIENT_IP, SERVER_IP, 8, 0)), false);
    assert.equal(allowed(notType, icmp(CLIENT_IP, SERVER_IP, 0, 0)), true);
    const notPair = cluster(allowIngress({ protocol: 'ICMP', notICMP: { type: 3, code: 3 } }));
    assert.equal(allowed(notPair, icmp(CLIENT_IP, SERVER_IP, 3, 3)), false);
    assert.equal(allowed(notPair, icmp(CLIENT_IP, SERVER_IP, 3, 1)), true);
  });

  test('ICMP rules do not match ICMPv6 packets', () => {
    const s = cluster(
      wep('prod', 'v6', { host: 'host2', ips: ['fd00::2'], labels: { app: 'server' }, profiles: ['kns.prod'] }),
      wep('prod', 'v6c', { host: 'host1', ips: ['fd00::1'], profiles: ['kns.prod'] }),
      allowIngress({ protocol: 'ICMP', icmp: { type: 128 } }),
    );
    assert.equal(evaluate(s, icmp('fd00::1', 'fd00::2', 128)).allowed, false);
  });

  test('ipVersion matches the packet\'s family', () => {
    const s = cluster(
      wep('prod', 'dual', { host: 'host2', ips: ['192.168.0.6', 'fd00::6'], labels: { app: 'server' }, profiles: ['kns.prod'] }),
      wep('prod', 'dualc', { host: 'host1', ips: ['192.168.0.8', 'fd00::8'], profiles: ['kns.prod'] }),
      allowIngress({ ipVersion: 6 }),
    );
    assert.equal(evaluate(s, tcp('fd00::8', 'fd00::6', 80)).allowed, true);
    assert.equal(evaluate(s, tcp('192.168.0.8', '192.168.0.6', 80)).allowed, false);
  });

  test('nets: the address is in one of them; notNets: in none of them', () => {
    const s = cluster(allowIngress({ source: { nets: ['10.1.0.0/16', '172.16.0.0/12'], notNets: ['10.1.2.0/24'] } }));
    assert.equal(allowed(s, tcp('10.1.0.5', SERVER_IP, 80)), true);
    assert.equal(allowed(s, tcp('172.20.1.1', SERVER_IP, 80)), true);
    assert.equal(allowed(s, tcp('10.1.2.5', SERVER_IP, 80)), false);
    assert.equal(allowed(s, tcp('10.2.0.5', SERVER_IP, 80)), false);
  });

  test('empty lists constrain nothing', () => {
    const s = cluster(allowIngress({ source: { nets: [], notNets: [], ports: [] }, destination: { ports: [], notPorts: [] } }));
    assert.equal(allowed(s, tcp(CLIENT_IP, SERVER_IP, 80)), true);
    assert.equal(allowed(s, icmp(CLIENT_IP, SERVER_IP, 8)), true);
  });

  test('destination nets apply to the destination address (egress)', () => {
    const s = cluster(globalNetworkPolicy('out', { selector: "app == 'client'", egress: [{ action: 'Allow', destination: { nets: ['198.51.100.0/24'] } }] }));
    assert.equal(evaluate(s, tcp(CLIENT_IP, '198.51.100.7', 443)).allowed, true);
    assert.equal(evaluate(s, tcp(CLIENT_IP, EXTERNAL_IP, 443)).allowed, false);
  });
});
