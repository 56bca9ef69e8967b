// compileBird: what each part of the cluster turns into in BIRD's config, and
// that the text depends on the cluster alone. Whether BIRD accepts the text is
// bird-real.test.ts's question.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileBird } from '../../../compiler/compile/bird';
import { derivedRouterId, protocolName, uniqueProtocolNames } from '../../../compiler/compile/bird-names';
import { planSessions } from '../../../compiler/compile/bird-sessions';
import {
  bgpConfigDoc, clusterAndShuffle, clusterDocs, endpointDoc, hostDoc, peerDoc, poolDoc, profileDoc, stateOf,
} from './bird-cluster';

/** The body of `protocol <type> <name> { … }`, or undefined. */
const protocolBlock = (conf: string, name: string): string | undefined => {
  const start = conf.search(new RegExp(`^protocol \\w+ ${name} \\{$`, 'm'));
  if (start < 0) return undefined;
  return conf.slice(start, conf.indexOf('\n}', start) + 2);
};
const protocolNames = (conf: string, type: string): string[] =>
  [...conf.matchAll(new RegExp(`^protocol ${type} (\\w+) \\{$`, 'gm'))].map((m) => m[1]);

const a = hostDoc('node-a', { ipv4: '10.0.0.1/24' });
const b = hostDoc('node-b', { ipv4: '10.0.0.2/24' });
const pool4 = poolDoc('p4', '10.244.0.0/16');

describe('compileBird: one host', () => {
  const conf = compileBird(stateOf([a, pool4]), 'node-a');

  test('router id is the host IPv4 address without its prefix', () => {
    assert.match(conf, /^router id 10\.0\.0\.1;$/m);
  });

  test('an IPv4-only host gets an IPv4 kernel protocol that learns rtproto 88 and exports BGP routes', () => {
    const k4 = protocolBlock(conf, 'kernel4');
    assert.ok(k4, conf);
    assert.match(k4, /ipv4 \{\n\s+import filter foldnet_kernel_import;\n\s+export filter foldnet_kernel_export;\n\s+\};/);
    assert.match(k4, /^\s+learn;$/m);
    assert.match(k4, /^\s+scan time \d+;$/m);
    assert.equal(protocolBlock(conf, 'kernel6'), undefined);
    assert.match(conf, /filter foldnet_kernel_import \{\n\s+if krt_source = 88 then accept;\n\s+reject;\n\}/);
    assert.match(conf, /filter foldnet_kernel_export \{\n\s+if source = RTS_BGP then accept;\n\s+reject;\n\}/);
  });

  test('pool filter lists the enabled pools of the family with their subprefixes', () => {
    assert.match(conf, /function foldnet_in_pools4\(\) \{\n\s+return net ~ \[ 10\.244\.0\.0\/16\+ \];\n\}/);
  });

  test('has a device protocol and no BGP session without other hosts or peers', () => {
    assert.match(conf, /^protocol device \{\}$/m);
    assert.deepEqual(protocolNames(conf, 'bgp'), []);
  });
});

describe('compileBird: pools', () => {
  test('disabled pools are left out and pools are listed in address order', () => {
    const conf = compileBird(stateOf([a, poolDoc('z', '10.9.0.0/16'), poolDoc('y', '10.10.0.0/16'), poolDoc('off', '10.11.0.0/16', true)]), 'node-a');
    assert.match(conf, /return net ~ \[ 10\.9\.0\.0\/16\+, 10\.10\.0\.0\/16\+ \];/);
    assert.doesNotMatch(conf, /10\.11\.0\.0/);
  });

  test('a family without pools accepts nothing', () => {
    const conf = compileBird(stateOf([a, poolDoc('v6', 'fd10::/48')]), 'node-a');
    assert.match(conf, /function foldnet_in_pools4\(\) \{\n\s+return false;\n\}/);
    assert.doesNotMatch(conf, /fd10::/, 'an IPv4-only host has no IPv6 filters');
  });
});

describe('compileBird: node-to-node mesh', () => {
  const state = stateOf([a, b, pool4]);
  const conf = compileBird(state, 'node-a');
  const [mesh] = protocolNames(conf, 'bgp');

  test('one iBGP session to the other host, named after it', () => {
    assert.deepEqual(protocolNames(conf, 'bgp'), [protocolName('mesh4', 'node-b')]);
    assert.match(mesh, /^mesh4_node_b_[0-9a-f]{8}$/);
    const body = protocolBlock(conf, mesh)!;
    assert.match(body, /^\s+local 10\.0\.0\.1 as 64512;$/m);
    assert.match(body, /^\s+neighbor 10\.0\.0\.2 as 64512;$/m);
    assert.match(body, /^\s+direct;$/m);
  });

  test('mesh sessions take and give pool routes only', () => {
    const body = protocolBlock(conf, mesh)!;
    assert.match(body, /ipv4 \{\n\s+import filter foldnet_pool_routes4;\n\s+export filter foldnet_announce4;\n\s+\};/);
  });

  test('the other host sees the mirror session', () => {
    const other = compileBird(state, 'node-b');
    const body = protocolBlock(other, protocolName('mesh4', 'node-a'))!;
    assert.match(body, /local 10\.0\.0\.2 as 64512;/);
    assert.match(body, /neighbor 10\.0\.0\.1 as 64512;/);
  });

  test('AS numbers: host ASN over the BGPConfiguration ASN; eBGP has no `direct`', () => {
    const s = stateOf([hostDoc('node-a', { ipv4: '10.0.0.1/24', asNumber: 65001 }), b, bgpConfigDoc({ asNumber: 65100 })]);
    const body = protocolBlock(compileBird(s, 'node-a'), protocolName('mesh4', 'node-b'))!;
    assert.match(body, /local 10\.0\.0\.1 as 65001;/);
    assert.match(body, /neighbor 10\.0\.0\.2 as 65100;/);
    assert.doesNotMatch(body, /direct;/);
  });

  test('meshEnabled false: no mesh sessions', () => {
    const conf2 = compileBird(stateOf([a, b, bgpConfigDoc({ nodeToNodeMeshEnabled: false })]), 'node-a');
    assert.deepEqual(protocolNames(conf2, 'bgp'), []);
  });

  test('dual stack: separate IPv4 and IPv6 sessions, each with its own channel', () => {
    const s = stateOf([
      hostDoc('node-a', { ipv4: '10.0.0.1/24', ipv6: 'fd00::1/64' }),
      hostDoc('node-b', { ipv4: '10.0.0.2/24', ipv6: 'fd00::2/64' }),
      hostDoc('node-c', { ipv4: '10.0.0.3/24' }),
      poolDoc('p6', 'fd10::/48'),
    ]);
    const c = compileBird(s, 'node-a');
    assert.ok(protocolBlock(c, 'kernel4') && protocolBlock(c, 'kernel6'));
    assert.deepEqual(protocolNames(c, 'bgp'), [protocolName('mesh4', 'node-b'), protocolName('mesh4', 'node-c'), protocolName('mesh6', 'node-b')]);
    const v6 = protocolBlock(c, protocolName('mesh6', 'node-b'))!;
    assert.match(v6, /local fd00::1 as 64512;\n\s+neighbor fd00::2 as 64512;/);
    assert.match(v6, /ipv6 \{\n\s+import filter foldnet_pool_routes6;/);
    assert.doesNotMatch(v6, /ipv4/);
    assert.match(c, /return net ~ \[ fd10::\/48\+ \];/);
  });

  test('host without IPv4: router id derived from its name, IPv6 only', () => {
    const s = stateOf([hostDoc('v6only', { ipv6: 'fd00::9/64' }), hostDoc('other', { ipv6: 'fd00::8/64' })]);
    const c = compileBird(s, 'v6only');
    assert.match(c, new RegExp(`^router id ${derivedRouterId('v6only').replace(/\./g, '\\.')};$`, 'm'));
    assert.equal(protocolBlock(c, 'kernel4'), undefined);
    assert.ok(protocolBlock(c, 'kernel6'));
    assert.deepEqual(protocolNames(c, 'bgp'), [protocolName('mesh6', 'other')]);
  });
});

describe('compileBird: explicit BGPPeers', () => {
  const docs = [
    a, b, pool4, bgpConfigDoc({ nodeToNodeMeshEnabled: false }),
    peerDoc('tor', { peerIP: '10.0.0.254', asNumber: 65000 }),
    peerDoc('rr-a', { peerIP: '10.0.0.253', asNumber: 64512, node: 'node-a', acceptPoolRoutes: true, password: "s3cr#t 'x'" }),
  ];
  const state = stateOf(docs);
  const confA = compileBird(state, 'node-a');
  const confB = compileBird(state, 'node-b');

  test('global peers on every host, node-specific peers on their node only', () => {
    assert.deepEqual(protocolNames(confA, 'bgp'), [protocolName('peer', 'rr-a'), protocolName('peer', 'tor')]);
    assert.deepEqual(protocolNames(confB, 'bgp'), [protocolName('peer', 'tor')]);
  });

  test('peers without acceptPoolRoutes take everything but pool routes', () => {
    const body = protocolBlock(confA, protocolName('peer', 'tor'))!;
    assert.match(body, /neighbor 10\.0\.0\.254 as 65000;/);
    assert.match(body, /import filter foldnet_other_routes4;\n\s+export filter foldnet_announce4;/);
    assert.match(confA, /filter foldnet_other_routes4 \{\n\s+if foldnet_in_pools4\(\) then reject;\n\s+accept;\n\}/);
  });

  test('acceptPoolRoutes takes all; password is written as given', () => {
    const body = protocolBlock(confA, protocolName('peer', 'rr-a'))!;
    assert.match(body, /import all;/);
    assert.match(body, /^\s+password "s3cr#t 'x'";$/m);
    assert.match(body, /^\s+direct;$/m, 'iBGP peer');
  });

  test('a password BIRD cannot quote skips the peer and says why', () => {
    const c = compileBird(stateOf([a, peerDoc('bad', { peerIP: '10.0.0.250', asNumber: 1, password: 'a"b' })]), 'node-a');
    assert.deepEqual(protocolNames(c, 'bgp'), []);
    assert.match(c, /^# Not configured: BGPPeer bad: password holds a double quote/m);
  });

  test('a peer of a family the host lacks is skipped with a reason', () => {
    const c = compileBird(stateOf([a, peerDoc('v6peer', { peerIP: 'fd00::99', asNumber: 65000 })]), 'node-a');
    assert.deepEqual(protocolNames(c, 'bgp'), []);
    assert.match(c, /^# Not configured: BGPPeer v6peer: host has no IPv6 address\.$/m);
  });

  test('a peer at another host\'s address replaces that mesh session', () => {
    const c = compileBird(stateOf([a, b, peerDoc('b-as-rr', { peerIP: '10.0.0.2', asNumber: 64512 })]), 'node-a');
    assert.deepEqual(protocolNames(c, 'bgp'), [protocolName('peer', 'b-as-rr')]);
    assert.match(c, /# Not configured: mesh to host node-b: IPv4 session replaced by BGPPeer b-as-rr/);
  });

  test('two peers at one address: the node-specific one wins', () => {
    const plan = planSessions(stateOf([
      a, peerDoc('a-global', { peerIP: '10.0.0.9', asNumber: 1 }), peerDoc('z-local', { peerIP: '10.0.0.9', asNumber: 2, node: 'node-a' }),
    ]), 'node-a');
    assert.deepEqual(plan.sessions.map((s) => s.subject), ['z-local']);
    assert.deepEqual(plan.skipped.map((s) => s.subject), ['a-global']);
  });
});

describe('compileBird: hosts it does not know', () => {
  test('an unknown host gets a config with a derived router id and nothing to do', () => {
    const c = compileBird(stateOf([a, pool4]), 'ghost');
    assert.match(c, new RegExp(`router id ${derivedRouterId('ghost').replace(/\./g, '\\.')};`));
    assert.deepEqual(protocolNames(c, '\\w+'), []);
    assert.match(c, /^protocol device \{\}$/m);
  });

  test('the host name is quoted in the header, so it cannot break out of the comment', () => {
    const c = compileBird(stateOf([a]), 'x\nprotocol static {}');
    assert.doesNotMatch(c, /^protocol static/m);
  });
});

describe('bird-names', () => {
  test('names that sanitise alike stay apart', () => {
    assert.notEqual(protocolName('mesh4', 'node-1.a'), protocolName('mesh4', 'node-1-a'));
  });

  test('long host names fit BIRD\'s 64-character symbols', () => {
    const long = Array.from({ length: 4 }, () => 'a'.repeat(60)).join('.');
    assert.ok(protocolName('mesh6', long).length <= 64);
  });

  test('a clash gets a numbered suffix in list order', () => {
    assert.deepEqual(uniqueProtocolNames([{ prefix: 'p', original: 'x' }, { prefix: 'p', original: 'x' }]),
      [protocolName('p', 'x'), `${protocolName('p', 'x')}_2`]);
  });

  test('derived router ids are dotted quads, stable, and differ between names', () => {
    assert.match(derivedRouterId('h1'), /^\d{1,3}(\.\d{1,3}){3}$/);
    assert.equal(derivedRouterId('h1'), derivedRouterId('h1'));
    assert.notEqual(derivedRouterId('h1'), derivedRouterId('h2'));
    assert.notEqual(derivedRouterId('h1'), '0.0.0.0');
  });
});

describe('compileBird: determinism', () => {
  test('same state, same text', () => {
    const s = stateOf([a, b, pool4]);
    assert.equal(compileBird(s, 'node-a'), compileBird(s, 'node-a'));
  });

  test('unrelated events do not change the text', () => {
    const before = compileBird(stateOf([a, b, pool4]), 'node-a');
    const after = compileBird(stateOf([profileDoc('x'), a, endpointDoc('w', 'node-a', 'cali1', ['10.244.0.5']), b, pool4]), 'node-a');
    assert.equal(after, before);
  });

  test('property: the config does not depend on the order the cluster\'s events arrived in', () => {
    fc.assert(
      fc.property(clusterAndShuffle, ([docs, shuffled, host]) => {
        assert.equal(compileBird(stateOf(shuffled), host), compileBird(stateOf(docs), host));
      }),
      { numRuns: 100 },
    );
  });

  test('property: protocol names are unique BIRD symbols of at most 64 characters', () => {
    fc.assert(
      fc.property(clusterDocs, ({ docs, hosts }) => {
        const state = stateOf(docs);
        for (const h of hosts) {
          const names = protocolNames(compileBird(state, h), '\\w+');
          assert.equal(new Set(names).size, names.length);
          for (const n of names) assert.match(n, /^[A-Za-z_][A-Za-z0-9_]{0,63}$/);
        }
      }),
      { numRuns: 100 },
    );
  });
});

/** An endpoint without ipNetworks on node-a: IPAM gives it an address from node-a's block. */
const ipamEndpoint = (name: string) => {
  const doc = endpointDoc(name, 'node-a', `cali-${name}`, []);
  delete (doc.resource.spec as Record<string, unknown>).ipNetworks;
  return doc;
};

describe('compileBird: IPAM blocks go out as aggregates', () => {
  test("a host's own blocks are announced whole; the workload routes inside them are not", () => {
    const state = stateOf([a, b, pool4, ipamEndpoint('w1'), ipamEndpoint('w2')]);
    const blocks = state.blockAffinities.get('node-a') ?? [];
    assert.deepEqual(blocks, ['10.244.0.0/26'], 'the first endpoint claimed the lowest block');
    const conf = compileBird(state, 'node-a');
    assert.match(conf, /function foldnet_own_blocks4\(\) \{\n\s+return net ~ \[ 10\.244\.0\.0\/26\{27,32\} \];/);
    assert.match(conf, /filter foldnet_announce4 \{\n\s+if foldnet_own_blocks4\(\) then reject;\n\s+if foldnet_in_pools4\(\) then accept;\n\s+reject;/);
    assert.match(compileBird(state, 'node-b'), /function foldnet_own_blocks4\(\) \{\n\s+return false;/, 'node-b owns no block');
  });

  test('a workload coming or going inside an owned block does not change the BIRD config', () => {
    assert.equal(compileBird(stateOf([a, b, pool4, ipamEndpoint('w1')]), 'node-a'), compileBird(stateOf([a, b, pool4, ipamEndpoint('w1'), ipamEndpoint('w2'), ipamEndpoint('w3')]), 'node-a'));
  });
});
