// compileBird against the real BIRD 2: every config it writes must pass
// `bird -p` (parse and check, nothing started), for hand-made clusters and for
// generated ones. Then two BIRDs in two network namespaces run the configs and
// must exchange exactly the workload routes the filters allow.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { compileBird } from '../../../compiler/compile/bird';
import { protocolName } from '../../../compiler/compile/bird-names';
import { bgpConfigDoc, clusterDocs, Doc, endpointDoc, hostDoc, peerDoc, poolDoc, stateOf } from './bird-cluster';
import { anycastDocs, service } from './anycast-cluster';
import { stateFrom } from '../policy/build-state';
import { announcedAddresses } from '../../../compiler/compile/nft-services';
import { ClusterIndex } from '../../../compiler/incremental/cluster-index';

const haveBird = spawnSync('bird', ['--version']).status === 0;
const skip = haveBird ? false : 'bird (BIRD 2) is not installed';

describe('bird -p accepts what compileBird writes', { skip }, () => {
  let dir = '';
  let n = 0;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'foldnet-bird-')); });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  /** Fails with BIRD's own message and the config, numbered, so the offending line is easy to find. */
  const assertParses = (conf: string, what: string): void => {
    const file = join(dir, `c${n++}.conf`);
    writeFileSync(file, conf);
    const r = spawnSync('bird', ['-p', '-c', file], { encoding: 'utf8' });
    if (r.status !== 0) {
      const numbered = conf.split('\n').map((l, i) => `${String(i + 1).padStart(4)} ${l}`).join('\n');
      assert.fail(`bird -p rejected the config for ${what} (exit ${r.status}):\n${r.stderr}${r.stdout}\n${numbered}`);
    }
  };

  const a = hostDoc('node-a', { ipv4: '10.0.0.1/24' });
  const b = hostDoc('node-b.rack-1', { ipv4: '10.0.0.2/24' });
  const pools = [poolDoc('p4', '10.244.0.0/16'), poolDoc('p4b', '192.168.64.0/20', true), poolDoc('p6', 'fd10:0:1::/48')];
  const clusters: Record<string, { docs: Doc[]; host: string }> = {
    'a single host': { docs: [a, ...pools], host: 'node-a' },
    'a single host without pools': { docs: [a], host: 'node-a' },
    'two hosts in the mesh': { docs: [a, b, ...pools], host: 'node-a' },
    'two hosts with different AS numbers (eBGP mesh), 4-byte ASN': {
      docs: [hostDoc('node-a', { ipv4: '10.0.0.1/24', asNumber: 4200000000 }), b, ...pools], host: 'node-a',
    },
    'mesh off, explicit peers with passwords': {
      docs: [
        a, b, ...pools, bgpConfigDoc({ nodeToNodeMeshEnabled: false, asNumber: 65010 }),
        peerDoc('tor', { peerIP: '10.0.0.254', asNumber: 65000, password: "p#ss 'w{o}rd'; \\x" }),
        peerDoc('rr', { peerIP: '10.0.0.253', asNumber: 65010, node: 'node-a', acceptPoolRoutes: true }),
        peerDoc('bad', { peerIP: '10.0.0.252', asNumber: 65000, password: 'a"b' }),
      ],
      host: 'node-a',
    },
    'dual stack mesh with an IPv6 peer': {
      docs: [
        hostDoc('node-a', { ipv4: '10.0.0.1/24', ipv6: 'fd00::1/64' }), hostDoc('node-b', { ipv4: '10.0.0.2/24', ipv6: 'fd00::2/64' }),
        hostDoc('node-c', { ipv6: '2001:db8:1:2:3:4:5:6/64' }), ...pools, peerDoc('tor6', { peerIP: 'fd00::fe', asNumber: 65000 }),
      ],
      host: 'node-a',
    },
    'a host without IPv4': {
      docs: [hostDoc('v6-only', { ipv6: 'fd00::9/64' }), hostDoc('node-b', { ipv4: '10.0.0.2/24', ipv6: 'fd00::2/64' }), ...pools],
      host: 'v6-only',
    },
    'a host with a 253-character name': {
      docs: [a, hostDoc(Array.from({ length: 4 }, () => 'x'.repeat(62)).join('.'), { ipv4: '10.0.0.3/24' }), ...pools],
      host: 'node-a',
    },
    'a host the cluster does not know': { docs: [a, ...pools], host: 'ghost' },
  };

  for (const [what, { docs, host }] of Object.entries(clusters)) {
    test(`bird -p accepts the config for ${what}`, () => assertParses(compileBird(stateOf(docs), host), what));
  }

  test('bird -p accepts the config of a host announcing anycast service addresses, and of one that does not', () => {
    const state = stateFrom([...anycastDocs(), service('v6', 'fd96::10', [{ port: 443 }])]);
    const index = new ClusterIndex(state);
    for (const h of ['host-1', 'host-3']) assertParses(compileBird(state, h, announcedAddresses(index, h)), h);
  });

  test('property: bird -p accepts the config of every host of a generated cluster', () => {
    fc.assert(
      fc.property(clusterDocs, ({ docs, hosts }) => {
        const state = stateOf(docs);
        for (const h of hosts) assertParses(compileBird(state, h), `host ${h}`);
      }),
      { numRuns: 25 },
    );
  });
});

// ---- two BIRDs, two namespaces ------------------------------------------------

const run = (cmd: string, args: string[]): string => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
};

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const canNetns = isRoot && spawnSync('ip', ['netns', 'list']).status === 0;

describe('two BIRDs running compiled configs exchange workload routes', { skip: skip || (!canNetns && 'needs root and ip netns') }, () => {
  const tag = `${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
  const ns = { a: `fnbird-a-${tag}`, b: `fnbird-b-${tag}` };
  const birds: ChildProcess[] = [];
  let dir = '';

  const ipn = (n: string, ...args: string[]): string => run('ip', ['-n', n, ...args]);
  const socket = (host: 'a' | 'b'): string => join(dir, `${host}.ctl`);
  const birdc = (host: 'a' | 'b', ...cmd: string[]): string => run('birdc', ['-s', socket(host), ...cmd]);
  const bgpRoutes = (n: string, family: '-4' | '-6'): Array<{ dst: string; gateway?: string }> =>
    JSON.parse(ipn(n, '-j', family, 'route', 'show', 'proto', 'bird') || '[]');

  /** Polls until `ok` returns a value; the deadline only bounds a hang, the assertion is about what arrives. */
  const eventually = async <T>(what: string, probe: () => T | undefined, limitMs = 60_000): Promise<T> => {
    const stop = Date.now() + limitMs;
    for (;;) {
      const v = probe();
      if (v !== undefined) return v;
      if (Date.now() > stop) throw new Error(`gave up waiting for ${what}`);
      await sleep(250);
    }
  };

  const state = stateOf([
    hostDoc('node-a', { ipv4: '10.99.0.1/24', ipv6: 'fd99::1/64' }),
    hostDoc('node-b', { ipv4: '10.99.0.2/24', ipv6: 'fd99::2/64' }),
    poolDoc('p4', '10.244.0.0/16'),
    poolDoc('p6', 'fd10::/48'),
    endpointDoc('w1', 'node-a', 'wla', ['10.244.0.5', 'fd10::5']),
  ]);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'foldnet-bird-ns-'));
    run('ip', ['netns', 'add', ns.a]);
    run('ip', ['netns', 'add', ns.b]);
    // The link between the hosts, and a stand-in workload interface on node-a.
    run('ip', ['link', 'add', 'fnlink', 'netns', ns.a, 'type', 'veth', 'peer', 'name', 'fnlink', 'netns', ns.b]);
    ipn(ns.a, 'link', 'add', 'wla', 'type', 'veth', 'peer', 'name', 'wla-ws');
    for (const [n, i] of [[ns.a, '1'], [ns.b, '2']] as const) {
      ipn(n, 'link', 'set', 'lo', 'up');
      ipn(n, 'addr', 'add', `10.99.0.${i}/24`, 'dev', 'fnlink');
      ipn(n, '-6', 'addr', 'add', `fd99::${i}/64`, 'dev', 'fnlink', 'nodad');
      ipn(n, 'link', 'set', 'fnlink', 'up');
    }
    ipn(ns.a, 'link', 'set', 'wla', 'up');
    ipn(ns.a, 'link', 'set', 'wla-ws', 'up');
    // What the applier would install on node-a (rtproto 88), plus decoys: a
    // rtproto-88 route outside the pools, and a pool route of another rtproto.
    ipn(ns.a, 'route', 'add', '10.244.0.5/32', 'dev', 'wla', 'scope', 'link', 'proto', '88');
    ipn(ns.a, 'route', 'add', 'blackhole', '10.244.7.0/26', 'proto', '88');
    ipn(ns.a, '-6', 'route', 'add', 'fd10::5/128', 'dev', 'wla', 'proto', '88');
    ipn(ns.a, 'route', 'add', '192.0.2.0/24', 'dev', 'wla', 'proto', '88');
    ipn(ns.a, 'route', 'add', '10.244.9.9/32', 'dev', 'wla', 'proto', 'static');
    for (const host of ['a', 'b'] as const) {
      const conf = join(dir, `${host}.conf`);
      writeFileSync(conf, compileBird(state, `node-${host}`));
      const child = spawn('ip', ['netns', 'exec', ns[host], 'bird', '-f', '-c', conf, '-s', socket(host)], { stdio: ['ignore', 'ignore', 'pipe'] });
      birds.push(child);
    }
  });

  after(async () => {
    for (const child of birds) {
      if (child.exitCode === null && child.pid !== undefined) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(5000)]);
      }
    }
    for (const n of [ns.a, ns.b]) spawnSync('ip', ['netns', 'del', n]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('node-b learns node-a\'s pool routes over IPv4 and IPv6 BGP, via node-a', { timeout: 120_000 }, async () => {
    const v4 = await eventually('IPv4 routes on node-b', () => {
      const rs = bgpRoutes(ns.b, '-4');
      return rs.some((r) => r.dst === '10.244.7.0/26') && rs.some((r) => r.dst === '10.244.0.5') ? rs : undefined;
    });
    assert.deepEqual(v4.map((r) => `${r.dst} via ${r.gateway}`).sort(), ['10.244.0.5 via 10.99.0.1', '10.244.7.0/26 via 10.99.0.1']);
    const v6 = await eventually('IPv6 route on node-b', () => {
      const rs = bgpRoutes(ns.b, '-6');
      return rs.some((r) => r.dst === 'fd10::5') ? rs : undefined;
    });
    assert.deepEqual(v6.map((r) => r.dst), ['fd10::5']);
  });

  test('node-a exports exactly its rtproto-88 routes inside pools', { timeout: 60_000 }, () => {
    const exported = birdc('a', 'show', 'route', 'export', protocolName('mesh4', 'node-b'));
    const prefixes = [...exported.matchAll(/^(\d+\.\d+\.\d+\.\d+\/\d+)/gm)].map((m) => m[1]).sort();
    assert.deepEqual(prefixes, ['10.244.0.5/32', '10.244.7.0/26'], exported);
  });
});
