// foldnet-cni driven as a runtime drives it, against real namespaces: ADD
// builds the veth pair and returns the spec's result, CHECK agrees, DEL
// (twice, or for a container never seen) succeeds and undoes it, ADD after
// DEL gets the freed address back, and the routes the compiler emits for the
// endpoint make the workload reachable through the gateway the plugin set.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { compileHost } from '../../compiler/compile/host';
import { podInterfaceName } from '../../compiler/model/from-k8s';
import { CniLab, cniLabUnavailable, host, ipOk, pool } from './cni-lab';

const skip = cniLabUnavailable();

describe('foldnet-cni ADD, CHECK and DEL', { skip }, () => {
  let lab: CniLab;
  before(async () => {
    lab = new CniLab();
    await lab.setUp([host('h1', '10.99.0.1'), pool('v4', '10.70.0.0/24'), pool('v6', 'fd70::/120')]);
  });
  after(() => lab.cleanup());

  test('ADD returns a 1.0.0 result and leaves the container configured, dual stack', async () => {
    const ns = lab.container();
    const cid = lab.containerId();
    const add = await lab.call('h1', { command: 'ADD', containerId: cid, netns: ns, conf: lab.conf('h1') });
    assert.equal(add.code, 0, add.stdout + add.stderr);
    const r = add.json!;
    assert.equal(r.cniVersion, '1.0.0');
    const hostIf = `cali${(await import('../../compiler/hash/sha1')).sha1Hex(cid).slice(0, 11)}`;
    assert.deepEqual(r.interfaces[0], { name: hostIf, mac: 'ee:ee:ee:ee:ee:ee' });
    assert.equal(r.interfaces[1].name, 'eth0');
    assert.equal(r.interfaces[1].sandbox, `/var/run/netns/${ns}`);
    assert.match(r.interfaces[1].mac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.deepEqual(r.ips, [
      { address: '10.70.0.0/32', gateway: '169.254.1.1', interface: 1 },
      { address: 'fd70::/128', gateway: 'fe80::ecee:eeff:feee:eeee', interface: 1 },
    ]);
    assert.deepEqual(r.routes, [{ dst: '0.0.0.0/0', gw: '169.254.1.1' }, { dst: '::/0', gw: 'fe80::ecee:eeff:feee:eeee' }]);
    const addrs = lab.ipIn(ns, ['-j', 'addr', 'show', 'dev', 'eth0']);
    assert.match(addrs, /"local":"10\.70\.0\.0","prefixlen":32/);
    assert.match(addrs, /"local":"fd70::","prefixlen":128/);
    assert.match(lab.ipIn(ns, ['-4', 'route', 'show', 'default']), /default via 169\.254\.1\.1 dev eth0/);
    assert.match(lab.ipIn(ns, ['-6', 'route', 'show', 'default']), /default via fe80::ecee:eeff:feee:eeee dev eth0/);
    assert.match(lab.ipIn(lab.hostNamespace('h1'), ['link', 'show', 'dev', hostIf]), /link\/ether ee:ee:ee:ee:ee:ee/);
    const s = await lab.state();
    assert.deepEqual(s.endpoints.get(`default/${cid}`)?.ips, ['10.70.0.0', 'fd70::']);
  });

  test('CHECK succeeds after ADD and fails once the container side loses its address', async () => {
    const ns = lab.container();
    const cid = lab.containerId();
    const add = await lab.call('h1', { command: 'ADD', containerId: cid, netns: ns, conf: lab.conf('h1') });
    assert.equal(add.code, 0, add.stdout);
    const check = () => lab.call('h1', { command: 'CHECK', containerId: cid, netns: ns, conf: lab.conf('h1', { prevResult: add.json }) });
    const ok = await check();
    assert.equal(ok.code, 0, ok.stdout);
    assert.equal(ok.stdout, '');
    lab.ipIn(ns, ['addr', 'del', `${add.json!.ips[0].address}`, 'dev', 'eth0']);
    const bad = await check();
    assert.equal(bad.code, 1);
    assert.equal(bad.json?.code, 102);
    assert.match(bad.json?.msg, /lacks address/);
  });

  test('DEL removes the interfaces and the endpoint; a second DEL, and a DEL for an unknown container, succeed', async () => {
    const ns = lab.container();
    const cid = lab.containerId();
    const add = await lab.call('h1', { command: 'ADD', containerId: cid, netns: ns, conf: lab.conf('h1') });
    assert.equal(add.code, 0, add.stdout);
    for (let i = 0; i < 2; i++) {
      const del = await lab.call('h1', { command: 'DEL', containerId: cid, netns: ns, conf: lab.conf('h1', { prevResult: add.json }) });
      assert.equal(del.code, 0, del.stdout);
      assert.equal(del.stdout, '');
    }
    assert.doesNotMatch(lab.ipIn(ns, ['link']), /eth0/);
    assert.doesNotMatch(lab.ipIn(lab.hostNamespace('h1'), ['link']), new RegExp(add.json!.interfaces[0].name));
    const s = await lab.state();
    assert.equal(s.endpoints.has(`default/${cid}`), false);
    assert.equal(s.allocations.has(add.json!.ips[0].address.split('/')[0]), false);
    const unknown = await lab.call('h1', { command: 'DEL', containerId: lab.containerId(), netns: '', conf: lab.conf('h1') });
    assert.equal(unknown.code, 0, unknown.stdout);
    const check = await lab.call('h1', { command: 'CHECK', containerId: cid, netns: ns, conf: lab.conf('h1', { prevResult: add.json }) });
    assert.equal(check.json?.code, 3);
  });

  test('ADD after DEL gets the address the DEL freed', async () => {
    const first = lab.containerId();
    const ns1 = lab.container();
    const a = await lab.call('h1', { command: 'ADD', containerId: first, netns: ns1, conf: lab.conf('h1', { ipFamilies: ['IPv4'] }) });
    assert.equal(a.code, 0, a.stdout);
    const del = await lab.call('h1', { command: 'DEL', containerId: first, netns: ns1, conf: lab.conf('h1') });
    assert.equal(del.code, 0, del.stdout);
    const b = await lab.call('h1', { command: 'ADD', containerId: lab.containerId(), netns: lab.container(), conf: lab.conf('h1', { ipFamilies: ['IPv4'] }) });
    assert.equal(b.code, 0, b.stdout);
    assert.deepEqual(b.json!.ips.map((x: { address: string }) => x.address), a.json!.ips.map((x: { address: string }) => x.address));
  });

  test('with Kubernetes CNI_ARGS the endpoint is the pod and the interface is Calico\'s name for it', async () => {
    const ns = lab.container();
    const add = await lab.call('h1', {
      command: 'ADD', containerId: lab.containerId(), netns: ns, conf: lab.conf('h1'),
      cniArgs: 'IgnoreUnknown=1;K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web-0;K8S_POD_INFRA_CONTAINER_ID=x',
    });
    assert.equal(add.code, 0, add.stdout);
    assert.equal(add.json!.interfaces[0].name, podInterfaceName('shop', 'web-0'));
    assert.ok((await lab.state()).endpoints.has('shop/web-0'));
  });

  test('the compiled routes and sysctls for the endpoint make it reachable through the plugin\'s gateways', async () => {
    const ns = lab.container();
    const cid = lab.containerId();
    const add = await lab.call('h1', { command: 'ADD', containerId: cid, netns: ns, conf: lab.conf('h1') });
    assert.equal(add.code, 0, add.stdout);
    const snap = compileHost(await lab.state(), 'h1');
    assert.ok(snap._tag === 'Right');
    // What the applier would do for routes and sysctls (policy is not under test here).
    const hostNs = lab.hostNamespace('h1');
    for (const r of snap.right.routes) {
      const args = r.type === 'blackhole' ? ['blackhole', r.dst] : [r.dst, 'dev', r.dev!, ...(r.scope === 'link' ? ['scope', 'link'] : [])];
      ipOk(['-n', hostNs, 'route', 'replace', ...args, 'proto', String(r.protocol)]);
    }
    for (const s of snap.right.sysctls) ipOk(['netns', 'exec', hostNs, 'sysctl', '-qw', `${s.key}=${s.value}`]);
    const [v4, v6] = add.json!.ips.map((x: { address: string }) => x.address.split('/')[0]);
    ipOk(['netns', 'exec', hostNs, 'ping', '-c1', '-W2', v4]);
    ipOk(['netns', 'exec', hostNs, 'ping', '-6', '-c1', '-W2', v6]);
    ipOk(['netns', 'exec', ns, 'ping', '-c1', '-W2', '10.250.0.1']);
    ipOk(['netns', 'exec', ns, 'ping', '-6', '-c1', '-W2', 'fd99::1']);
  });
});
