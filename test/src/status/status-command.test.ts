// `foldnet status` on the embedded log with the SQLite status store (no
// server needed): one row per host, converged when the reported hash is the
// one compiled at the reported offset, diverged when not, stale when the
// report was not kept alive, unknown when a host never reported; exit 0 only
// when every host converged. Runs the CLI in-process, with the status command
// registered by main.ts's buildProgram.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { compileHost, snapshotHash } from '../../../compiler/compile/host';
import { loadState } from '../../../src/cli/load-state';
import { reportError } from '../../../src/cli/cli-error';
import { buildProgram } from '../../../src/cli/main';
import { statusUrlFor } from '../../../src/cli/status-command';
import { SqliteLog } from '../../../src/log/sqlite-log';
import { SqliteStatusStore } from '../../../src/status/sqlite-status';
import { SEED_DEMO, withWorkspace } from '../cli/cli-harness';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function foldnet(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), env, readStdin: () => '' };
  const { program, ctx } = buildProgram(io);
  let code: number;
  try {
    await program.parseAsync([...args], { from: 'user' });
    code = ctx.exitCode();
  } catch (e) {
    code = reportError(e, io.stderr, false);
  } finally {
    await ctx.close();
  }
  return { code, stdout, stderr };
}

/** The hash foldnet computes for `host` after `offset` events of the log at `path`. */
async function hashAt(path: string, host: string, offset: number): Promise<string> {
  const log = new SqliteLog(path);
  try {
    const { state } = await loadState(log, String(offset - 1));
    const snap = compileHost(state, host);
    assert.ok(E.isRight(snap));
    return snapshotHash(snap.right);
  } finally {
    await log.close();
  }
}

const report = (host: string, appliedOffset: number, snapshotHash: string) => ({
  host,
  appliedOffset,
  snapshotHash,
  lastApplyTime: '2026-01-01T00:00:00.000Z',
  lastError: null,
});

describe('foldnet status', () => {
  test('a host whose hash matches is converged, a wrong hash diverged, an old report stale, a silent host unknown', { timeout: 60_000 }, () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
      const path = `${ws.dir}/log.db`;
      const h1 = await hashAt(path, 'host-1', 8);
      const fresh = new SqliteStatusStore(path, { ttlMs: 60_000 });
      const dead = new SqliteStatusStore(path, { ttlMs: 1000, now: () => 0 });
      try {
        await fresh.report(report('host-1', 8, h1));
        await dead.report(report('host-2', 10, 'f'.repeat(64)));
        let r = await foldnet(['--log', ws.logUrl, 'status', '-o', 'json']);
        assert.equal(r.code, 1, r.stderr);
        let rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
        assert.deepEqual(
          rows.map((x) => [x.host, x.state, x.appliedOffset, x.lag]),
          [['host-1', 'converged', 8, 2], ['host-2', 'stale', 10, 0]],
        );
        assert.equal(rows[0]!.expectedHash, h1);

        await fresh.report(report('host-2', 10, 'f'.repeat(64)));
        r = await foldnet(['--log', ws.logUrl, 'status', '-o', 'json']);
        rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
        assert.equal(rows[1]!.state, 'diverged');
        assert.equal(rows[1]!.expectedHash, await hashAt(path, 'host-2', 10));

        await fresh.report(report('host-2', 10, await hashAt(path, 'host-2', 10)));
        r = await foldnet(['--log', ws.logUrl, 'status']);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^HOST\s+STATE\s+APPLIED\s+LAG/);
        assert.match(r.stdout, /^host-1\s+converged\s+8\s+2\s/m);
        assert.match(r.stdout, /^host-2\s+converged\s+10\s+0\s/m);
      } finally {
        await Promise.all([fresh.close(), dead.close()]);
      }
    }));

  test('hosts that never reported are unknown, and the command fails', { timeout: 60_000 }, () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
      const r = await foldnet(['--log', ws.logUrl, 'status']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /^host-1\s+unknown\s+<none>/m);
      assert.match(r.stdout, /^host-2\s+unknown\s+<none>/m);
    }));

  test('a separate status file named by --status is read instead of the log file', { timeout: 60_000 }, () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
      const statusPath = `${ws.dir}/status.db`;
      const store = new SqliteStatusStore(statusPath);
      try {
        await store.report(report('host-1', 10, await hashAt(`${ws.dir}/log.db`, 'host-1', 10)));
        const r = await foldnet(['--log', ws.logUrl, 'status', '--status', `file:${statusPath}`, '-o', 'json']);
        const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
        assert.deepEqual(rows.map((x) => x.state), ['converged', 'unknown']);
      } finally {
        await store.close();
      }
    }));

  test('the status store defaults to the log for files and etcd, and must be named for Kafka', () => {
    assert.equal(statusUrlFor('file:/x/log.db', undefined), 'file:/x/log.db');
    assert.equal(statusUrlFor('etcd://h:2379/p', undefined), 'etcd://h:2379/p');
    assert.equal(statusUrlFor('kafka://h:9092/t', 'etcd://h:2379/p'), 'etcd://h:2379/p');
    assert.throws(() => statusUrlFor('kafka://h:9092/t', undefined), /--status/);
  });
});
