// How long a change takes from the event's append to the kernels, on the
// real demo cluster, over N changes each (default 20):
//   policy  — a NetworkPolicy opening A → E on TCP 80 is appended; measured
//             until a TCP handshake from A (host-1) to E (host-2) passes,
//             i.e. until host-2's agent has applied it (host-2's kernel);
//   route   — endpoint E (host-2) is deleted / put back; measured until
//             host-1's kernel loses / learns the route to E: host-2's agent
//             applies, BIRD on host-2 announces, BIRD on host-1 installs.
// Prints every sample and the median, p90, p99 and maximum; measureLatency
// is the same run as data (npm run bench calls it, as root).
//   npm run build && node dist/src/demo/latency.js [--changes 20]
import { join } from 'node:path';
import { DemoCluster } from './cluster';
import { REPO } from './node-entry';
import { RouteMonitor, toAddress } from './route-monitor';
import { hostOf, workloadOf } from './topology';
import { waitFor } from './wait';

const POLICY = `apiVersion: foldnet.io/v1
kind: NetworkPolicy
metadata: {namespace: demo, name: a-to-e-http}
spec:
  selector: "app == 'e'"
  types: [Ingress]
  ingress:
    - {action: Allow, protocol: TCP, source: {selector: "app == 'a'"}, destination: {ports: [80]}}
    - {action: Pass}
`;

export interface Stats {
  readonly n: number;
  readonly median: number;
  readonly p90: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

export const stats = (xs: readonly number[]): Stats => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  const median = s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { n: s.length, median, p90: at(0.9), p99: at(0.99), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
};

const fmt = (s: Stats): string =>
  `n=${s.n} median=${s.median.toFixed(1)} ms p90=${s.p90.toFixed(1)} ms p99=${s.p99.toFixed(1)} ms min=${s.min.toFixed(1)} ms max=${s.max.toFixed(1)} ms`;

/** Appends the policy N times (removing it in between); each sample: event time → first passing handshake. */
export async function measurePolicy(cluster: DemoCluster, n: number, log: (s: string) => void): Promise<number[]> {
  const a = cluster.workload('a');
  const e = workloadOf(cluster.topology, 'e').ips[0]!;
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const opened = a.awaitOpen(e, 80, { everyMs: 2, deadlineMs: 20_000 });
    await cluster.apply('a-to-e.yaml', POLICY);
    const appendedAt = await cluster.eventTime((await cluster.head()) - 1);
    const r = await opened;
    if (!r.ok) throw new Error(`A → E TCP 80 did not open (change ${i + 1})`);
    samples.push(r.startedAt! - appendedAt);
    log(`policy ${i + 1}: ${(r.startedAt! - appendedAt).toFixed(1)} ms`);
    await cluster.cliOk(['delete', 'networkpolicy', 'a-to-e-http', '-n', 'demo']);
    await waitFor(async () => !(await a.connect(e, 80, 300)).ok, { timeoutMs: 20_000, everyMs: 20, what: 'A → E TCP 80 to close again' });
  }
  return samples;
}

/** Deletes and re-adds endpoint E N times; samples: event time → host-1's route change seen. */
export async function measureRoutes(cluster: DemoCluster, n: number, log: (s: string) => void): Promise<{ withdraw: number[]; learn: number[] }> {
  const e = workloadOf(cluster.topology, 'e');
  const ip = e.ips[0]!;
  const doc = await cluster.resource('wep', 'e', 'demo');
  const host1 = hostOf(cluster.topology, 'host-1');
  const monitor = new RouteMonitor(host1.netns);
  const withdraw: number[] = [];
  const learn: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      // Event times have millisecond resolution: look for changes from a little before.
      await cluster.cliOk(['delete', 'wep', 'e', '-n', 'demo']);
      const removedAt = await cluster.eventTime((await cluster.head()) - 1);
      const gone = await monitor.waitFor((c) => c.deleted && toAddress(ip)(c), removedAt - 5, 20_000);
      withdraw.push(gone.at - removedAt);
      await cluster.apply('e.json', JSON.stringify(doc));
      const putAt = await cluster.eventTime((await cluster.head()) - 1);
      const back = await monitor.waitFor((c) => !c.deleted && toAddress(ip)(c), putAt - 5, 20_000);
      learn.push(back.at - putAt);
      log(`route ${i + 1}: withdrawn after ${(gone.at - removedAt).toFixed(1)} ms, learned after ${(back.at - putAt).toFixed(1)} ms`);
    }
  } finally {
    monitor.stop();
  }
  return { withdraw, learn };
}

export interface LatencyFigures {
  readonly changes: number;
  /** Event appended → policy live on host-2's kernel (A → E TCP 80 passes). */
  readonly policy: Stats;
  /** Event appended → route withdrawn on host-1's kernel (E deleted), through host-2's agent and both BIRDs. */
  readonly routeWithdrawn: Stats;
  /** Event appended → route learned on host-1's kernel (E put back). */
  readonly routeLearned: Stats;
}

/** Brings the demo cluster up, measures `n` changes of each kind, and takes it down (whatever happens). Needs root. */
export async function measureLatency(n: number, say: (s: string) => void): Promise<LatencyFigures> {
  let cluster: DemoCluster | undefined;
  const onSignal = (): void => void (cluster?.down() ?? Promise.resolve()).then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    cluster = await DemoCluster.up({ fixture: join(REPO, 'fixtures', 'seed-demo.yaml') }, (c) => (cluster = c));
    await cluster.waitForApplied(await cluster.head());
    await cluster.waitForRouting();
    say(`cluster up (run ${cluster.runId}); ${n} changes of each kind`);
    const policy = await measurePolicy(cluster, n, say);
    const routes = await measureRoutes(cluster, n, say);
    return { changes: n, policy: stats(policy), routeWithdrawn: stats(routes.withdraw), routeLearned: stats(routes.learn) };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    const problems = await cluster?.down();
    for (const p of problems ?? []) process.stderr.write(`cleanup: ${p}\n`);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const i = argv.indexOf('--changes');
  const n = i < 0 ? 20 : Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write('Error: --changes: expected a positive integer\n');
    return 2;
  }
  const say = (s: string): void => void process.stdout.write(`${s}\n`);
  try {
    const f = await measureLatency(n, say);
    say('');
    say(`event appended → policy live on host-2's kernel (A → E TCP 80 passes): ${fmt(f.policy)}`);
    say(`event appended → route withdrawn on host-1's kernel (E deleted):      ${fmt(f.routeWithdrawn)}`);
    say(`event appended → route learned on host-1's kernel (E put back):       ${fmt(f.routeLearned)}`);
    return 0;
  } catch (e) {
    process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => process.exit(code));
