// The seed demo cluster, for real: an embedded log in a temp dir with the
// fixture applied, the hosts and workloads as network namespaces, a workload
// process in each workload namespace, and one foldnet agent (with its own
// BIRD) per host namespace. The log may instead be a Kafka topic or an etcd
// prefix on a loopback server (`logUrl`), which the agents reach through a
// relay into their namespaces (loopback-relay.ts); they report their status
// to `statusUrl` (default: the agent's own default, the log unless Kafka). Everything is named uniquely per run and torn
// down by `down()` — agents, BIRDs, workload processes, namespaces, files —
// however far `up()` got. What to show or assert is main.ts's and the tests'.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { birdPaths, stopBird } from '../agent/bird-daemon';
import { runCli } from '../cli/main';
import { loadState } from '../cli/load-state';
import { openLog } from '../log/open-log';
import { AgentProcess } from './agent-process';
import { LoopbackRelay, loopbackEndpoints } from './loopback-relay';
import { bgpEstablished, birdProtocols, hostRoute, kernelRoutes } from './bgp';
import { buildNetwork, destroyNetwork } from './network';
import { type DemoTopology, demoTopology, hostOf } from './topology';
import type { Matrix } from './matrix';
import { waitFor } from './wait';
import { WorkloadClient } from './workload-client';

export interface DemoClusterOptions {
  readonly fixture: string;
  /** The log the fixture is applied to and the agents follow (default: an embedded log in the run's directory). */
  readonly logUrl?: string;
  /** Where the agents report status (`foldnet agent --status`); default: the agent's default. */
  readonly statusUrl?: string;
  /** Seconds between the agents' drift checks (default 30). */
  readonly driftIntervalS?: number;
  readonly batchMs?: number;
  readonly metricsPort?: number;
  /** Every line an agent prints. */
  readonly onAgentLine?: (host: string, line: string) => void;
  /** Progress messages. */
  readonly say?: (text: string) => void;
}

export interface CliOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class DemoCluster {
  readonly runId = randomBytes(3).toString('hex');
  readonly dir = mkdtempSync(join(tmpdir(), 'foldnet-demo-'));
  readonly logUrl: string;
  readonly agents = new Map<string, AgentProcess>();
  readonly workloads = new Map<string, WorkloadClient>();
  private readonly namespaces: string[] = [];
  private topo: DemoTopology | undefined;
  private downed: Promise<string[]> | undefined;
  private bringing: Promise<void> | undefined;
  private closing = false;
  private relay: LoopbackRelay | undefined;

  private constructor(readonly options: DemoClusterOptions) {
    this.logUrl = options.logUrl ?? `file:${join(this.dir, 'log.db')}`;
  }

  get topology(): DemoTopology {
    if (!this.topo) throw new Error('the demo cluster is not up');
    return this.topo;
  }

  /** Brings the cluster up; on failure tears down what exists and rethrows. `onCreated` gets the cluster first, so a Ctrl-C handler can tear it down mid-way. */
  static async up(options: DemoClusterOptions, onCreated: (c: DemoCluster) => void = () => undefined): Promise<DemoCluster> {
    const c = new DemoCluster(options);
    onCreated(c);
    c.bringing = c.bringUp();
    try {
      await c.bringing;
      return c;
    } catch (e) {
      await c.down();
      throw e;
    }
  }

  /** Throws once teardown has begun, so that bringing up stops creating things. */
  private check(): void {
    if (this.closing) throw new Error('the demo cluster is being torn down');
  }

  private async bringUp(): Promise<void> {
    const say = this.options.say ?? (() => undefined);
    this.check();
    const applied = await this.cli(['apply', '-f', this.options.fixture]);
    if (applied.code !== 0) throw new Error(`foldnet apply -f ${this.options.fixture} failed (${applied.code}): ${applied.stderr}`);
    say(`foldnet apply -f ${this.options.fixture}\n${applied.stdout}`);
    const log = openLog(this.logUrl);
    try {
      this.topo = demoTopology((await loadState(log)).state, this.runId);
    } finally {
      await log.close();
    }
    say(`namespaces: ${[...this.topo.hosts, ...this.topo.workloads].map((x) => x.netns).join(' ')}`);
    await buildNetwork(this.topo, (ns) => this.namespaces.push(ns), () => this.check());
    for (const w of this.topo.workloads) {
      this.check();
      this.workloads.set(w.key, await WorkloadClient.start(w.netns));
    }
    this.check();
    this.relay = await LoopbackRelay.start(this.dir, loopbackEndpoints([this.logUrl, this.options.statusUrl]));
    for (const h of this.topo.hosts) {
      this.check();
      await this.relay.into(h.netns);
    }
    this.check();
    for (const h of this.topo.hosts) this.startAgent(h.name);
  }

  /** The directory holding a host's agent state, BIRD config, socket and pid file. */
  hostDir(host: string): string {
    return join(this.dir, host);
  }

  birdSocket(host: string): string {
    return birdPaths(this.hostDir(host)).socket;
  }

  startAgent(host: string): AgentProcess {
    this.check();
    const h = hostOf(this.topology, host);
    const agent = AgentProcess.start({
      host, netns: h.netns, logUrl: this.logUrl, ...(this.options.statusUrl === undefined ? {} : { statusUrl: this.options.statusUrl }), stateDir: this.hostDir(host), birdDir: this.hostDir(host),
      metricsPort: this.options.metricsPort ?? 9091, driftIntervalS: this.options.driftIntervalS ?? 30,
      ...(this.options.batchMs === undefined ? {} : { batchMs: this.options.batchMs }),
      ...(this.options.onAgentLine ? { onLine: this.options.onAgentLine } : {}),
    });
    this.agents.set(host, agent);
    return agent;
  }

  agent(host: string): AgentProcess {
    const a = this.agents.get(host);
    if (!a) throw new Error(`no agent for ${host}`);
    return a;
  }

  workload(keyOrName: string): WorkloadClient {
    const w = this.workloads.get(keyOrName) ?? this.workloads.get(`demo/${keyOrName}`);
    if (!w) throw new Error(`no workload ${keyOrName}`);
    return w;
  }

  /** Runs the foldnet CLI in-process on this cluster's log (and status store: `foldnet status` finds it). */
  async cli(args: readonly string[]): Promise<CliOutput> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['--log', this.logUrl, '--actor', 'demo', ...args], {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      env: this.options.statusUrl === undefined ? {} : { FOLDNET_STATUS: this.options.statusUrl },
      readStdin: () => '',
    });
    return { code, stdout, stderr };
  }

  /** `foldnet apply -f` of `content` (YAML or JSON), written to a file named `name` in the run's directory. */
  async apply(name: string, content: string): Promise<CliOutput> {
    const file = join(this.dir, name);
    writeFileSync(file, content);
    return this.cliOk(['apply', '-f', file]);
  }

  /** Runs the CLI and fails unless it exits 0. */
  async cliOk(args: readonly string[]): Promise<CliOutput> {
    const r = await this.cli(args);
    if (r.code !== 0) throw new Error(`foldnet ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
    return r;
  }

  /** The resource as `foldnet get KIND NAME -n NS -o json` prints it. */
  async resource(kind: string, name: string, namespace: string): Promise<Record<string, unknown>> {
    const r = await this.cliOk(['get', kind, name, '-n', namespace, '-o', 'json']);
    const [doc] = JSON.parse(r.stdout) as Record<string, unknown>[];
    if (!doc) throw new Error(`no ${kind} ${namespace}/${name}`);
    return doc;
  }

  /**
   * When the event at `offset` was appended, as epoch milliseconds: its time,
   * stamped by the producer just before the append (the log has no clock of its own).
   */
  async eventTime(offset: number): Promise<number> {
    const log = openLog(this.logUrl);
    try {
      for await (const e of log.read(offset, offset + 1)) return Date.parse(e.time);
      throw new Error(`no event at offset ${offset}`);
    } finally {
      await log.close();
    }
  }

  /** `foldnet reachability --protocol P [--port N] -o json`. */
  async predicted(protocol: string, port?: number): Promise<Matrix> {
    const r = await this.cli(['reachability', '--protocol', protocol, ...(port === undefined ? [] : ['--port', String(port)]), '-o', 'json']);
    if (r.code !== 0) throw new Error(`foldnet reachability failed (${r.code}): ${r.stderr}`);
    return JSON.parse(r.stdout) as Matrix;
  }

  /** The log's head (number of events). */
  async head(): Promise<number> {
    const log = openLog(this.logUrl);
    try {
      return await log.head();
    } finally {
      await log.close();
    }
  }

  /** Waits until every agent has applied the log up to `offset` (its persisted state says so). */
  async waitForApplied(offset: number, timeoutMs = 20_000): Promise<void> {
    await Promise.all(this.topology.hosts.map((h) =>
      this.agent(h.name).waitForLine((l) => typeof l.offset === 'number' && l.offset >= offset && (l.msg === 'applied' || l.msg === 'kernel already current' || l.msg === 'snapshot unchanged'), timeoutMs)));
  }

  /** Waits until every host's BGP sessions are Established and it routes every remote workload via that workload's host. */
  async waitForRouting(timeoutMs = 30_000): Promise<void> {
    const topo = this.topology;
    let last = '';
    await waitFor(async () => {
      for (const h of topo.hosts) {
        const ps = await birdProtocols(this.birdSocket(h.name));
        if (!bgpEstablished(ps)) {
          last = `${h.name}: ${ps.filter((p) => p.proto === 'BGP').map((p) => `${p.name} ${p.state} ${p.info}`).join(', ') || 'no BGP protocol'}`;
          return false;
        }
        const routes = await kernelRoutes(h.netns);
        for (const w of topo.workloads.filter((x) => x.host !== h.name)) {
          const via = hostOf(topo, w.host).address.split('/')[0];
          const r = hostRoute(routes, w.ips[0]!);
          if (r?.gateway !== via) {
            last = `${h.name}: no route to ${w.key} (${w.ips[0]}) via ${via}`;
            return false;
          }
        }
      }
      return true;
    }, { timeoutMs, everyMs: 100, what: () => `BGP and routes (${last})` });
  }

  /**
   * Tears everything down, in order: agents (SIGTERM), BIRDs, workload
   * processes, whatever still runs in the namespaces, the namespaces, the
   * files. Never throws; returns what could not be cleaned. Idempotent.
   */
  down(): Promise<string[]> {
    this.closing = true;
    // Bringing up stops at its next step; only then is everything it made known.
    this.downed ??= (this.bringing ?? Promise.resolve()).then(() => this.tearDown(), () => this.tearDown());
    return this.downed;
  }

  private async tearDown(): Promise<string[]> {
    const problems: string[] = [];
    const attempt = async (what: string, f: () => Promise<unknown>): Promise<void> => {
      try {
        await f();
      } catch (e) {
        problems.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    await Promise.all([...this.agents.values()].map((a) => attempt(`stop agent ${a.options.host}`, () => a.stop(3000))));
    await attempt('stop the loopback relay', async () => this.relay?.stop());
    for (const h of this.topo?.hosts ?? []) await attempt(`stop bird of ${h.name}`, () => stopBird(birdPaths(this.hostDir(h.name))));
    await Promise.all([...this.workloads.values()].map((w) => attempt(`stop workload in ${w.netns}`, () => w.stop())));
    problems.push(...(await destroyNetwork(this.namespaces)));
    await attempt(`remove ${this.dir}`, async () => rmSync(this.dir, { recursive: true, force: true }));
    return problems;
  }
}
