// StatusReporter against a fake store that fails on demand: a report the
// store could not take is sent again until it is, the latest report wins
// over one still owed, reports arrive in order, and failures retrying cannot
// cure are dropped.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonLogger } from '../../../src/agent/json-logger';
import { type AgentReport, StatusReporter } from '../../../src/agent/status-reporter';
import { waitFor } from '../../../src/demo/wait';
import { LogError } from '../../../src/log/event-log';

const report = (offset: number): AgentReport => ({ appliedOffset: offset, snapshotHash: `h${offset}`, lastApplyTime: '2026-01-01T00:00:00.000Z', lastError: null });
const unreachable = (): LogError => new LogError('io', 'etcd 127.0.0.1:1: 14 UNAVAILABLE', { retriable: true });

function rig(fail: (r: AgentReport) => Error | undefined) {
  const stored: number[] = [];
  const attempts: number[] = [];
  const lines: Record<string, unknown>[] = [];
  const reporter = new StatusReporter({
    send: async (r) => {
      attempts.push(r.appliedOffset);
      const e = fail(r);
      if (e !== undefined) throw e;
      stored.push(r.appliedOffset);
    },
    logger: jsonLogger((l) => void lines.push(JSON.parse(l) as Record<string, unknown>)),
    retryMs: { min: 5, max: 20 },
  });
  return { reporter, stored, attempts, lines };
}

const until = (check: () => boolean, what: string): Promise<true> => waitFor(async () => check() || undefined, { timeoutMs: 5000, everyMs: 2, what });

describe('StatusReporter', () => {
  test('a report the store could not take (retriable) is sent again, with capped backoff, until it is taken', async () => {
    let failures = 5;
    const r = rig(() => (failures-- > 0 ? unreachable() : undefined));
    try {
      await r.reporter.report(report(7));
      assert.ok(r.reporter.owing);
      await until(() => r.stored.length === 1, 'the report to be taken');
      assert.deepEqual(r.attempts, [7, 7, 7, 7, 7, 7]);
      assert.deepEqual(r.lines.map((l) => l.retryInMs), [5, 10, 20, 20, 20]);
      assert.equal(r.reporter.owing, false);
    } finally {
      await r.reporter.close();
    }
  });

  test('a newer report replaces one still owed; the store ends with the newest', async () => {
    let down = true;
    const r = rig(() => (down ? unreachable() : undefined));
    try {
      await r.reporter.report(report(1));
      await r.reporter.report(report(2));
      down = false;
      await r.reporter.report(report(3));
      await new Promise((res) => setTimeout(res, 50));
      assert.deepEqual(r.stored, [3]);
      assert.equal(r.reporter.owing, false);
    } finally {
      await r.reporter.close();
    }
  });

  test('reports sent one after another arrive in order', async () => {
    const r = rig(() => undefined);
    await Promise.all([1, 2, 3, 4].map((o) => r.reporter.report(report(o))));
    await r.reporter.close();
    assert.deepEqual(r.stored.at(-1), 4);
    assert.deepEqual(r.stored, [...r.stored].sort((a, b) => a - b));
  });

  test('a failure retrying cannot cure is logged and dropped', async () => {
    const r = rig(() => new LogError('invalid-argument', 'invalid status report: snapshotHash'));
    await r.reporter.report(report(1));
    await new Promise((res) => setTimeout(res, 30));
    await r.reporter.close();
    assert.deepEqual(r.attempts, [1]);
    assert.equal(r.reporter.owing, false);
    assert.equal(r.lines[0]?.msg, 'could not report status');
  });

  test('after close nothing is sent again', async () => {
    const r = rig(() => unreachable());
    await r.reporter.report(report(1));
    await r.reporter.close();
    await new Promise((res) => setTimeout(res, 30));
    assert.deepEqual(r.attempts, [1]);
  });
});
