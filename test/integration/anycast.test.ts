// An anycast service on real kernels: three host namespaces with a foldnet
// agent and BIRD each, the service's backends on host-1 and host-2, a client
// on host-3 (fixtures/anycast-demo.yaml). host-3 must route the service
// address over both announcing hosts and spread its client's connections
// across them; deleting host-1's backend must withdraw host-1's announcement
// while connections keep working through host-2. Connections are counted
// where they are accepted, by the backends. Every wait is bounded polling;
// the spread is reported with t.diagnostic and asserted only as a share.
// Everything is torn down in `after`, also when a test fails. Needs root, ip,
// nft, bird and birdc.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gatewaysOf, type KernelRoute, kernelRoutes } from '../../src/demo/bgp';
import { DemoCluster } from '../../src/demo/cluster';
import { execOk } from '../../src/demo/exec';
import { REPO } from '../../src/demo/node-entry';
import { hostOf, workloadOf } from '../../src/demo/topology';
import { waitFor } from '../../src/demo/wait';
import { demoUnavailable } from './demo-unavailable';

const SERVICE = '10.96.0.10';
const PORT = 80;
const BACKENDS = ['web-1', 'web-2'] as const;
const HOST_OF: Readonly<Record<(typeof BACKENDS)[number], string>> = { 'web-1': '10.99.0.1', 'web-2': '10.99.0.2' };

describe('an anycast service on real kernels (three hosts, backends on two)', { skip: demoUnavailable(), timeout: 240_000 }, () => {
  let cluster: DemoCluster | undefined;
  const c = (): DemoCluster => {
    if (!cluster) throw new Error('the cluster did not come up');
    return cluster;
  };
  const clientIp = (): string => workloadOf(c().topology, 'client').ips[0]!;

  /** The gateways of `host`'s kernel route to the service address (none: no route). */
  const serviceGateways = async (host: string): Promise<string[]> => {
    const out = JSON.parse(await execOk('ip', ['-n', hostOf(c().topology, host).netns, '-j', 'route', 'show', SERVICE])) as KernelRoute[];
    return out.flatMap(gatewaysOf).sort();
  };
  const awaitGateways = (want: readonly string[], timeoutMs: number): Promise<true> => {
    let last: string[] = [];
    return waitFor(async () => {
      last = await serviceGateways('host-3');
      return last.join(' ') === [...want].sort().join(' ') ? true : undefined;
    }, { timeoutMs, everyMs: 100, what: () => `host-3's route to ${SERVICE} via ${want.join(' and ')} (last seen: ${last.length === 0 ? 'no route' : last.join(', ')})` });
  };

  /** Connections each backend has accepted from the client on the service's target port. */
  const acceptedFromClient = async (): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const b of BACKENDS)
      out[b] = (await c().workload(b).accepted()).filter((a) => a.port === PORT && a.from === clientIp()).reduce((n, a) => n + a.count, 0);
    return out;
  };

  /** `n` sequential short connections from the client to the service; returns the failures and how many each backend accepted. */
  const connectMany = async (n: number): Promise<{ failures: string[]; accepted: Record<string, number> }> => {
    const before = await acceptedFromClient();
    const failures: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await c().workload('client').connect(SERVICE, PORT, 2000);
      if (!r.ok) failures.push(`#${i}: ${r.error ?? 'failed'}`);
    }
    // A handshake completes on the client before the backend's accept callback runs: wait for the counts to settle.
    let delta: Record<string, number> = {};
    const ok = n - failures.length;
    await waitFor(async () => {
      const now = await acceptedFromClient();
      delta = Object.fromEntries(BACKENDS.map((b) => [b, now[b]! - before[b]!]));
      return Object.values(delta).reduce((x, y) => x + y, 0) >= ok ? true : undefined;
    }, { timeoutMs: 5000, what: () => `the backends to have accepted ${ok} connections from ${clientIp()} (counted: ${JSON.stringify(delta)})` }).catch(() => undefined);
    return { failures, accepted: delta };
  };

  before(async () => {
    cluster = await DemoCluster.up({ fixture: join(REPO, 'fixtures', 'anycast-demo.yaml') }, (x) => (cluster = x));
    await c().waitForApplied(await c().head(), 30_000);
    await c().waitForRouting(45_000);
  }, { timeout: 120_000 });

  after(async () => {
    const problems = (await cluster?.down()) ?? [];
    assert.deepEqual(problems, [], 'cleanup left something behind');
  }, { timeout: 30_000 });

  test("host-3, without a backend, routes the service address over two paths: via host-1 and via host-2", async () => {
    await awaitGateways([HOST_OF['web-1'], HOST_OF['web-2']], 30_000);
    // The announcing hosts DNAT before routing: their own `unreachable` route stays out of their kernels.
    for (const h of ['host-1', 'host-2']) {
      const routes = await kernelRoutes(hostOf(c().topology, h).netns);
      assert.deepEqual(routes.filter((r) => r.dst === SERVICE || r.dst === `${SERVICE}/32`).filter((r) => r.type === 'unreachable'), [], `${h} installed the service's unreachable route`);
    }
  });

  test('200 short connections from host-3 to the service all succeed, and each backend accepts at least 20% of them', async (t) => {
    await awaitGateways([HOST_OF['web-1'], HOST_OF['web-2']], 30_000);
    const n = 200;
    const r = await connectMany(n);
    t.diagnostic(`spread of ${n} connections to ${SERVICE}:${PORT}: ${BACKENDS.map((b) => `${b} ${r.accepted[b]} (${((100 * r.accepted[b]!) / n).toFixed(1)}%)`).join(', ')}`);
    assert.deepEqual(r.failures, [], 'connections to the service failed');
    // The backends saw the client's own address (no SNAT), and between them took every connection.
    assert.equal(r.accepted['web-1']! + r.accepted['web-2']!, n, `the backends accepted ${JSON.stringify(r.accepted)} connections from ${clientIp()}`);
    for (const b of BACKENDS) assert.ok(r.accepted[b]! >= 0.2 * n, `${b} accepted only ${r.accepted[b]} of ${n}`);
  });

  test("deleting host-1's only backend withdraws host-1's announcement; new connections all reach host-2's backend", async (t) => {
    await c().cliOk(['delete', 'wep', 'web-1', '-n', 'demo']);
    await c().waitForApplied(await c().head());
    await awaitGateways([HOST_OF['web-2']], 30_000);
    const n = 50;
    const r = await connectMany(n);
    t.diagnostic(`after the withdrawal, ${n} connections: ${BACKENDS.map((b) => `${b} ${r.accepted[b]}`).join(', ')}`);
    assert.deepEqual(r.failures, [], 'connections to the service failed after the withdrawal');
    assert.deepEqual(r.accepted, { 'web-1': 0, 'web-2': n });
  });
});
