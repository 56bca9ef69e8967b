// A real runtime: podman 4.3 (CNI backend) runs busybox containers on two
// foldnet networks whose endpoints get different profiles. The containers get
// their addresses from foldnet's IPAM (dual stack), and once the host's
// snapshot is applied the policy decides who reaches whom: the red profile
// admits red peers only, the blue one blue peers only. podman sends DEL on
// rm, which releases the addresses. Everything runs in a namespace and a temp
// dir of its own (cni-podman-lab.ts).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { CniLab, pool } from './cni-lab';
import { PodmanLab, podmanUnavailable } from './cni-podman-lab';

const skip = podmanUnavailable();

const profile = (name: string) => ({
  apiVersion: 'foldnet.io/v1', kind: 'Profile', metadata: { name },
  spec: { labelsToApply: { group: name }, ingress: [{ action: 'Allow', source: { selector: `group == '${name}'` } }], egress: [{ action: 'Allow' }] },
});

describe('podman on foldnet networks', { skip, timeout: 300_000 }, () => {
  let pm: PodmanLab;
  let cluster: CniLab;
  let netnsBefore: Set<string>;
  const HOST = 'pm1';
  const addr: Record<string, string> = {};

  const httpGet = async (from: string, to: string): Promise<string | undefined> => {
    // busybox wget's own -T segfaults in Debian's static build; `timeout` bounds it instead.
    const r = await pm.podman(['exec', from, 'timeout', '3', 'wget', '-q', '-O', '-', `http://${to}/`]);
    return r.status === 0 ? r.stdout.trim() : undefined;
  };

  before(async () => {
    netnsBefore = new Set(readdirSync('/run/netns'));
    pm = new PodmanLab();
    cluster = new CniLab();
    await cluster.setUp([
      { apiVersion: 'foldnet.io/v1', kind: 'Host', metadata: { name: HOST }, spec: { bgp: { ipv4Address: '10.98.0.1/24' } } },
      pool('v4', '10.67.0.0/24'), pool('v6', 'fd67::/120'), profile('red'), profile('blue'),
    ]);
    pm.setUp();
    for (const colour of ['red', 'blue']) pm.network(`fn-${colour}-${pm.id}`, { log: cluster.logUrl, host: HOST, namespace: 'podman', profiles: [colour] });
  });

  after(() => {
    pm?.cleanup();
    cluster?.cleanup();
  });

  test('containers started by podman get their addresses from foldnet\'s IPAM, both families', async () => {
    for (const [name, colour] of [['a', 'red'], ['b', 'red'], ['c', 'blue']] as const) {
      await pm.podmanOk(['run', '-d', '--name', `${name}-${pm.id}`, '--network', `fn-${colour}-${pm.id}`, '--cap-add', 'NET_RAW', pm.image, 'httpd', '-f', '-p', '80', '-h', '/www']);
    }
    const state = await cluster.state();
    for (const name of ['a', 'b', 'c']) {
      const ep = state.endpoints.get(`podman/${name}-${pm.id}`);
      assert.ok(ep, `endpoint for ${name}`);
      assert.equal(ep.ips.length, 2);
      const inside = await pm.podmanOk(['exec', `${name}-${pm.id}`, 'ip', 'addr', 'show', 'dev', 'eth0']);
      for (const ip of ep.ips) assert.match(inside, new RegExp(`inet6? ${ip.replace(/\./g, '\\.')}/(32|128) `), `${name} holds ${ip}`);
      addr[name] = ep.ips[0]!;
    }
    assert.equal(new Set(Object.values(addr)).size, 3);
  });

  test('with the host\'s snapshot applied, the profiles decide: red reaches red, nobody crosses colours (TCP and ping)', async () => {
    pm.applyHost(cluster.logUrl, HOST);
    const [a, b, c] = ['a', 'b', 'c'].map((n) => `${n}-${pm.id}`) as [string, string, string];
    assert.equal(await httpGet(a, addr.b!), 'hello from foldnet');
    assert.equal(await httpGet(b, addr.a!), 'hello from foldnet');
    assert.equal(await httpGet(a, addr.c!), undefined, 'red → blue must be denied');
    assert.equal(await httpGet(c, addr.a!), undefined, 'blue → red must be denied');
    assert.equal((await pm.podman(['exec', a, 'ping', '-c1', '-W2', addr.b!])).status, 0);
    assert.notEqual((await pm.podman(['exec', c, 'ping', '-c1', '-W2', addr.b!])).status, 0);
  });

  test('podman rm sends DEL: the endpoints go, their addresses are released, no namespace is left behind', async () => {
    await pm.podmanOk(['rm', '--force', '--time', '0', ...['a', 'b', 'c'].map((n) => `${n}-${pm.id}`)]);
    const state = await cluster.state();
    assert.equal(state.endpoints.size, 0);
    assert.equal(state.allocations.size, 0);
    assert.deepEqual(pm.leftoverNetns(netnsBefore), []);
    assert.doesNotMatch(cluster.ipIn(pm.hostNs, ['link']), /cali/);
  });
});
