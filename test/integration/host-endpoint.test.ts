// Host protection on real kernels: three host namespaces with a foldnet agent
// and BIRD each, host-1's `uplink` a host endpoint whose profile allows all
// (fixtures/host-endpoint-demo.yaml). A global policy selecting it lets in
// only TCP 8080 from host-2 (fixtures/host-endpoint-demo-policy.yaml): host-1's
// other ports close to host-2 and host-3, its failsafe ports (TCP 22 and BGP's
// 179) stay open unless a FelixConfiguration takes them out of its list,
// and deleting the policy reopens everything. Servers on
// host-1 and clients on host-2 and host-3 are demo workload processes started
// in the host namespaces themselves (not workloads). Every wait is bounded
// polling; everything is torn down in `after`, also when a test fails. Needs
// root, ip, nft, bird and birdc.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { bgpEstablished, type BirdProtocol, birdProtocols } from '../../src/demo/bgp';
import { DemoCluster } from '../../src/demo/cluster';
import { execOk } from '../../src/demo/exec';
import { REPO } from '../../src/demo/node-entry';
import { hostOf, workloadOf } from '../../src/demo/topology';
import { waitFor } from '../../src/demo/wait';
import { WorkloadClient } from '../../src/demo/workload-client';
import { demoUnavailable } from './demo-unavailable';

const HOST_1 = '10.99.0.1';
/** Ports host-1 serves: the one the policy opens, one it does not, and a failsafe one. */
const OPEN = 8080;
const CLOSED = 8081;
const SSH = 22;
const PORTS = [OPEN, CLOSED, SSH] as const;
const CLIENTS = ['host-2', 'host-3'] as const;

describe('a host endpoint on real kernels (host-1 uplink, a policy allowing TCP 8080 from host-2)', { skip: demoUnavailable(), timeout: 240_000 }, () => {
  let cluster: DemoCluster | undefined;
  const started: WorkloadClient[] = [];
  const procs = new Map<string, WorkloadClient>();
  const c = (): DemoCluster => {
    if (!cluster) throw new Error('the cluster did not come up');
    return cluster;
  };
  const proc = (host: string): WorkloadClient => {
    const p = procs.get(host);
    if (!p) throw new Error(`no process in ${host}'s namespace`);
    return p;
  };
  /** Which of host-1's ports `host` completes a handshake with (1 s each: a dropped SYN is a timeout). */
  const reachable = async (host: string): Promise<Record<number, boolean>> => {
    const out: Record<number, boolean> = {};
    for (const port of PORTS) out[port] = (await proc(host).connect(HOST_1, port, 1000)).ok;
    return out;
  };
  const bgp = async (host: string): Promise<BirdProtocol[]> => (await birdProtocols(c().birdSocket(host))).filter((p) => p.proto === 'BGP');
  const assertBgpUp = async (): Promise<void> => {
    for (const h of c().topology.hosts) {
      const ps = await birdProtocols(c().birdSocket(h.name));
      assert.ok(bgpEstablished(ps), `${h.name}: ${JSON.stringify(ps.filter((p) => p.proto === 'BGP'))}`);
    }
  };
  /** Forwarded traffic is not host traffic: w2 (host-2) reaches w1 (host-1) through host-1's uplink whatever the host endpoint's policy. */
  const assertWorkloadsUnaffected = async (): Promise<void> => {
    const w1 = workloadOf(c().topology, 'w1').ips[0]!;
    assert.ok((await c().workload('w2').connect(w1, 80, 2000)).ok, 'w2 → w1 TCP 80 (forwarded through host-1)');
    assert.ok((await proc('host-1').connect(w1, 80, 2000)).ok, 'host-1 → its own workload w1 TCP 80');
  };

  before(async () => {
    cluster = await DemoCluster.up({ fixture: join(REPO, 'fixtures', 'host-endpoint-demo.yaml') }, (x) => (cluster = x));
    await c().waitForApplied(await c().head(), 30_000);
    await c().waitForRouting(45_000);
    // Started one by one and remembered at once, so `after` stops whatever did start.
    for (const [host, tcp] of [['host-1', [...PORTS]], ['host-2', []], ['host-3', []]] as const) {
      const p = await WorkloadClient.start(hostOf(c().topology, host).netns, { tcp, udp: null });
      started.push(p);
      procs.set(host, p);
    }
  }, { timeout: 120_000 });

  after(async () => {
    const problems: string[] = [];
    for (const p of started) await p.stop().catch((e: unknown) => problems.push(`stop the process in ${p.netns}: ${String(e)}`));
    problems.push(...((await cluster?.down()) ?? []));
    assert.deepEqual(problems, [], 'cleanup left something behind');
  }, { timeout: 30_000 });

  const sessionsBefore: Record<string, string[]> = {};
  const sessionName = (x: string): string => x.split(' since ')[0]!;
  /** `HH:MM:SS.mmm` of a `<name> since <time>` line, in ms of the day. */
  const sinceMs = (x: string): number => {
    const m = /(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(x);
    assert.ok(m, `no time in ${JSON.stringify(x)}`);
    return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number((m[4] ?? '0').padEnd(3, '0'));
  };

  test("with only the host endpoint's allow-all profile, host-2 and host-3 reach every port of host-1", async () => {
    for (const h of CLIENTS) assert.deepEqual(await reachable(h), { [OPEN]: true, [CLOSED]: true, [SSH]: true }, `from ${h}`);
    await assertBgpUp();
    await assertWorkloadsUnaffected();
    for (const h of c().topology.hosts) sessionsBefore[h.name] = (await bgp(h.name)).map((p) => `${p.name} since ${p.since}`);
  });

  test('the policy lets in TCP 8080 from host-2 only; failsafe TCP 22 stays open to both; BGP sessions stay Established without a flap', async () => {
    await c().cliOk(['apply', '-f', join(REPO, 'fixtures', 'host-endpoint-demo-policy.yaml')]);
    await c().waitForApplied(await c().head());
    assert.deepEqual(await reachable('host-2'), { [OPEN]: true, [CLOSED]: false, [SSH]: true }, 'from host-2 (10.99.0.2, the allowed network)');
    assert.deepEqual(await reachable('host-3'), { [OPEN]: false, [CLOSED]: false, [SSH]: true }, 'from host-3 (10.99.0.3)');
    await assertBgpUp();
    // BIRD prints `since` from a clock it converts on each call, so an unchanged session may differ by a millisecond;
    // a session that went down and up again would be seconds later (connect delay 2 s).
    for (const h of c().topology.hosts) {
      const now = (await bgp(h.name)).map((p) => `${p.name} since ${p.since}`);
      assert.ok(sessionsBefore[h.name], `${h.name}: the sessions were not recorded before the policy came in (an earlier test failed)`);
      assert.deepEqual(now.map(sessionName), sessionsBefore[h.name]!.map(sessionName), `${h.name}: the same sessions`);
      now.forEach((x, i) => assert.ok(Math.abs(sinceMs(x) - sinceMs(sessionsBefore[h.name]![i]!)) < 500, `a BGP session changed state (flapped) when the policy came in: ${h.name}: ${sessionsBefore[h.name]![i]} → ${x}`));
    }
    await assertWorkloadsUnaffected();
  });

  test("host-1's BGP sessions, restarted under the policy, come back Established and carry routes again (TCP 179 is failsafe)", async () => {
    // A session that merely stays Established proves little before its hold timer runs out; a new one must pass TCP 179 both ways.
    const sessions = await bgp('host-1');
    assert.ok(sessions.length >= 2, `host-1 has ${sessions.length} BGP sessions`);
    for (const p of sessions) await execOk('birdc', ['-s', c().birdSocket('host-1'), 'restart', p.name], { timeoutMs: 5000 });
    await waitFor(async () => {
      const now = await bgp('host-1');
      return now.every((p) => p.info.startsWith('Established') && sessions.find((s) => s.name === p.name)?.since !== p.since) ? true : undefined;
    }, { timeoutMs: 45_000, everyMs: 200, what: "host-1's restarted BGP sessions to be Established again" });
    await c().waitForRouting(45_000);
    await assertBgpUp();
    await assertWorkloadsUnaffected();
  });

  test('failsafe ports are configurable: a FelixConfiguration without TCP 22 lets the policy close it, and deleting it reopens it', async () => {
    // BGP's port stays in the list: without it the policy would cut the mesh off.
    await c().apply('felix-no-ssh.yaml', [
      'apiVersion: foldnet.io/v1', 'kind: FelixConfiguration', 'metadata: {name: default}',
      'spec: {failsafeInboundHostPorts: [{protocol: TCP, port: 179}]}', '',
    ].join('\n'));
    await c().waitForApplied(await c().head());
    assert.deepEqual(await reachable('host-2'), { [OPEN]: true, [CLOSED]: false, [SSH]: false }, 'from host-2 with TCP 22 no longer failsafe');
    assert.deepEqual(await reachable('host-3'), { [OPEN]: false, [CLOSED]: false, [SSH]: false }, 'from host-3 with TCP 22 no longer failsafe');
    await c().cliOk(['delete', 'felixconfiguration', 'default']);
    await c().waitForApplied(await c().head());
    assert.deepEqual(await reachable('host-3'), { [OPEN]: false, [CLOSED]: false, [SSH]: true }, "from host-3 with Calico's default failsafe ports again");
    await assertBgpUp();
  });

  test('deleting the policy reopens every port to host-2 and host-3 (the profile allows all)', async () => {
    await c().cliOk(['delete', 'gnp', 'edge-ingress']);
    await c().waitForApplied(await c().head());
    for (const h of CLIENTS) assert.deepEqual(await reachable(h), { [OPEN]: true, [CLOSED]: true, [SSH]: true }, `from ${h}`);
    await assertBgpUp();
    await assertWorkloadsUnaffected();
  });
});
