// The namespace seed demo with its two agents reading the log from Kafka or
// etcd (the shared servers of services/start.sh) instead of the embedded
// file: a fresh topic or key prefix per run, the fixture applied to it, BGP,
// reachability with real packets on a few key pairs, the A → C policy change
// appended through the CLI to that log, and `foldnet status` seeing both
// hosts converged. Every wait is bounded polling; the cluster, the topic or
// prefix and the status store are removed in `after`, also on failure.
// seed-demo-kafka.test.ts and seed-demo-etcd.test.ts run it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bgpEstablished, birdProtocols } from '../../src/demo/bgp';
import { DemoCluster } from '../../src/demo/cluster';
import { REPO } from '../../src/demo/node-entry';
import { workloadOf } from '../../src/demo/topology';
import { waitFor } from '../../src/demo/wait';
import { dropLog } from '../src/log/drop-log';
import { serverOrReport } from '../src/log/servers';
import { type Backend, BACKEND_NAME, type StatusRow, freshLogUrl, statusUrlFor, statusWhere } from './remote-log-demo';
import { demoUnavailable } from './demo-unavailable';

const ALLOWED = [['a', 'b'], ['c', 'e'], ['a', 'd']] as const;
const DENIED = [['a', 'c']] as const;

export function runRemoteSeedDemo(backend: Backend): void {
  const name = BACKEND_NAME[backend];
  const title = `the seed demo with both agents reading the log from ${name}`;
  const address = serverOrReport(backend, title);
  if (address === undefined) return;

  describe(title, { skip: demoUnavailable({ ping: true }), timeout: 180_000 }, () => {
    const logUrl = freshLogUrl(backend, address);
    let statusDir: string | undefined;
    let cluster: DemoCluster | undefined;
    const c = (): DemoCluster => {
      if (!cluster) throw new Error('the cluster did not come up');
      return cluster;
    };
    const ip = (w: string): string => workloadOf(c().topology, w).ips[0]!;
    const connects = async (from: string, to: string, port: number): Promise<boolean> => (await c().workload(from).connect(ip(to), port, 1000)).ok;

    before(async () => {
      statusDir = mkdtempSync(join(tmpdir(), 'foldnet-status-'));
      const statusUrl = statusUrlFor(backend, statusDir);
      cluster = await DemoCluster.up(
        { fixture: join(REPO, 'fixtures', 'seed-demo.yaml'), logUrl, ...(statusUrl === undefined ? {} : { statusUrl }), metricsPort: 9091 },
        (x) => (cluster = x),
      );
      await c().waitForApplied(await c().head(), 60_000);
      await c().waitForRouting(30_000);
    }, { timeout: 120_000 });

    after(async () => {
      const problems = (await cluster?.down()) ?? [];
      await dropLog(logUrl);
      if (statusDir !== undefined) rmSync(statusDir, { recursive: true, force: true });
      assert.deepEqual(problems, [], 'cleanup left something behind');
    }, { timeout: 60_000 });

    test(`the agents followed the ${name} log to its head, and BGP is Established on both hosts`, async (t) => {
      t.diagnostic(`log ${logUrl}`);
      assert.equal(c().logUrl, logUrl);
      const head = await c().head();
      assert.equal(head, 10, 'the fixture is 10 resources');
      for (const h of c().topology.hosts) {
        assert.ok(c().agent(h.name).lines.some((l) => l.msg === 'log folded' && l.offset === head), `${h.name} folded the log up to ${head}`);
        const ps = await birdProtocols(c().birdSocket(h.name));
        assert.ok(bgpEstablished(ps), `${h.name}: ${JSON.stringify(ps)}`);
      }
    });

    test('real packets on TCP 80: A↔B, C↔E and A↔D (across hosts) connect, A↔C does not', async () => {
      for (const [x, y] of ALLOWED) {
        assert.ok(await connects(x, y, 80), `${x} → ${y}`);
        assert.ok(await connects(y, x, 80), `${y} → ${x}`);
      }
      for (const [x, y] of DENIED) {
        assert.ok(!(await connects(x, y, 80)), `${x} → ${y} must be dropped`);
        assert.ok(!(await connects(y, x, 80)), `${y} → ${x} must be dropped`);
      }
    });

    test(`the A → C policy change, appended through the CLI to the ${name} log, opens A → C on TCP 80 only`, async (t) => {
      const before = await c().head();
      const opened = c().workload('a').awaitOpen(ip('c'), 80, { everyMs: 5, deadlineMs: 30_000 });
      const r = await c().cliOk(['apply', '-f', join(REPO, 'fixtures', 'seed-demo-open-a-to-c.yaml')]);
      assert.match(r.stdout, /created/);
      const head = await c().head();
      assert.equal(head, before + 1);
      const appendedAt = await c().eventTime(head - 1);
      const open = await opened;
      assert.ok(open.ok, 'A → C TCP 80 never passed');
      t.diagnostic(`event appended to ${name} → A → C TCP 80 passes on host-1's kernel: ${(open.startedAt! - appendedAt).toFixed(1)} ms`);
      await c().waitForApplied(head, 30_000);
      assert.ok(!(await connects('a', 'c', 443)), 'A → C TCP 443 stays closed');
      assert.ok(!(await connects('c', 'a', 80)), 'C → A TCP 80 stays closed');
      assert.ok(await connects('a', 'b', 80), 'A → B TCP 80 still passes');
    });

    test(`foldnet status reports both hosts converged (status in ${statusWhere(backend)})`, async (t) => {
      const head = await c().head();
      let last = '';
      // A host the change did not touch reports the new offset too: its kernel is current there as well.
      const rows = await waitFor(async () => {
        const r = await c().cli(['status', '-o', 'json']);
        last = `exit ${r.code}: ${r.stdout}${r.stderr}`;
        const rows = JSON.parse(r.stdout) as StatusRow[];
        return r.code === 0 && rows.length === 2 && rows.every((x) => x.appliedOffset === head) ? rows : undefined;
      }, { timeoutMs: 20_000, what: () => `both hosts converged at ${head} (${last})` });
      assert.deepEqual(rows.map((r) => [r.host, r.state]), [['host-1', 'converged'], ['host-2', 'converged']]);
      for (const r of rows) {
        assert.equal(r.lag, 0, `${r.host}: lag`);
        assert.equal(r.reportedHash, r.expectedHash, `${r.host}: reported hash`);
        assert.equal(r.head, head);
      }
      t.diagnostic(rows.map((r) => `${r.host} ${r.state} applied ${r.appliedOffset} lag ${r.lag}`).join('; '));
      const table = await c().cli(['status']);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /host-1\s+converged/);
      assert.match(table.stdout, /host-2\s+converged/);
    });
  });
}
