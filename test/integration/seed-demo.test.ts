// The seed demo on real kernels, end to end: two host namespaces with a
// foldnet agent and BIRD each, five workload namespaces, real packets.
// Every wait is bounded polling for a condition; measured times are reported
// with t.diagnostic, never asserted. Everything the suite creates (agents,
// BIRDs, workload processes, namespaces, files) is removed in `after`, also
// when a test fails. Needs root, ip, nft, bird, birdc and ping.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readAgentState } from '../../src/agent/agent-state-file';
import { birdPaths, runningBird } from '../../src/agent/bird-daemon';
import { bgpEstablished, birdProtocols, hostRoute, kernelRoutes } from '../../src/demo/bgp';
import { DemoCluster } from '../../src/demo/cluster';
import { execOk } from '../../src/demo/exec';
import { compareMatrices, measurePing, measureTcp } from '../../src/demo/matrix';
import { REPO } from '../../src/demo/node-entry';
import { RouteMonitor, toAddress } from '../../src/demo/route-monitor';
import { metric, scrapeMetrics } from '../../src/demo/scrape';
import { hostOf, workloadOf } from '../../src/demo/topology';
import { waitFor } from '../../src/demo/wait';
import { demoUnavailable } from './demo-unavailable';

const METRICS_PORT = 9091;
const ALLOWED = [['a', 'b'], ['a', 'd'], ['b', 'd'], ['c', 'e']] as const;
const DENIED = [['a', 'c'], ['b', 'e'], ['d', 'c']] as const;

describe('the seed demo on real kernels', { skip: demoUnavailable({ ping: true }), timeout: 180_000 }, () => {
  let cluster: DemoCluster | undefined;
  const c = (): DemoCluster => {
    if (!cluster) throw new Error('the cluster did not come up');
    return cluster;
  };
  const ip = (name: string): string => workloadOf(c().topology, name).ips[0]!;
  const connects = async (from: string, to: string, port: number, timeoutMs = 1000): Promise<boolean> =>
    (await c().workload(from).connect(ip(to), port, timeoutMs)).ok;
  const now = (): number => performance.timeOrigin + performance.now();
  let convergedAfterMs = 0;

  before(async () => {
    const started = now();
    cluster = await DemoCluster.up({ fixture: join(REPO, 'fixtures', 'seed-demo.yaml'), driftIntervalS: 1, metricsPort: METRICS_PORT }, (x) => (cluster = x));
    await c().waitForApplied(await c().head(), 30_000);
    await c().waitForRouting(30_000);
    convergedAfterMs = now() - started;
  }, { timeout: 90_000 });

  after(async () => {
    const problems = (await cluster?.down()) ?? [];
    assert.deepEqual(problems, [], 'cleanup left something behind');
  }, { timeout: 30_000 });

  test('BGP sessions are Established on both hosts (birdc show protocols)', async (t) => {
    t.diagnostic(`cluster ${c().runId}: namespaces, agents, BGP and routes up ${Math.round(convergedAfterMs)} ms after start`);
    for (const h of c().topology.hosts) {
      const ps = await birdProtocols(c().birdSocket(h.name));
      assert.ok(bgpEstablished(ps), `${h.name}: ${JSON.stringify(ps)}`);
    }
  });

  test("each host routes the other host's workloads via the other host (learned by BGP)", async () => {
    const h1 = hostOf(c().topology, 'host-1');
    const h2 = hostOf(c().topology, 'host-2');
    const r1 = await kernelRoutes(h1.netns);
    const r2 = await kernelRoutes(h2.netns);
    for (const w of ['d', 'e']) assert.deepEqual([hostRoute(r1, ip(w))?.gateway, hostRoute(r1, ip(w))?.protocol], ['10.99.0.2', 'bird'], `host-1 → ${w}`);
    for (const w of ['a', 'b', 'c']) assert.deepEqual([hostRoute(r2, ip(w))?.gateway, hostRoute(r2, ip(w))?.protocol], ['10.99.0.1', 'bird'], `host-2 → ${w}`);
    assert.equal(hostRoute(r1, ip('a'))?.dev, 'cali-a');
  });

  test('A↔B, A↔D, B↔D, C↔E connect (TCP 80 and ping); A↔C, B↔E, D↔C do not', async () => {
    for (const [x, y] of ALLOWED) {
      assert.ok(await connects(x, y, 80), `${x} → ${y} TCP 80`);
      assert.ok(await connects(y, x, 80), `${y} → ${x} TCP 80`);
    }
    for (const [x, y] of DENIED) {
      assert.ok(!(await connects(x, y, 80)), `${x} → ${y} TCP 80 must be dropped`);
      assert.ok(!(await connects(y, x, 80)), `${y} → ${x} TCP 80 must be dropped`);
    }
    const ping = await measurePing(c().topology.workloads);
    for (const [x, y] of ALLOWED) assert.ok(ping[`demo/${x}`]![`demo/${y}`], `ping ${x} → ${y}`);
    for (const [x, y] of DENIED) assert.ok(!ping[`demo/${x}`]![`demo/${y}`], `ping ${x} → ${y} must fail`);
  });

  test("the matrix measured with real packets equals foldnet reachability's prediction (TCP 80, TCP 443)", async () => {
    for (const port of [80, 443]) {
      const measured = await measureTcp(c().topology.workloads, (k) => c().workload(k), port);
      assert.deepEqual(compareMatrices(measured, await c().predicted('TCP', port)).mismatches, [], `TCP ${port}`);
    }
  });

  // B (same host as A) and E (the other host) may reach D; an address no endpoint has is not routed to A either.
  for (const [what, spoofed] of [
    ["a workload on the same host", () => ip('b')],
    ["a workload on the other host", () => ip('e')],
    ['no endpoint', () => '10.123.45.67'],
  ] as const)
    test(`a workload sending from the address of ${what} is dropped (anti-spoofing)`, async () => {
      const a = workloadOf(c().topology, 'a');
      const d = c().workload('d');
      const from = spoofed();
      const tag = `${c().runId}-${Date.now()}`;
      // A holds the address too, so its own kernel lets it send from there.
      await execOk('ip', ['-n', a.netns, 'addr', 'add', `${from}/32`, 'dev', 'eth0']);
      try {
        await c().workload('a').udpSend(ip('d'), 9999, `spoofed-${tag}`, from);
        await c().workload('a').udpSend(ip('d'), 9999, `control-${tag}`, ip('a'));
        // The control datagram went the same way after the spoofed one: once it is there, the other would be too.
        const seen = await waitFor(async () => {
          const s = await d.udpSeen();
          return s.some((x) => x.payload === `control-${tag}`) ? s : undefined;
        }, { timeoutMs: 5000, what: 'the control datagram from A to reach D' });
        // (A TCP handshake could not tell: D's answer goes to the spoofed address, never back to A.)
        assert.deepEqual(seen.filter((x) => x.payload === `spoofed-${tag}`), [], 'the spoofed datagram reached D');
      } finally {
        await execOk('ip', ['-n', a.netns, 'addr', 'del', `${from}/32`, 'dev', 'eth0']);
      }
    });

  test('the policy change opens A → C on TCP 80 only, and the kernels follow', async (t) => {
    const a = c().workload('a');
    const opened = a.awaitOpen(ip('c'), 80, { everyMs: 5, deadlineMs: 20_000 });
    await c().cliOk(['apply', '-f', join(REPO, 'fixtures', 'seed-demo-open-a-to-c.yaml')]);
    const head = await c().head();
    const appendedAt = await c().eventTime(head - 1);
    const r = await opened;
    assert.ok(r.ok, 'A → C TCP 80 never passed');
    t.diagnostic(`event appended → A → C TCP 80 passes on host-1's kernel: ${(r.startedAt! - appendedAt).toFixed(1)} ms`);
    await c().waitForApplied(head);
    assert.ok(!(await connects('a', 'c', 443)), 'A → C TCP 443 stays closed');
    assert.ok(!(await connects('c', 'a', 80)), 'C → A TCP 80 stays closed');
    assert.ok(!(await connects('b', 'c', 80)), 'B → C TCP 80 stays closed');
    assert.deepEqual(compareMatrices(await measureTcp(c().topology.workloads, (k) => c().workload(k), 80), await c().predicted('TCP', 80)).mismatches, []);
  });

  test('an agent killed with SIGKILL restarts and converges, and allowed connections never drop meanwhile', async (t) => {
    const bird = birdPaths(c().hostDir('host-1'));
    const birdPid = await runningBird(bird);
    const bgpSince = (await birdProtocols(bird.socket)).find((p) => p.proto === 'BGP')?.since;
    assert.ok(birdPid !== undefined && bgpSince);
    // Probes across hosts (A → D, D → B) and within host-1 (B → A), 20 a second, each given 1 s.
    await c().workload('a').watchStart('restart', ip('d'), 80, 50, 1000);
    await c().workload('d').watchStart('restart', ip('b'), 80, 50, 1000);
    await c().workload('b').watchStart('restart', ip('a'), 80, 50, 1000);
    const killedAt = now();
    await c().agent('host-1').kill();
    // While it is down the log moves on: the restarted agent must catch up.
    await c().cliOk(['delete', 'networkpolicy', 'a-to-c-http', '-n', 'demo']);
    const head = await c().head();
    const agent = c().startAgent('host-1');
    await agent.waitForLine((l) => l.msg === 'applied' && typeof l.offset === 'number' && l.offset >= head, 20_000);
    t.diagnostic(`SIGKILL → restarted agent applied offset ${head}: ${Math.round(now() - killedAt)} ms`);
    await waitFor(async () => !(await connects('a', 'c', 80, 300)), { timeoutMs: 10_000, what: 'A → C TCP 80 to close after the restart' });
    const watches = await Promise.all(['a', 'd', 'b'].map((w) => c().workload(w).watchStop('restart')));
    for (const [i, w] of watches.entries()) {
      assert.ok(w.attempts > 5, `probe ${i} ran`);
      assert.deepEqual(w.failures, [], `probe ${['A → D', 'D → B', 'B → A'][i]} failed during the restart`);
    }
    t.diagnostic(`probes during the restart: ${watches.map((w) => w.attempts).join(' + ')} handshakes, none failed`);
    assert.ok(agent.lines.some((l) => l.msg === 'bird already running; reusing it' && l.pid === birdPid), 'the restarted agent reused BIRD');
    assert.equal(await runningBird(bird), birdPid);
    assert.equal((await birdProtocols(bird.socket)).find((p) => p.proto === 'BGP')?.since, bgpSince, 'the BGP session flapped');
  });

  test('`nft flush table inet foldnet` on host-1 is repaired by the drift check', async (t) => {
    const h1 = hostOf(c().topology, 'host-1');
    const agent = c().agent('host-1');
    const from = agent.lines.length;
    const before = await scrapeMetrics(h1.netns, METRICS_PORT);
    const flushedAt = now();
    await execOk('ip', ['netns', 'exec', h1.netns, 'nft', 'flush', 'table', 'inet', 'foldnet']);
    const repaired = await agent.waitForLine((l) => l.msg === 'drift check repaired the kernel', 10_000, from);
    t.diagnostic(`flush → drift check repaired ${String(repaired.planSize)} objects: ${Math.round(now() - flushedAt)} ms (drift interval 1 s)`);
    assert.ok(Number(repaired.planSize) > 0);
    assert.ok(agent.lines.slice(from).some((l) => l.msg === 'drift repaired'), 'each repair is logged');
    // Isolation is back: A → C closed again (a flushed table accepts everything), A → B open.
    await waitFor(async () => !(await connects('a', 'c', 80, 300)), { timeoutMs: 5000, what: 'A → C TCP 80 to be dropped again' });
    assert.ok(await connects('a', 'b', 80));
    const after = await scrapeMetrics(h1.netns, METRICS_PORT);
    assert.ok(metric(after, 'foldnet_drift_repairs_total')! > metric(before, 'foldnet_drift_repairs_total')!, 'foldnet_drift_repairs_total grew');
  });

  test('deleting endpoint E withdraws its route from host-1', async (t) => {
    const h1 = hostOf(c().topology, 'host-1');
    const h2 = hostOf(c().topology, 'host-2');
    const monitor = new RouteMonitor(h1.netns);
    try {
      await c().cliOk(['delete', 'wep', 'e', '-n', 'demo']);
      const appendedAt = await c().eventTime((await c().head()) - 1);
      const gone = await monitor.waitFor((x) => x.deleted && toAddress(ip('e'))(x), appendedAt - 5, 20_000);
      t.diagnostic(`event appended → route to E withdrawn on host-1's kernel: ${(gone.at - appendedAt).toFixed(1)} ms`);
    } finally {
      monitor.stop();
    }
    assert.equal(hostRoute(await kernelRoutes(h1.netns), ip('e')), undefined, 'host-1 still routes to E');
    assert.equal(hostRoute(await kernelRoutes(h2.netns), ip('e')), undefined, 'host-2 still routes to E');
    assert.ok(hostRoute(await kernelRoutes(h1.netns), ip('d')), 'host-1 lost the route to D too');
  });

  test('metrics: applied offset at the head, no lag, apply durations observed', async () => {
    const head = await c().head();
    const h2 = hostOf(c().topology, 'host-2');
    const m = await waitFor(async () => {
      const x = await scrapeMetrics(h2.netns, METRICS_PORT);
      return metric(x, 'foldnet_applied_offset') === head ? x : undefined;
    }, { timeoutMs: 10_000, what: `host-2's foldnet_applied_offset to reach ${head}` });
    assert.equal(metric(m, 'foldnet_log_head'), head);
    assert.equal(metric(m, 'foldnet_lag_events'), 0);
    assert.ok(metric(m, 'foldnet_apply_duration_seconds_count')! >= 1);
    assert.equal(metric(m, 'foldnet_apply_errors_total'), 0);
  });

  test('SIGTERM stops an agent with exit 0, its offset persisted, its BIRD left running', async () => {
    const head = await c().head();
    await c().waitForApplied(head);
    assert.equal(await c().agent('host-2').stop(), 0);
    const saved = await readAgentState(c().hostDir('host-2'));
    assert.equal(saved?.offset, head);
    assert.ok((await runningBird(birdPaths(c().hostDir('host-2')))) !== undefined, 'BIRD stopped with the agent');
    assert.ok(await connects('a', 'd', 80), 'A → D stopped passing with host-2 agent gone');
  });
});
