// The seed demo's scenario, step by step, on a DemoCluster: up, converge,
// compare measured and predicted reachability, change policy, watch the
// kernels follow, compare again. Output goes through the callbacks; process
// concerns (signals, exit codes, teardown) are main.ts's.
import { performance } from 'node:perf_hooks';
import { DemoCluster } from './cluster';
import { exec } from './exec';
import { type Matrix, measurePing, measureTcp } from './matrix';
import { hostOf, workloadOf } from './topology';

export interface SeedDemoOptions {
  readonly fixture: string;
  /** The policy change applied halfway (opens A → C on TCP 80). */
  readonly change: string;
  readonly verbose: boolean;
  readonly heading: (text: string) => void;
  readonly say: (text: string) => void;
  readonly show: (title: string, measured: Matrix, predicted: Matrix) => void;
  /** Gets the cluster as soon as it exists, so the caller can tear it down whatever happens. */
  readonly onCluster: (c: DemoCluster) => void;
}

const ms = (from: number): string => `${Math.round(performance.now() - from)} ms`;
const indent = (text: string): string => text.trimEnd().split('\n').map((l) => `  ${l}`).join('\n');

export async function runSeedDemo(o: SeedDemoOptions): Promise<void> {
  const { heading, say } = o;
  heading('bringing up the cluster: 2 hosts, 5 workloads, an agent and BIRD per host');
  const started = performance.now();
  const cluster = await DemoCluster.up({
    fixture: o.fixture,
    say,
    ...(o.verbose ? { onAgentLine: (host: string, line: string) => say(`  [${host}] ${line}`) } : {}),
  }, o.onCluster);
  const events = await cluster.head();
  await cluster.waitForApplied(events);
  say(`agents applied the log (${events} events) ${ms(started)} after start`);
  await cluster.waitForRouting();
  say(`BGP established and routes learned ${ms(started)} after start`);

  const host1 = hostOf(cluster.topology, 'host-1');
  heading(`birdc show protocols   (host-1)`);
  say(indent((await exec('birdc', ['-s', cluster.birdSocket('host-1'), 'show', 'protocols'])).stdout));
  heading(`ip route   (host-1's namespace ${host1.netns})`);
  say(indent((await exec('ip', ['-n', host1.netns, 'route', 'show'])).stdout));

  const workloads = cluster.topology.workloads;
  const client = (key: string) => cluster.workload(key);
  o.show('TCP 80', await measureTcp(workloads, client, 80), await cluster.predicted('TCP', 80));
  o.show('ICMP echo (ping)', await measurePing(workloads), await cluster.predicted('ICMP'));

  heading(`policy change: foldnet apply -f ${o.change}`);
  const a = workloadOf(cluster.topology, 'a');
  const c = workloadOf(cluster.topology, 'c');
  // Probe before appending: the first attempt that passes dates the change on the kernel.
  const opened = client(a.key).awaitOpen(c.ips[0]!, 80, { everyMs: 5, deadlineMs: 20_000 });
  const r = await cluster.cliOk(['apply', '-f', o.change]);
  say(indent(r.stdout));
  const head = await cluster.head();
  const appendedAt = await cluster.eventTime(head - 1);
  const open = await opened;
  if (!open.ok) throw new Error('A → C on TCP 80 never opened');
  say(`A → C TCP 80 passes on host-1's kernel ${Math.max(0, Math.round(open.startedAt! - appendedAt))} ms after the event was appended`);
  await cluster.waitForApplied(head);

  o.show('TCP 80 after the change', await measureTcp(workloads, client, 80), await cluster.predicted('TCP', 80));
  o.show('TCP 443 after the change (the policy opened port 80 only)', await measureTcp(workloads, client, 443), await cluster.predicted('TCP', 443));
}
