// The applier on real kernels: network namespaces with nft 1.0.6, iproute2
// and BIRD's config checker. A snapshot applied to a bare namespace reads
// back as itself (the next plan is empty); each step between neighbouring
// snapshots plans only what changed and lands exactly; a refused transaction
// changes nothing; what foldnet does not own survives; drift is repaired.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as b from '../../../compiler/nft/build';
import { FOLDNET_RTPROTO, HostSnapshot } from '../../../compiler/compile/snapshot';
import { Cidr } from '../../../compiler/net/ip';
import { planHost } from '../../../compiler/plan/host-plan';
import { isEmptyPlan } from '../../../compiler/plan/types';
import { renderPlan } from '../../../compiler/plan/render-plan';
import { Applier } from '../../../src/applier/applier';
import { applyPlan } from '../../../src/applier/apply-plan';
import { readKernel } from '../../../src/applier/read-kernel';
import { commandKinds } from '../../compiler/plan/plan-helpers';
import { kernelTestsUnavailable, NetnsHost, withNetnsHost } from './netns-host';
import { SEED_DEVICES, seedSnapshots } from './seed-snapshots';

const skip = kernelTestsUnavailable();
const snaps = seedSnapshots();

const read = (h: NetnsHost, s: HostSnapshot) => readKernel({ ...h.options(), sysctlKeys: s.sysctls.map((x) => x.key) });

const assertConverged = async (h: NetnsHost, s: HostSnapshot): Promise<void> => {
  const plan = planHost(await read(h, s), s);
  assert.ok(isEmptyPlan(plan), `the kernel differs from the snapshot:\n${renderPlan(plan)}`);
};

const apply = async (h: NetnsHost, s: HostSnapshot) => {
  const plan = planHost(await read(h, s), s);
  const result = await applyPlan(plan, h.options());
  assert.ok(result.ok, `${result.failed?.step}: ${result.failed?.error}\n${renderPlan(plan)}`);
  return plan;
};

describe('the applier on a real kernel', { skip }, () => {
  test('a full apply of the seed demo creates the table, routes, sysctls and a BIRD config that checks; the second plan is empty', () =>
    withNetnsHost(SEED_DEVICES, async (h) => {
      const plan = await apply(h, snaps.seed!);
      assert.equal(commandKinds(plan)[0], 'add table');
      const routes = JSON.parse(h.sh('ip', '-j', 'route', 'show', 'proto', '88')) as Array<{ dst: string; dev: string }>;
      assert.deepEqual(routes.map((r) => `${r.dst} ${r.dev}`), ['192.168.1.1 cali-a', '192.168.1.2 cali-b', '192.168.1.3 cali-c']);
      assert.equal(h.sh('sysctl', '-n', 'net.ipv4.conf.cali-a.proxy_arp').trim(), '1');
      assert.equal(h.sh('sysctl', '-n', 'net.ipv4.neigh.cali-c.proxy_delay').trim(), '0');
      assert.equal(h.sh('sysctl', '-n', 'net.ipv4.ip_forward').trim(), '1');
      assert.equal(h.sh('cat', join(h.dir, 'bird.conf')), snaps.seed!.bird);
      h.sh('bird', '-p', '-c', join(h.dir, 'bird.conf'));
      await assertConverged(h, snaps.seed!);
    }));

  test('every step between neighbouring snapshots lands exactly, read back from the kernel', () =>
    withNetnsHost(SEED_DEVICES, async (h) => {
      for (const name of ['seed', 'plusF', 'bIsClient', 'withoutC', 'opened', 'plusF', 'seed']) {
        await apply(h, snaps[name]!);
        await assertConverged(h, snaps[name]!);
      }
    }));

  test('the Applier steps through the same snapshots from memory, reading the kernel once, and lands exactly each time', () =>
    withNetnsHost(SEED_DEVICES, async (h) => {
      const applier = new Applier(h.options());
      const reads: boolean[] = [];
      for (const name of ['seed', 'plusF', 'bIsClient', 'withoutC', 'opened', 'plusF', 'seed']) {
        const r = await applier.sync(snaps[name]!);
        assert.ok(r.result.ok, `${name}: ${JSON.stringify(r.result.failed)}\n${renderPlan(r.plan)}`);
        reads.push(r.readKernel);
        await assertConverged(h, snaps[name]!);
      }
      assert.deepEqual(reads, [true, false, false, false, false, false, false]);
    }));

  test('blackholes and IPv6 routes read back as they were written', () =>
    withNetnsHost(SEED_DEVICES, async (h) => {
      const route = (dst: string, type: 'unicast' | 'blackhole', dev?: string) =>
        ({ dst: dst as Cidr, type, ...(dev ? { dev } : {}), scope: type === 'unicast' && !dst.includes(':') ? 'link' as const : 'global' as const, protocol: FOLDNET_RTPROTO });
      const s = { ...snaps.seed!, routes: [...snaps.seed!.routes, route('192.168.1.0/26', 'blackhole'), route('fd10::1/128', 'unicast', 'cali-a'), route('fd10::/122', 'blackhole')] };
      const plan = await apply(h, s);
      assert.equal(plan.routes.add.length, 6);
      await assertConverged(h, s);
      const back = await apply(h, snaps.seed!);
      assert.deepEqual(back.routes.remove.map((r) => r.dst), ['192.168.1.0/26', 'fd10::/122', 'fd10::1/128']);
      await assertConverged(h, snaps.seed!);
    }));

  test('one endpoint more: set and map elements only, nothing rewritten', () =>
    withNetnsHost(SEED_DEVICES, async (h) => {
      await apply(h, snaps.seed!);
      const plan = await apply(h, snaps.plusF!);
      // Its steps are shared with A and B; it has no chain of its own.
      assert.deepEqual(commandKinds(plan), ['add element', 'add element', 'add element']);
      assert.deepEqual(plan.routes, { add: snaps.plusF!.routes.filter((r) => r.dev === 'cali-f'), remove: [] });
      await assertConverged(h, snaps.plusF!);
    }));

  test('an endpoint joining a selector changes one set element on the kernel', () =>
    withNetnsHost(SEED_DEVICES, async (h) => {
      await apply(h, snaps.seed!);
      const plan = await apply(h, snaps.bIsClient!);
      assert.deepEqual(commandKinds(plan), ['add element']);
      await assertConverged(h, snaps.bIsClient!);
    }));

  test('a transaction that names a missing chain fails at step nft and leaves the kernel as it was', () =>
    withNetnsHost(SEED_DEVICES, async (h) => {
      await apply(h, snaps.seed!);
      const before = h.sh('nft', '-j', 'list', 'table', 'inet', 'foldnet');
      const routesBefore = h.sh('ip', '-j', 'route', 'show', 'proto', '88');
      const plan = planHost(await read(h, snaps.plusF!), snaps.plusF!);
      const broken = { ...plan, nft: [...plan.nft, b.add(b.rule('forward', [b.jump('no-such-chain')]))] };
      const r = await applyPlan(broken, h.options());
      assert.equal(r.ok, false);
      assert.equal(r.failed?.step, 'nft');
      assert.match(r.failed!.error, /No such file or directory|no-such-chain/);
      assert.equal(h.sh('nft', '-j', 'list', 'table', 'inet', 'foldnet'), before);
      assert.equal(h.sh('ip', '-j', 'route', 'show', 'proto', '88'), routesBefore);
      assert.ok(!existsSync(join(h.dir, 'x')) && !h.sh('ls', h.dir).includes('foldnet-nft'), 'the transaction file is removed');
    }));

  test('what foldnet does not own survives syncs, a flush of its table and a resync', () =>
    withNetnsHost(SEED_DEVICES, async (h) => {
      h.sh('nft', 'add table inet other');
      h.sh('nft', 'add chain inet other c { type filter hook input priority 10; }');
      h.sh('nft', 'add rule inet other c tcp dport 22 accept');
      h.sh('ip', 'route', 'add', '10.5.0.0/16', 'dev', 'cali-a', 'proto', 'static');
      h.sh('ip', 'route', 'add', '192.168.1.1/32', 'dev', 'cali-b', 'proto', 'static', 'metric', '50');
      h.sh('sysctl', '-w', 'net.ipv4.conf.fnp0.proxy_arp=1');
      const other = h.sh('nft', 'list', 'table', 'inet', 'other');
      const applier = new Applier(h.options());
      for (const s of [snaps.seed!, snaps.plusF!]) assert.ok((await applier.sync(s)).result.ok);
      h.sh('nft', 'flush', 'table', 'inet', 'foldnet');
      applier.refresh();
      const resync = await applier.sync(snaps.plusF!);
      assert.ok(resync.result.ok && resync.readKernel);
      await assertConverged(h, snaps.plusF!);
      assert.equal(h.sh('nft', 'list', 'table', 'inet', 'other'), other);
      const statics = JSON.parse(h.sh('ip', '-j', 'route', 'show', 'proto', 'static')) as Array<{ dst: string; dev: string }>;
      assert.deepEqual(statics.map((r) => `${r.dst} ${r.dev}`).sort(), ['10.5.0.0/16 cali-a', '192.168.1.1 cali-b']);
      assert.equal(h.sh('sysctl', '-n', 'net.ipv4.conf.fnp0.proxy_arp').trim(), '1');
    }));

  test('driftCheck repairs a flushed table and a deleted route', () =>
    withNetnsHost(SEED_DEVICES, async (h) => {
      const applier = new Applier(h.options());
      assert.ok((await applier.sync(snaps.opened!)).result.ok);
      assert.ok(isEmptyPlan((await applier.driftCheck()).plan), 'no drift right after a sync');
      h.sh('nft', 'flush', 'table', 'inet', 'foldnet');
      h.sh('ip', 'route', 'del', '192.168.1.2/32', 'dev', 'cali-b', 'proto', '88');
      const repaired = await applier.driftCheck();
      assert.ok(repaired.result.ok, JSON.stringify(repaired.result.failed));
      assert.ok(commandKinds(repaired.plan).includes('add rule'));
      assert.deepEqual(repaired.plan.routes.add.map((r) => r.dst), ['192.168.1.2/32']);
      await assertConverged(h, snaps.opened!);
      h.sh('nft', 'delete', 'table', 'inet', 'foldnet');
      assert.ok((await applier.driftCheck()).result.ok);
      await assertConverged(h, snaps.opened!);
    }));

  test('a BIRD running in the namespace is reconfigured after its config changes', () =>
    withNetnsHost(SEED_DEVICES, async (h) => {
      const socket = join(h.dir, 'bird.ctl');
      const applier = new Applier(h.options({ birdSocket: socket }));
      assert.ok((await applier.sync(snaps.seed!)).result.ok);
      let bird: ChildProcess | undefined;
      try {
        bird = spawn('ip', ['netns', 'exec', h.name, 'bird', '-f', '-c', join(h.dir, 'bird.conf'), '-s', socket], { stdio: 'ignore' });
        for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(50);
        assert.ok(existsSync(socket), 'BIRD did not start');
        assert.doesNotMatch(h.sh('birdc', '-s', socket, 'show', 'protocols'), /fnmarker/);
        const changed = { ...snaps.seed!, bird: `${snaps.seed!.bird}\nprotocol static fnmarker { ipv4; }\n` };
        const r = await applier.sync(changed);
        assert.ok(r.result.ok, JSON.stringify(r.result.failed));
        assert.deepEqual(r.result.applied, ['bird']);
        assert.match(h.sh('birdc', '-s', socket, 'show', 'protocols'), /fnmarker/, 'BIRD runs the new config');
      } finally {
        bird?.kill('SIGTERM');
      }
    }));
});
