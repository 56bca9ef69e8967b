// The applier against a model of the kernel (fake-host.ts): what it reads,
// the order and all-or-report behaviour of its steps, and the Applier's
// memory — it reads the kernel only when it must, and repairs drift.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as b from '../../../compiler/nft/build';
import { planHost } from '../../../compiler/plan/host-plan';
import { isEmptyPlan } from '../../../compiler/plan/types';
import { Applier } from '../../../src/applier/applier';
import { applyPlan } from '../../../src/applier/apply-plan';
import { readKernel } from '../../../src/applier/read-kernel';
import { FakeHost } from './fake-host';
import { SEED_DEVICES, seedSnapshots } from './seed-snapshots';
import { HostSnapshot } from '../../../compiler/compile/snapshot';

const snaps = seedSnapshots();
const keysOf = (s: HostSnapshot): string[] => s.sysctls.map((x) => x.key);

/** The host equals the snapshot: reading it back plans nothing. */
const assertConverged = async (host: FakeHost, s: HostSnapshot): Promise<void> => {
  const plan = planHost(await readKernel({ ...host.options(), sysctlKeys: keysOf(s) }), s);
  assert.ok(isEmptyPlan(plan), JSON.stringify(plan).slice(0, 2000));
};

describe('readKernel', () => {
  test('a bare host has no table, no routes of proto 88, and only the sysctls that exist', async () => {
    const host = new FakeHost(['cali-a']);
    const k = await readKernel({ ...host.options(), sysctlKeys: ['net.ipv4.conf.cali-a.proxy_arp', 'net.ipv4.conf.cali-z.proxy_arp', 'net.ipv4.ip_forward'] });
    assert.deepEqual(k, {
      nft: undefined, routes: [], bird: undefined,
      sysctls: [{ key: 'net.ipv4.conf.cali-a.proxy_arp', value: '0' }, { key: 'net.ipv4.ip_forward', value: '0' }],
    });
  });

  test('a table holding what foldnet never writes is reported unreadable, and the plan replaces it', async () => {
    const host = new FakeHost(SEED_DEVICES);
    const original = host.run.bind(host);
    host.run = (cmd, args, input) =>
      cmd === 'nft' && args[1] === 'list'
        ? { status: 0, stdout: JSON.stringify({ nftables: [{ table: { family: 'inet', name: 'foldnet' } }, { chain: { family: 'inet', table: 'foldnet', name: 'x', prio: 'weird' } }] }), stderr: '' }
        : original(cmd, args, input);
    const k = await readKernel(host.options());
    assert.equal(k.nft, undefined);
    assert.ok(k.nftUnreadable !== undefined && k.nftUnreadable.length > 0);
    assert.deepEqual(Object.keys((planHost(k, snaps.seed!).nft[0] as object))[0], 'delete');
  });
});

describe('applyPlan', () => {
  test('a full apply creates the table, routes, sysctls and BIRD config; planning again gives nothing', async () => {
    const host = new FakeHost(SEED_DEVICES);
    const plan = planHost(await readKernel(host.options()), snaps.seed!);
    const r = await applyPlan(plan, host.options());
    assert.ok(r.ok, JSON.stringify(r.failed));
    assert.deepEqual(r.applied, ['nft', 'routes', 'sysctls', 'bird']);
    assert.equal(host.sysctl('net.ipv4.conf.cali-a.proxy_arp'), '1');
    assert.equal(host.files.get('/etc/bird/bird.conf'), snaps.seed!.bird);
    assert.ok(![...host.files.keys()].some((f) => f.includes('foldnet-')), 'no temp file left');
    await assertConverged(host, snaps.seed!);
  });

  test('a refused nft transaction fails step nft and nothing after it runs', async () => {
    const host = new FakeHost(SEED_DEVICES);
    const plan = planHost(await readKernel(host.options()), snaps.seed!);
    const broken = { ...plan, nft: [...plan.nft, b.add(b.rule('no-such-chain', [b.accept]))] };
    const r = await applyPlan(broken, host.options());
    assert.equal(r.ok, false);
    assert.equal(r.failed?.step, 'nft');
    assert.match(r.failed!.error, /no-such-chain/);
    assert.equal(host.ruleset.table, undefined, 'the transaction is all or nothing');
    assert.equal(host.routes.size, 0);
    assert.ok(!host.calls.some((c) => c.includes('-batch')), 'routes must not run after nft failed');
  });

  test('a route to a missing device fails step routes, names the route, and sysctls do not run', async () => {
    const host = new FakeHost(['cali-a', 'cali-b']);
    const plan = planHost(await readKernel(host.options()), snaps.seed!);
    const r = await applyPlan(plan, host.options());
    assert.equal(r.failed?.step, 'routes');
    assert.match(r.failed!.error, /192\.168\.1\.3\/32 dev cali-c/);
    assert.equal(host.routes.size, 2, 'the other routes of the batch are applied');
    assert.equal(host.sysctl('net.ipv4.conf.cali-a.proxy_arp'), '0');
  });

  test('deleting a route that is already gone is not an error', async () => {
    const host = new FakeHost(SEED_DEVICES);
    const plan = planHost(await readKernel(host.options()), snaps.seed!);
    const r = await applyPlan({ ...plan, nft: [], sysctls: [], bird: undefined, routes: { add: [], remove: snaps.seed!.routes } }, host.options());
    assert.ok(r.ok, JSON.stringify(r.failed));
  });

  test('a BIRD config that does not check leaves the old one in place, and no temp file', async () => {
    const host = new FakeHost(SEED_DEVICES);
    host.files.set('/etc/bird/bird.conf', 'old\n');
    const r = await applyPlan({ nft: [], routes: { add: [], remove: [] }, sysctls: [], bird: 'syntax error\n' }, host.options({ birdSocket: '/run/bird.ctl' }));
    assert.equal(r.failed?.step, 'bird');
    assert.equal(host.files.get('/etc/bird/bird.conf'), 'old\n');
    assert.deepEqual([...host.files.keys()].filter((f) => f.startsWith('/etc/bird/')), ['/etc/bird/bird.conf']);
    assert.equal(host.birdReconfigured, 0);
  });

  test('birdc configure runs after a config change only when the control socket exists', async () => {
    const host = new FakeHost();
    const plan = { nft: [], routes: { add: [], remove: [] }, sysctls: [], bird: 'router id 1.1.1.1;\n' };
    assert.ok((await applyPlan(plan, host.options({ birdSocket: '/run/bird.ctl' }))).ok);
    assert.equal(host.birdReconfigured, 0);
    host.files.set('/run/bird.ctl', '');
    assert.ok((await applyPlan(plan, host.options({ birdSocket: '/run/bird.ctl' }))).ok);
    assert.equal(host.birdReconfigured, 1);
  });
});

describe('Applier', () => {
  const lists = (host: FakeHost): number => host.calls.filter((c) => c.startsWith('nft -j list')).length;

  test('reads the kernel on first use only; later syncs plan against what it committed', async () => {
    const host = new FakeHost(SEED_DEVICES);
    const applier = new Applier(host.options());
    const first = await applier.sync(snaps.seed!);
    assert.ok(first.result.ok && first.readKernel);
    const second = await applier.sync(snaps.plusF!);
    assert.ok(second.result.ok && !second.readKernel);
    const third = await applier.sync(snaps.plusF!);
    assert.ok(isEmptyPlan(third.plan));
    assert.equal(lists(host), 1);
    await assertConverged(host, snaps.plusF!);
    const before = lists(host);
    applier.refresh();
    assert.ok((await applier.sync(snaps.plusF!)).readKernel);
    assert.equal(lists(host), before + 1);
  });

  test('after a failed apply the next sync reads the kernel again', async () => {
    const host = new FakeHost(['cali-a', 'cali-b', 'cali-c']);
    const applier = new Applier(host.options());
    assert.ok((await applier.sync(snaps.seed!)).result.ok);
    const failed = await applier.sync(snaps.plusF!); // cali-f does not exist yet
    assert.equal(failed.result.failed?.step, 'routes');
    assert.equal(applier.lastCommitted(), snaps.seed);
    host.addDevice('cali-f');
    const retry = await applier.sync(snaps.plusF!);
    assert.ok(retry.result.ok && retry.readKernel);
    await assertConverged(host, snaps.plusF!);
  });

  test('driftCheck repairs a flushed table, a deleted route and a changed sysctl, and says what it repaired', async () => {
    const host = new FakeHost(SEED_DEVICES);
    const applier = new Applier(host.options());
    assert.ok((await applier.sync(snaps.seed!)).result.ok);
    assert.ok(isEmptyPlan((await applier.driftCheck()).plan));
    host.files.set('/tmp/flush.json', JSON.stringify(b.document([{ flush: { table: { family: 'inet', name: 'foldnet' } } }])));
    assert.equal(host.run('nft', ['-j', '-f', '/tmp/flush.json']).status, 0);
    host.routes.delete([...host.routes.keys()][0]!);
    host.files.set('/fake/sys/net/ipv4/conf/cali-b/proxy_arp', '0\n');
    const repaired = await applier.driftCheck();
    assert.ok(repaired.result.ok, JSON.stringify(repaired.result.failed));
    assert.ok(repaired.plan.nft.some((c) => 'add' in (c as object)));
    assert.equal(repaired.plan.routes.add.length, 1);
    assert.deepEqual(repaired.plan.sysctls, [{ key: 'net.ipv4.conf.cali-b.proxy_arp', value: '1' }]);
    await assertConverged(host, snaps.seed!);
  });

  test('model: whatever happens in between, a successful sync leaves the host equal to its snapshot', async () => {
    const names = Object.keys(snaps);
    type Step = { sync: string } | { tamper: 'flush' | 'route' | 'sysctl' } | { refresh: true } | { drift: true };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.constantFrom(...names).map((sync) => ({ sync })),
      fc.constantFrom('flush', 'route', 'sysctl').map((tamper) => ({ tamper }) as Step),
      fc.constant({ refresh: true } as Step),
      fc.constant({ drift: true } as Step),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const host = new FakeHost(SEED_DEVICES);
        const applier = new Applier(host.options());
        let tampered = false;
        for (const s of steps) {
          if ('sync' in s) {
            const r = await applier.sync(snaps[s.sync]!);
            assert.ok(r.result.ok, JSON.stringify(r.result.failed));
            if (!tampered) await assertConverged(host, snaps[s.sync]!);
          } else if ('drift' in s) {
            const r = await applier.driftCheck();
            assert.ok(r.result.ok);
            if (applier.lastCommitted()) await assertConverged(host, applier.lastCommitted()!);
            tampered = false;
          } else if ('refresh' in s) {
            applier.refresh();
            tampered = false;
          } else {
            tampered = true;
            if (s.tamper === 'flush' && host.ruleset.table !== undefined) {
              host.files.set('/tmp/t.json', JSON.stringify(b.document([{ flush: { table: { family: 'inet', name: 'foldnet' } } }])));
              host.run('nft', ['-j', '-f', '/tmp/t.json']);
            }
            if (s.tamper === 'route') host.routes.delete([...host.routes.keys()][0] ?? '');
            if (s.tamper === 'sysctl') host.files.set('/fake/sys/net/ipv4/ip_forward', '0\n');
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('Applier: what it normalises', () => {
  const tamperTable = (host: FakeHost): void => {
    host.files.set('/tmp/flush.json', JSON.stringify(b.document([{ flush: { table: { family: 'inet', name: 'foldnet' } } }])));
    assert.equal(host.run('nft', ['-j', '-f', '/tmp/flush.json']).status, 0);
  };

  test('onto a host without the table, the first sync loads the ruleset whole as the compiler emitted it', async () => {
    const host = new FakeHost(SEED_DEVICES);
    const s = snaps.seed!;
    const emitted = s.nftables.nftables.map((o) => ({ add: o }));
    const normalised = planHost(await readKernel({ ...host.options(), sysctlKeys: keysOf(s) }), s).nft;
    assert.notDeepEqual(normalised, emitted, 'the seed snapshot is not already in normal form, so the two paths differ');
    const r = await new Applier(host.options()).sync(s);
    assert.ok(r.result.ok && r.readKernel, JSON.stringify(r.result.failed));
    assert.equal(r.listing, 'absent');
    assert.deepEqual(r.plan.nft, emitted);
    await assertConverged(host, s);
  });

  test('a table foldnet cannot read is replaced whole by the ruleset as emitted', async () => {
    const host = new FakeHost(SEED_DEVICES);
    const original = host.run.bind(host);
    let weird = true;
    host.run = (cmd, args, input) =>
      weird && cmd === 'nft' && args[1] === 'list'
        ? { status: 0, stdout: JSON.stringify({ nftables: [{ table: { family: 'inet', name: 'foldnet' } }, { chain: { family: 'inet', table: 'foldnet', name: 'x', prio: 'weird' } }] }), stderr: '' }
        : original(cmd, args, input);
    host.ruleset = { ...host.ruleset, table: 'foldnet' };
    const r = await new Applier(host.options()).sync(snaps.seed!);
    assert.ok(r.result.ok, JSON.stringify(r.result.failed));
    assert.equal(r.listing, 'unreadable');
    assert.deepEqual(r.plan.nft, [{ delete: { table: { family: 'inet', name: 'foldnet' } } }, ...snaps.seed!.nftables.nftables.map((o) => ({ add: o }))]);
    weird = false;
    await assertConverged(host, snaps.seed!);
  });

  test('a drift check normalises a listing once; while the table lists the same it is not normalised again, and routes and sysctls are still repaired', async () => {
    const host = new FakeHost(SEED_DEVICES);
    const applier = new Applier(host.options());
    assert.ok((await applier.sync(snaps.seed!)).result.ok);
    const first = await applier.driftCheck();
    assert.equal(first.listing, 'normalised');
    assert.ok(isEmptyPlan(first.plan));
    const again = await applier.driftCheck();
    assert.equal(again.listing, 'unchanged');
    assert.ok(isEmptyPlan(again.plan));
    host.routes.delete([...host.routes.keys()][0]!);
    host.files.set('/fake/sys/net/ipv4/conf/cali-b/proxy_arp', '0\n');
    const repaired = await applier.driftCheck();
    assert.equal(repaired.listing, 'unchanged');
    assert.deepEqual(repaired.plan.nft, []);
    assert.equal(repaired.plan.routes.add.length, 1);
    assert.deepEqual(repaired.plan.sysctls, [{ key: 'net.ipv4.conf.cali-b.proxy_arp', value: '1' }]);
    assert.ok(repaired.result.ok);
    await assertConverged(host, snaps.seed!);
  });

  test('a table changed after a drift check found it equal is normalised and repaired by the next', async () => {
    const host = new FakeHost(SEED_DEVICES);
    const applier = new Applier(host.options());
    assert.ok((await applier.sync(snaps.seed!)).result.ok);
    await applier.driftCheck();
    assert.equal((await applier.driftCheck()).listing, 'unchanged');
    tamperTable(host);
    const repaired = await applier.driftCheck();
    assert.equal(repaired.listing, 'normalised');
    assert.ok(repaired.plan.nft.length > 0 && repaired.result.ok);
    await assertConverged(host, snaps.seed!);
    assert.equal((await applier.driftCheck()).listing, 'normalised', 'the repair changed the listing: it is checked again');
  });

  test('a sync to another snapshot never takes a listing for unchanged', async () => {
    const host = new FakeHost(SEED_DEVICES);
    const applier = new Applier(host.options());
    assert.ok((await applier.sync(snaps.seed!)).result.ok);
    await applier.driftCheck();
    applier.refresh();
    const r = await applier.sync(snaps.plusF!);
    assert.equal(r.listing, 'normalised');
    assert.ok(r.result.ok);
    await assertConverged(host, snaps.plusF!);
  });
});
