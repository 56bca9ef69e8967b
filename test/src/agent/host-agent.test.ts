// The agent's loop against a real embedded log and a fake kernel: what it
// applies, when, how often, and what it remembers. The kernel itself is the
// integration test's (test/integration/seed-demo.test.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import { compileHost, snapshotBytes, snapshotHash } from '../../../compiler/compile/host';
import type { HostSnapshot } from '../../../compiler/compile/snapshot';
import { planFromDelta } from '../../../compiler/incremental/delta-plan';
import { emittedState, indexKernel, planIndexed } from '../../../compiler/plan/host-plan';
import type { SnapshotChange } from '../../../src/applier/applier';
import { readAgentState, writeAgentState } from '../../../src/agent/agent-state-file';
import { HostAgent, type KernelDriver } from '../../../src/agent/host-agent';
import { jsonLogger } from '../../../src/agent/json-logger';
import { AgentMetrics } from '../../../src/agent/metrics';
import { loadState } from '../../../src/cli/load-state';
import { runCli } from '../../../src/cli/main';
import { openLog } from '../../../src/log/open-log';
import type { EventLog } from '../../../src/log/event-log';
import { REPO } from '../../../src/demo/node-entry';
import { waitFor } from '../../../src/demo/wait';

const FIXTURES = join(REPO, 'fixtures');

class FakeKernel implements KernelDriver {
  readonly syncs: HostSnapshot[] = [];
  /** The change handed with each sync. */
  readonly changes: Array<SnapshotChange | undefined> = [];
  refreshes = 0;
  driftChecks = 0;
  failures = 0;
  syncDelayMs = 0;
  repairs: string[] = [];
  async refresh(): Promise<void> {
    this.refreshes += 1;
  }
  async sync(desired: HostSnapshot, change?: SnapshotChange) {
    this.syncs.push(desired);
    this.changes.push(change);
    if (this.syncDelayMs > 0) await new Promise((r) => setTimeout(r, this.syncDelayMs));
    if (this.failures > 0) {
      this.failures -= 1;
      return { ok: false, error: 'nft: boom', planSize: 3 };
    }
    return { ok: true, planSize: 3, summary: 'nft 3 commands' };
  }
  async driftCheck() {
    this.driftChecks += 1;
    return { ok: true, repairs: this.repairs, repairCount: this.repairs.length };
  }
}

interface Rig {
  readonly dir: string;
  readonly kernel: FakeKernel;
  readonly lines: Record<string, unknown>[];
  readonly metrics: AgentMetrics;
  readonly agent: HostAgent;
  /** How many full compiles the agent asked for. */
  readonly compiles: () => number;
  /** `foldnet apply -f` of YAML text on the rig's log. */
  apply(yaml: string): Promise<void>;
  stop(): Promise<void>;
}

const withRig = async (options: { host?: string; driftIntervalMs?: number; batchMs?: number; before?: (dir: string) => Promise<void> }, f: (rig: Rig) => Promise<void>): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'fn-agent-'));
  const url = `file:${join(dir, 'log.db')}`;
  let log: EventLog | undefined;
  const controller = new AbortController();
  let running: Promise<void> | undefined;
  let files = 0;
  let compiles = 0;
  const cli = async (args: string[]): Promise<void> => {
    let err = '';
    const code = await runCli(['--log', url, '--actor', 'test', ...args], { stdout: () => undefined, stderr: (t) => void (err += t), env: {}, readStdin: () => '' });
    assert.equal(code, 0, err);
  };
  try {
    await cli(['apply', '-f', join(FIXTURES, 'seed-demo.yaml')]);
    await options.before?.(dir);
    log = openLog(url);
    const kernel = new FakeKernel();
    const lines: Record<string, unknown>[] = [];
    const metrics = new AgentMetrics(options.host ?? 'host-1');
    const agent = new HostAgent({
      host: options.host ?? 'host-1',
      log,
      kernel,
      store: { read: () => readAgentState(dir), write: (s) => writeAgentState(dir, s) },
      logger: jsonLogger((l) => void lines.push(JSON.parse(l) as Record<string, unknown>)),
      metrics,
      compile: (state) => {
        compiles += 1;
        return compileHost(state, options.host ?? 'host-1');
      },
      ensureBird: async () => ({ state: 'started', pid: 4242 }),
      birdConfigExists: async () => kernel.syncs.length > 0,
      batchMs: options.batchMs ?? 20,
      driftIntervalMs: options.driftIntervalMs ?? 60_000,
      retryMs: { min: 10, max: 40 },
    });
    running = agent.run(controller.signal);
    await f({
      dir, kernel, lines, metrics, agent,
      compiles: () => compiles,
      apply: (yaml) => {
        const file = join(dir, `in-${files++}.yaml`);
        writeFileSync(file, yaml);
        return cli(['apply', '-f', file]);
      },
      stop: async () => {
        controller.abort();
        await running;
      },
    });
  } finally {
    controller.abort();
    await running?.catch(() => undefined);
    await log?.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

const policy = (name: string, app: string, port: number): string => `apiVersion: foldnet.io/v1
kind: NetworkPolicy
metadata: {namespace: demo, name: ${name}}
spec:
  selector: "app == '${app}'"
  types: [Ingress]
  ingress: [{action: Allow, protocol: TCP, destination: {ports: [${port}]}}]
`;

const waitUntil = (check: () => boolean, what: string): Promise<true> => waitFor(async () => check() || undefined, { timeoutMs: 10_000, everyMs: 5, what });
/** Waits until the state file says `offset` (it is written just after the apply). */
const persisted = (dir: string, offset: number) =>
  waitFor(async () => {
    const s = await readAgentState(dir);
    return s?.offset === offset ? s : undefined;
  }, { timeoutMs: 10_000, everyMs: 5, what: `offset ${offset} persisted` });

describe('HostAgent', () => {
  test('on start it folds the whole log and applies it once, after re-reading the kernel', () =>
    withRig({}, async (rig) => {
      await waitUntil(() => rig.kernel.syncs.length === 1 && rig.agent.appliedState !== undefined, 'the first apply');
      assert.equal(rig.kernel.syncs[0]!.offset, 10);
      assert.ok(rig.kernel.refreshes >= 1);
      assert.equal((await persisted(rig.dir, 10)).hash, snapshotHash(rig.kernel.syncs[0]!));
      await waitUntil(() => rig.lines.some((l) => l.msg === 'bird started' && l.pid === 4242), 'BIRD to be started once its config exists');
    }));

  test('events appended while an apply runs are applied together, in one sync', () =>
    withRig({}, async (rig) => {
      await waitUntil(() => rig.agent.appliedState?.offset === 10, 'the first apply');
      rig.kernel.syncDelayMs = 300;
      await rig.apply(policy('p0', 'a', 80));
      await waitUntil(() => rig.kernel.syncs.length === 2, 'the apply of the first event');
      for (let i = 1; i <= 4; i++) await rig.apply(policy(`p${i}`, 'b', 80 + i));
      await waitUntil(() => rig.agent.appliedState?.offset === 15, 'everything applied');
      assert.deepEqual(rig.kernel.syncs.map((s) => s.offset), [10, 11, 15]);
    }));

  test("events that leave this host's snapshot as it was apply nothing, yet the offset moves on", () =>
    withRig({}, async (rig) => {
      await waitUntil(() => rig.agent.appliedState?.offset === 10, 'the first apply');
      const tier = 'apiVersion: foldnet.io/v1\nkind: Tier\nmetadata: {name: unused}\nspec: {order: 50}\n';
      await rig.apply(tier);
      await waitUntil(() => rig.agent.appliedState?.offset === 11, 'the tier event to be folded');
      // The law only holds if the event really does not concern host-1: check the premise.
      const log = openLog(`file:${join(rig.dir, 'log.db')}`);
      try {
        const hashAt = async (at: string): Promise<string> => snapshotHash(E.getOrElseW(() => assert.fail('host-1 must compile'))(compileHost((await loadState(log, at)).state, 'host-1')));
        assert.equal(await hashAt('9'), await hashAt('10'));
      } finally {
        await log.close();
      }
      assert.equal(rig.kernel.syncs.length, 1);
      await persisted(rig.dir, 11);
      await waitUntil(() => rig.lines.some((l) => l.msg === 'snapshot unchanged' && l.offset === 11), 'the log line');
      assert.equal(rig.kernel.syncs.length, 1);
    }));

  test("an event that does not concern this host costs neither a full compile nor an apply", () =>
    withRig({}, async (rig) => {
      await waitUntil(() => rig.agent.appliedState?.offset === 10, 'the first apply');
      const compiles = rig.compiles();
      // Premise checked in the test above: this tier leaves host-1's snapshot as it was.
      await rig.apply('apiVersion: foldnet.io/v1\nkind: Tier\nmetadata: {name: unused}\nspec: {order: 50}\n');
      await waitUntil(() => rig.lines.some((l) => l.msg === 'snapshot unchanged' && l.offset === 11), 'the event to be folded');
      assert.equal(rig.kernel.syncs.length, 1);
      assert.equal(rig.compiles(), compiles);
    }));

  test("an event for this host is applied from the incremental snapshot, equal to the full compile's, without a full compile", () =>
    withRig({}, async (rig) => {
      await waitUntil(() => rig.agent.appliedState?.offset === 10, 'the first apply');
      const compiles = rig.compiles();
      await rig.apply(policy('p', 'a', 80));
      await waitUntil(() => rig.agent.appliedState?.offset === 11, 'the policy applied');
      assert.equal(rig.compiles(), compiles);
      const log = openLog(`file:${join(rig.dir, 'log.db')}`);
      try {
        const full = E.getOrElseW(() => assert.fail('host-1 must compile'))(compileHost((await loadState(log, '10')).state, 'host-1'));
        assert.equal(rig.kernel.syncs.length, 2);
        assert.equal(snapshotBytes(rig.kernel.syncs[1]!), snapshotBytes(full));
        assert.notEqual(snapshotHash(rig.kernel.syncs[1]!), snapshotHash(rig.kernel.syncs[0]!));
      } finally {
        await log.close();
      }
    }));

  test('the change handed with a sync starts at the snapshot synced before and plans what a full diff plans', () =>
    withRig({}, async (rig) => {
      await waitUntil(() => rig.agent.appliedState?.offset === 10, 'the first apply');
      await rig.apply(policy('p', 'a', 80));
      await rig.apply(policy('q', 'a', 81));
      await waitUntil(() => rig.agent.appliedState?.offset === 12, 'both policies applied');
      assert.equal(rig.kernel.changes[0], undefined, 'the first sync, after a full compile, has no delta');
      for (let i = 1; i < rig.kernel.syncs.length; i++) {
        const change = rig.kernel.changes[i]!;
        assert.equal(change.base, rig.kernel.syncs[i - 1]);
        const full = planIndexed(indexKernel(emittedState(change.base)), indexKernel(emittedState(rig.kernel.syncs[i]!)));
        assert.deepEqual(planFromDelta(change.base, rig.kernel.syncs[i]!, change.delta), full);
        assert.ok(full.nft.length > 0);
      }
    }));

  test('a failed apply is counted, logged, and retried after re-reading the kernel, planned from what it read rather than from a delta', () =>
    withRig({ before: async () => undefined }, async (rig) => {
      await waitUntil(() => rig.agent.appliedState?.offset === 10, 'the first apply');
      rig.kernel.failures = 2;
      const refreshes = rig.kernel.refreshes;
      const compiles = rig.compiles();
      await rig.apply(policy('p', 'a', 80));
      await waitUntil(() => rig.agent.appliedState?.offset === 11, 'the retried apply');
      assert.equal(rig.kernel.syncs.length, 4);
      assert.ok(rig.kernel.refreshes >= refreshes + 2);
      assert.equal(rig.compiles(), compiles, 'starting over is the incremental compiler\'s full compile, not a second one');
      assert.deepEqual(rig.kernel.changes.slice(2, 4), [undefined, undefined], 'a retry plans from the kernel it re-read, not from a delta');
      assert.equal(rig.lines.filter((l) => l.msg === 'apply failed; will retry' && l.error === 'nft: boom').length, 2);
      assert.match(rig.metrics.render(), /foldnet_apply_errors_total\{host="host-1"\} 2/);
    }));

  test('stopping lets the apply in progress finish and persists its offset', () =>
    withRig({}, async (rig) => {
      await waitUntil(() => rig.agent.appliedState?.offset === 10, 'the first apply');
      rig.kernel.syncDelayMs = 200;
      await rig.apply(policy('p', 'a', 80));
      await waitUntil(() => rig.kernel.syncs.length === 2, 'the second apply to start');
      await rig.stop();
      assert.equal((await readAgentState(rig.dir))?.offset, 11);
      assert.equal(rig.lines[rig.lines.length - 1]!.msg, 'agent stopped');
    }));

  test('drift checks log each repair and count them', () =>
    withRig({ driftIntervalMs: 20 }, async (rig) => {
      rig.kernel.repairs = ['add rule inet foldnet forward …', 'ip route replace 192.168.1.1/32 dev cali-a'];
      await waitUntil(() => rig.kernel.driftChecks >= 2, 'two drift checks');
      assert.ok(rig.lines.filter((l) => l.msg === 'drift repaired').length >= 4);
      const repairs = Number(/foldnet_drift_repairs_total\{host="host-1"\} (\d+)/.exec(rig.metrics.render())![1]);
      assert.ok(repairs >= 4 && repairs % 2 === 0);
    }));

  test('an agent for a host the log does not know waits, and applies once the host appears', () =>
    withRig({ host: 'host-3' }, async (rig) => {
      await waitUntil(() => rig.lines.some((l) => l.msg === 'host not in the log; waiting'), 'the warning');
      assert.equal(rig.kernel.syncs.length, 0);
      await rig.apply('apiVersion: foldnet.io/v1\nkind: Host\nmetadata: {name: host-3}\nspec: {bgp: {ipv4Address: 10.99.0.3/24}}\n');
      await waitUntil(() => rig.agent.appliedState?.offset === 11, 'host-3 applied');
      assert.equal(rig.kernel.syncs[0]!.host, 'host-3');
    }));

  test('a restarted agent reads what it persisted', () =>
    withRig({ before: (dir) => writeAgentState(dir, { offset: 7, hash: 'abc', appliedAt: '2026-01-01T00:00:00.000Z' }) }, async (rig) => {
      await waitUntil(() => rig.agent.appliedState?.offset === 10, 'the first apply');
      assert.deepEqual(rig.lines.find((l) => l.msg === 'agent starting'), { ...rig.lines.find((l) => l.msg === 'agent starting'), offset: 7, hash: 'abc' });
    }));
});
