// The agent when its log cannot be reached, against an embedded log wrapped
// so that it fails on demand, and a fake kernel: down at start (say so, retry
// with capped backoff, apply once it answers; stop promptly when asked; give
// up on an error retrying cannot cure), and the head unreadable just after
// events arrived (apply them anyway). The real servers are
// test/integration/agent-faults.ts's.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileHost } from '../../../compiler/compile/host';
import type { HostSnapshot } from '../../../compiler/compile/snapshot';
import { HostAgent, type KernelDriver } from '../../../src/agent/host-agent';
import { jsonLogger } from '../../../src/agent/json-logger';
import { AgentMetrics } from '../../../src/agent/metrics';
import { runCli } from '../../../src/cli/main';
import { REPO } from '../../../src/demo/node-entry';
import { waitFor } from '../../../src/demo/wait';
import { type EventLog, LogError } from '../../../src/log/event-log';
import { openLog } from '../../../src/log/open-log';

const kernel = (): KernelDriver & { syncs: HostSnapshot[] } => {
  const syncs: HostSnapshot[] = [];
  return {
    syncs,
    refresh: async () => undefined,
    sync: async (d) => {
      syncs.push(d);
      return { ok: true, planSize: 1 };
    },
    driftCheck: async () => ({ ok: true, repairs: [], repairCount: 0 }),
  };
};

/** `inner`, except that head() throws `failure()` while it returns an error. */
function flaky(inner: EventLog, failure: () => Error | undefined): EventLog {
  return {
    append: (d) => inner.append(d),
    read: (from, to) => inner.read(from, to),
    tail: (from, signal) => inner.tail(from, signal),
    offsetAtTime: (t) => inner.offsetAtTime(t),
    close: () => inner.close(),
    head: async () => {
      const e = failure();
      if (e !== undefined) throw e;
      return inner.head();
    },
  } as EventLog;
}

const down = (): LogError => new LogError('io', 'etcd 127.0.0.1:1 prefix /x: 14 UNAVAILABLE: connect ECONNREFUSED', { retriable: true });

async function withAgent(failure: () => Error | undefined, f: (a: { lines: Record<string, unknown>[]; syncs: HostSnapshot[]; running: Promise<void>; stop: AbortController; apply: (file: string) => Promise<void> }) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fn-outage-'));
  const url = `file:${join(dir, 'log.db')}`;
  const apply = async (file: string): Promise<void> => {
    let err = '';
    const code = await runCli(['--log', url, 'apply', '-f', file], { stdout: () => undefined, stderr: (t) => void (err += t), env: {}, readStdin: () => '' });
    assert.equal(code, 0, err);
  };
  await apply(join(REPO, 'fixtures', 'seed-demo.yaml'));
  const log = flaky(openLog(url), failure);
  const lines: Record<string, unknown>[] = [];
  const k = kernel();
  const stop = new AbortController();
  const agent = new HostAgent({
    host: 'host-1', log, kernel: k,
    store: { read: async () => undefined, write: async () => undefined },
    logger: jsonLogger((l) => void lines.push(JSON.parse(l) as Record<string, unknown>)),
    metrics: new AgentMetrics('host-1'),
    compile: (s) => compileHost(s, 'host-1'),
    ensureBird: async () => ({ state: 'started', pid: 1 }),
    birdConfigExists: async () => false,
    batchMs: 20, driftIntervalMs: 60_000, retryMs: { min: 10, max: 40 },
  });
  const running = agent.run(stop.signal);
  try {
    await f({ lines, syncs: k.syncs, running, stop, apply });
  } finally {
    stop.abort();
    await running.catch(() => undefined);
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const until = (check: () => boolean, what: string): Promise<true> => waitFor(async () => check() || undefined, { timeoutMs: 10_000, everyMs: 5, what });

describe('HostAgent when the log cannot be reached', () => {
  test('down at start: it says so on each attempt, backs off (doubling, capped), and applies once the log answers', () => {
    let failures = 6;
    return withAgent(() => (failures-- > 0 ? down() : undefined), async ({ lines, syncs }) => {
      await until(() => syncs.length === 1, 'the first apply');
      const retries = lines.filter((l) => l.msg === 'cannot read the log; retrying');
      assert.deepEqual(retries.map((l) => l.attempt), [1, 2, 3, 4, 5, 6]);
      assert.deepEqual(retries.map((l) => l.retryInMs), [10, 20, 40, 40, 40, 40]);
      assert.ok(retries.every((l) => l.level === 'error' && /UNAVAILABLE/.test(String(l.error))));
      assert.equal(lines.find((l) => l.msg === 'log folded')?.attempts, 7);
      assert.equal(syncs[0]!.offset, 10);
    });
  });

  test('down at start and stopped meanwhile: it stops without applying anything', () =>
    withAgent(down, async ({ lines, syncs, running, stop }) => {
      await until(() => lines.some((l) => l.msg === 'cannot read the log; retrying'), 'a retry');
      stop.abort();
      await running;
      assert.equal(syncs.length, 0);
      assert.equal(lines.at(-1)?.msg, 'agent stopped');
    }));

  test('an error retrying cannot cure (not retriable) ends the run with it', () =>
    withAgent(() => new LogError('foreign-format', 'topic t has 3 partitions'), async ({ running }) => {
      await assert.rejects(running, /3 partitions/);
    }));

  test('the head unreadable just after events arrived: it warns and applies them anyway', () => {
    let failing = false;
    return withAgent(() => (failing ? down() : undefined), async ({ lines, syncs, apply }) => {
      await until(() => syncs.length === 1, 'the first apply');
      failing = true;
      await apply(join(REPO, 'fixtures', 'seed-demo-open-a-to-c.yaml'));
      await until(() => syncs.length === 2, 'the new event applied');
      assert.equal(syncs[1]!.offset, 11);
      assert.ok(lines.some((l) => l.msg === 'cannot read the log head; applying what arrived' && l.level === 'warn'));
    });
  });
});
