// foldnet-cni and IPAM under a runtime's load, against real namespaces: 20
// ADDs at once get 20 distinct addresses; a full pool refuses the next ADD
// with the fold's reason and leaves nothing behind; a host whose blocks are
// full while no block is free borrows from another host, and the compiler
// routes the borrowed address on the borrower. Errors come in the spec's
// format.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { compileHost } from '../../compiler/compile/host';
import { borrowedAddresses, ownedBlocks } from '../../compiler/ipam/query';
import { cniLabUnavailable, host, pool, withLab } from './cni-lab';

const skip = cniLabUnavailable();

const addressesOf = (json: Record<string, any> | undefined): string[] => (json?.ips ?? []).map((x: { address: string }) => x.address);

describe('foldnet-cni with IPAM', { skip }, () => {
  test('20 concurrent ADDs get 20 distinct addresses, each configured in its own container', () =>
    withLab(async (lab) => {
      await lab.setUp([host('h1', '10.99.0.1'), pool('v4', '10.71.0.0/24')]);
      const containers = Array.from({ length: 20 }, () => ({ ns: lab.container(), cid: lab.containerId() }));
      const runs = await Promise.all(containers.map((c) => lab.call('h1', { command: 'ADD', containerId: c.cid, netns: c.ns, conf: lab.conf('h1') })));
      runs.forEach((r, i) => assert.equal(r.code, 0, `ADD ${i}: ${r.stdout}${r.stderr}`));
      const addresses = runs.map((r) => addressesOf(r.json)[0]!);
      assert.equal(new Set(addresses).size, 20, `addresses: ${addresses.join(' ')}`);
      containers.forEach((c, i) => assert.match(lab.ipIn(c.ns, ['-4', 'addr', 'show', 'dev', 'eth0']), new RegExp(`inet ${addresses[i]!.replace(/\./g, '\\.')} `)));
      const s = await lab.state();
      assert.equal(s.allocations.size, 20);
      assert.equal(s.rejections.size, 0);
      const dels = await Promise.all(containers.map((c) => lab.call('h1', { command: 'DEL', containerId: c.cid, netns: c.ns, conf: lab.conf('h1') })));
      dels.forEach((r, i) => assert.equal(r.code, 0, `DEL ${i}: ${r.stdout}`));
      assert.equal((await lab.state()).allocations.size, 0);
    }));

  test('when the pool is exhausted ADD fails with code 100 and the fold\'s reason, leaving no interface and no endpoint', () =>
    withLab(async (lab) => {
      await lab.setUp([host('h1', '10.99.0.1'), pool('tiny', '10.72.0.0/30', 30)]);
      for (let i = 0; i < 4; i++) {
        const r = await lab.call('h1', { command: 'ADD', containerId: lab.containerId(), netns: lab.container(), conf: lab.conf('h1') });
        assert.equal(r.code, 0, r.stdout);
      }
      const ns = lab.container();
      const cid = lab.containerId();
      const full = await lab.call('h1', { command: 'ADD', containerId: cid, netns: ns, conf: lab.conf('h1') });
      assert.equal(full.code, 1);
      assert.deepEqual(Object.keys(full.json ?? {}).sort(), ['cniVersion', 'code', 'msg']);
      assert.equal(full.json?.code, 100);
      assert.equal(full.json?.msg, `foldnet rejected endpoint default/${cid}: no free IPv4 address: every block of pool tiny (10.72.0.0/30) is full`);
      assert.doesNotMatch(lab.ipIn(ns, ['link']), /eth0/);
      assert.equal((await lab.state()).endpoints.has(`default/${cid}`), false);
    }));

  test('a host with full blocks and no free block borrows an address, routed as a host route on the borrower', () =>
    withLab(async (lab) => {
      await lab.setUp([host('h1', '10.99.0.1'), host('h2', '10.99.0.2'), pool('small', '10.73.0.0/29', 30)]);
      const add = async (h: string) => {
        const r = await lab.call(h, { command: 'ADD', containerId: lab.containerId(), netns: lab.container(), conf: lab.conf(h) });
        assert.equal(r.code, 0, r.stdout);
        return addressesOf(r.json)[0]!;
      };
      for (let i = 0; i < 4; i++) await add('h1');
      assert.equal(await add('h2'), '10.73.0.4/32');
      const borrowed = await add('h1');
      assert.equal(borrowed, '10.73.0.5/32');
      const s = await lab.state();
      assert.deepEqual(ownedBlocks(s, 'h1'), ['10.73.0.0/30']);
      assert.deepEqual(borrowedAddresses(s, 'h1'), ['10.73.0.5']);
      const routes = (h: string) => {
        const snap = compileHost(s, h);
        assert.ok(snap._tag === 'Right');
        return snap.right.routes;
      };
      assert.ok(routes('h1').some((r) => r.dst === '10.73.0.5/32' && r.type === 'unicast'));
      assert.ok(routes('h2').some((r) => r.dst === '10.73.0.4/30' && r.type === 'blackhole'));
      assert.ok(!routes('h1').some((r) => r.dst === '10.73.0.4/30'));
    }));

  test('errors use the spec\'s format and codes: unsupported version 1, missing environment 4, bad JSON 6, bad config 7', () =>
    withLab(async (lab) => {
      await lab.setUp([host('h1', '10.99.0.1'), pool('v4', '10.74.0.0/24')]);
      const base = { command: 'ADD' as const, containerId: lab.containerId(), netns: lab.container() };
      const v = await lab.call('h1', { ...base, conf: lab.conf('h1', { cniVersion: '1.1.0' }) });
      assert.equal(v.code, 1);
      assert.equal(v.json?.code, 1);
      assert.equal(v.json?.cniVersion, '1.1.0');
      const env = await lab.call('h1', { ...base, containerId: '', conf: lab.conf('h1') });
      assert.equal(env.json?.code, 4);
      assert.match(env.json?.msg, /CNI_CONTAINERID/);
      const notJson = await lab.call('h1', { ...base, conf: {}, rawStdin: '{"cniVersion": "1.0.0",' });
      assert.equal(notJson.json?.code, 6);
      assert.equal(notJson.json?.cniVersion, '1.0.0');
      const badField = await lab.call('h1', { ...base, conf: lab.conf('h1', { ipFamilies: ['IPv5'] }) });
      assert.equal(badField.json?.code, 7);
      assert.match(badField.json?.msg, /ipFamilies/);
      const noHost = await lab.call('h1', { ...base, conf: lab.conf('nowhere') });
      assert.equal(noHost.json?.code, 100);
      assert.match(noHost.json?.msg, /host nowhere does not exist/);
    }));

  test('a log that does not answer within timeoutMs makes ADD fail with code 11 (try again later) and build nothing', () =>
    withLab(async (lab) => {
      await lab.setUp([host('h1', '10.99.0.1'), pool('v4', '10.75.0.0/24')]);
      const db = new Database(lab.logUrl.slice('file:'.length));
      db.exec('BEGIN EXCLUSIVE');
      try {
        const ns = lab.container();
        const r = await lab.call('h1', { command: 'ADD', containerId: lab.containerId(), netns: ns, conf: lab.conf('h1', { timeoutMs: 300 }) });
        assert.equal(r.code, 1);
        assert.equal(r.json?.code, 11);
        assert.match(r.json?.msg, /no answer from the event log within 300 ms/);
        assert.doesNotMatch(lab.ipIn(ns, ['link']), /eth0/);
      } finally {
        db.exec('ROLLBACK');
        db.close();
      }
      assert.equal((await lab.state()).endpoints.size, 0);
    }));
});
