// Agents against a log server that fails, for real: the namespace seed demo
// (two `foldnet agent` processes, each in its host's network namespace with
// BIRD and a real kernel) on a private Kafka broker or etcd of the test's own
// (services/kafka.sh, services/etcd.sh), which it SIGKILLs and restarts.
//  - While both agents tail and a producer appends through the CLI, the
//    server is killed and restarted: every acknowledged event is in the log,
//    offsets dense, and both agents resume and converge at the head (their
//    reported hash is the one foldnet computes there; the kernel follows).
//  - An agent started while the server is down says so clearly, retries
//    with capped backoff without exiting, and converges once it is back.
// Every wait is bounded polling; the cluster, the server and its data are
// removed in `after`, also on failure. agent-faults-kafka.test.ts and
// agent-faults-etcd.test.ts run it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggedEvent } from '../../compiler/events/event';
import type { AgentLine } from '../../src/demo/agent-process';
import { DemoCluster } from '../../src/demo/cluster';
import { REPO } from '../../src/demo/node-entry';
import { workloadOf } from '../../src/demo/topology';
import { waitFor } from '../../src/demo/wait';
import { openLog } from '../../src/log/open-log';
import { type PrivateServer, serverOrReport, startPrivateServer } from '../src/log/servers';
import {
  A_BACKEND, type Backend, BACKEND_NAME, type StatusRow, churnPolicy, freshLogUrl, statusUrlFor,
} from './remote-log-demo';
import { demoUnavailable } from './demo-unavailable';

/** The TCP port the churn policy opened in a logged event, if it is one. */
function churnPort(e: LoggedEvent): number | undefined {
  if (e.type !== 'put' || e.kind !== 'NetworkPolicy' || e.key !== 'demo/churn') return undefined;
  const m = /"ports":\[(\d+)\]/.exec(JSON.stringify(e.resource));
  return m ? Number(m[1]) : undefined;
}

const appliedAt = (offset: number) => (l: AgentLine): boolean =>
  typeof l.offset === 'number' && l.offset >= offset && (l.msg === 'applied' || l.msg === 'kernel already current' || l.msg === 'snapshot unchanged');

export function runAgentFaults(backend: Backend): void {
  const name = BACKEND_NAME[backend];
  const title = `agents reading ${A_BACKEND[backend]} log whose server fails`;
  // The private servers need what the shared one needs (services/install.sh).
  if (serverOrReport(backend, title) === undefined) return;

  describe(title, { skip: demoUnavailable({ ping: true }), timeout: 300_000 }, () => {
    let server: PrivateServer | undefined;
    let cluster: DemoCluster | undefined;
    let dir: string | undefined;
    let logUrl = '';
    let nextPort = 2000;
    const c = (): DemoCluster => {
      if (!cluster) throw new Error('the cluster did not come up');
      return cluster;
    };
    const s = (): PrivateServer => {
      if (!server) throw new Error('the server did not start');
      return server;
    };
    const ip = (w: string): string => workloadOf(c().topology, w).ips[0]!;
    /** `foldnet apply` of the churn policy opening a new port; the port when the CLI acknowledged it. */
    const churn = async (): Promise<number | undefined> => {
      const port = nextPort++;
      const file = join(dir!, `churn-${port}.yaml`);
      writeFileSync(file, churnPolicy(port));
      const r = await c().cli(['apply', '-f', file]);
      return r.code === 0 ? port : undefined;
    };
    /** Waits until `foldnet status` says every host converged at `head`. */
    const convergedAt = async (head: number): Promise<StatusRow[]> => {
      let last = '';
      return waitFor(async () => {
        const r = await c().cli(['status', '-o', 'json']);
        last = `exit ${r.code}: ${r.stdout.trim()} ${r.stderr.trim()}`;
        const rows = JSON.parse(r.stdout) as StatusRow[];
        return r.code === 0 && rows.length === 2 && rows.every((x) => x.state === 'converged' && x.appliedOffset === head) ? rows : undefined;
      }, {
        timeoutMs: 60_000,
        everyMs: 250,
        what: () => `both hosts converged at ${head} (last: ${last})\n${c().topology.hosts.map((h) => `${h.name}'s agent:\n${c().agent(h.name).tail(8)}`).join('\n')}`,
      });
    };
    /** A → `to` on TCP `port`: 'open' (refused by the workload: the packet got there), 'dropped' (no answer), or what happened. */
    const probe = async (from: string, to: string, port: number): Promise<string> => {
      const r = await c().workload(from).connect(ip(to), port, 1000);
      return r.ok ? 'connected' : r.error === 'ECONNREFUSED' ? 'open' : r.error === 'timeout' ? 'dropped' : String(r.error);
    };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'foldnet-faults-'));
      server = await startPrivateServer(backend);
      logUrl = freshLogUrl(backend, server.address);
      const statusUrl = statusUrlFor(backend, dir);
      cluster = await DemoCluster.up(
        { fixture: join(REPO, 'fixtures', 'seed-demo.yaml'), logUrl, ...(statusUrl === undefined ? {} : { statusUrl }), metricsPort: 9091 },
        (x) => (cluster = x),
      );
      await c().waitForApplied(await c().head(), 60_000);
      await c().waitForRouting(30_000);
    }, { timeout: 240_000 });

    after(async () => {
      const problems = (await cluster?.down()) ?? [];
      await server?.destroy();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      assert.deepEqual(problems, [], 'cleanup left something behind');
    }, { timeout: 90_000 });

    test(`SIGKILL and restart of the ${name} server while both agents tail and a producer appends: no acknowledged event is lost, the agents resume and converge at the head`, { timeout: 180_000 }, async (t) => {
      const acked: number[] = [];
      let stopping = false;
      let failures = 0;
      const producing = (async () => {
        while (!stopping) {
          const port = await churn();
          if (port === undefined) failures++;
          else acked.push(port);
        }
      })();
      try {
        await waitFor(async () => acked.length >= 5, { timeoutMs: 60_000, what: () => `5 acknowledged appends (${acked.length})` });
        await s().kill();
        const ackedBefore = acked.length;
        const killedAt = Date.now();
        await s().restart();
        t.diagnostic(`${name} server down for ${Date.now() - killedAt} ms (SIGKILL, restart on the same data)`);
        await waitFor(async () => acked.length >= ackedBefore + 5, { timeoutMs: 90_000, what: () => `5 more acknowledged appends after the restart (${acked.length - ackedBefore})` });
      } finally {
        stopping = true;
        await producing;
      }
      t.diagnostic(`${acked.length} appends acknowledged, ${failures} failed while the server was down`);

      const log = openLog(logUrl);
      let events: LoggedEvent[] = [];
      try {
        const head = await log.head();
        for await (const e of log.read(0, head)) events.push(e);
        assert.equal(events.length, head);
      } finally {
        await log.close();
      }
      assert.deepEqual(events.map((e) => e.offset), [...events.keys()], 'offsets are not dense');
      assert.equal(new Set(events.map((e) => e.id)).size, events.length, 'an event was appended twice');
      const logged = events.map(churnPort).filter((p): p is number => p !== undefined);
      assert.deepEqual(logged.filter((p) => acked.includes(p)), acked, 'an acknowledged append is missing or out of order');

      const head = events.length;
      const rows = await convergedAt(head);
      for (const r of rows) assert.equal(r.reportedHash, r.expectedHash);
      // The kernels follow the head: C's and E's newest port passes (refused by the workload), an older one is dropped.
      const newest = logged[logged.length - 1]!;
      assert.equal(await probe('a', 'c', newest), 'open', `A → C TCP ${newest} (the head's port)`);
      assert.equal(await probe('a', 'e', newest), 'open', `A → E TCP ${newest} (the head's port, across hosts)`);
      assert.equal(await probe('a', 'c', acked[0]!), 'dropped', `A → C TCP ${acked[0]} (an older port)`);
      assert.equal(await probe('a', 'd', 80), 'connected', 'A → D TCP 80');
      assert.equal(await probe('c', 'e', 80), 'connected', 'C → E TCP 80');
      assert.equal(await probe('a', 'c', 80), 'dropped', 'A → C TCP 80');
    });

    test(`an agent started while the ${name} server is down logs a clear error, retries with capped backoff, and converges once the server is back`, { timeout: 180_000 }, async (t) => {
      // As if it crashed (SIGTERM would do, but an etcd client that lived through a server restart may keep it for up to 30 s).
      await c().agent('host-2').kill();
      // host-2 misses this change, which opens a port on E (its host): only its agent can let it through.
      const port = await churn();
      assert.ok(port !== undefined, 'the append before the outage failed');
      const head = await c().head();
      await s().kill();
      const startedAt = Date.now();
      const agent = c().startAgent('host-2');
      const said = await agent.waitForLine((l) => l.msg === 'cannot read the log; retrying', 90_000);
      t.diagnostic(`agent start → first message ${Date.now() - startedAt} ms: ${JSON.stringify(said)}`);
      assert.equal(said.level, 'error');
      assert.ok(String(said.error).includes(s().address), `the message names the server ${s().address}: ${String(said.error)}`);
      assert.equal(said.attempt, 1);
      assert.ok(agent.running, 'the agent exited instead of retrying');
      await s().restart();
      await agent.waitForLine(appliedAt(head), 90_000);
      t.diagnostic(`agent start → applied offset ${head} after the restart: ${Date.now() - startedAt} ms`);
      const retries = agent.lines.filter((l) => l.msg === 'cannot read the log; retrying');
      const delays = retries.map((l) => Number(l.retryInMs));
      assert.deepEqual(retries.map((l) => l.attempt), retries.map((_, i) => i + 1), 'attempts are counted');
      assert.deepEqual(delays, [...delays].sort((x, y) => x - y), `the backoff never shrinks: ${delays.join(', ')}`);
      assert.ok(delays.every((d) => d > 0 && d <= 30_000), `the backoff is capped at 30 s: ${delays.join(', ')}`);
      assert.ok(agent.lines.some((l) => l.msg === 'log folded' && l.offset === head), 'the agent folded the log after the server came back');
      await convergedAt(head);
      assert.equal(await probe('a', 'e', port), 'open', `A → E TCP ${port}, opened while host-2's agent was down`);
      assert.equal(await probe('a', 'd', 80), 'connected', 'A → D TCP 80');
    });
  });
}
