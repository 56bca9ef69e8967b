// The SQLite status store: reports replace each other per host, live until
// TTL after the last write, kept alive by a heartbeat while the store is
// open; the table sits beside the log's in the log file; bad reports and
// foreign databases are refused.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isLogError } from '../../../src/log/event-log';
import { SqliteLog } from '../../../src/log/sqlite-log';
import { SqliteStatusStore } from '../../../src/status/sqlite-status';
import { type StatusReport, openStatusStore } from '../../../src/status/status-store';

const root = mkdtempSync(join(tmpdir(), 'foldnet-status-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshPath = (): string => join(root, `s${n++}`, 'log.db');

const report = (host: string, appliedOffset = 3): StatusReport => ({
  host,
  appliedOffset,
  snapshotHash: `hash-${host}-${appliedOffset}`,
  lastApplyTime: '2026-01-02T03:04:05.006Z',
  lastError: null,
});

describe('SqliteStatusStore', () => {
  test('the last report of each host is listed, sorted by host', async () => {
    const store = openStatusStore(`file:${freshPath()}`);
    try {
      await store.report(report('b', 1));
      await store.report(report('a', 2));
      await store.report({ ...report('b', 5), lastError: 'nft: busy' });
      const rows = await store.list();
      assert.deepEqual(rows.map((r) => [r.host, r.appliedOffset, r.lastError, r.live]), [['a', 2, null, true], ['b', 5, 'nft: busy', true]]);
    } finally {
      await store.close();
    }
  });

  test('a report is live for TTL after it was written, and stale after', async () => {
    let now = 1_000_000;
    const path = freshPath();
    const writer = new SqliteStatusStore(path, { ttlMs: 5000, now: () => now });
    const reader = new SqliteStatusStore(path, { now: () => now });
    try {
      await writer.report(report('h'));
      await writer.close();
      now += 4999;
      assert.equal((await reader.list())[0]?.live, true);
      now += 1;
      assert.equal((await reader.list())[0]?.live, false);
    } finally {
      await Promise.all([writer.close(), reader.close()]);
    }
  });

  test('an open store keeps its reports alive: the heartbeat rewrites their time', { timeout: 30_000 }, async () => {
    const path = freshPath();
    const writer = new SqliteStatusStore(path, { ttlMs: 150 });
    const reader = new SqliteStatusStore(path);
    try {
      await writer.report(report('h'));
      const first = (await reader.list())[0]!.reportedAt;
      let later = first;
      while (later === first) {
        await new Promise((r) => setTimeout(r, 20));
        later = (await reader.list())[0]!.reportedAt;
      }
      assert.ok(later > first, `${later} after ${first}`);
    } finally {
      await Promise.all([writer.close(), reader.close()]);
    }
  });

  test('the status table lives in the log file, and the log still opens and appends', async () => {
    const path = freshPath();
    const store = new SqliteStatusStore(path);
    await store.report(report('h'));
    await store.close();
    const log = new SqliteLog(path);
    try {
      assert.equal(await log.head(), 0);
    } finally {
      await log.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all();
      assert.deepEqual(tables, ['events', 'foldnet_meta', 'status']);
    } finally {
      db.close();
    }
  });

  test('a database that is not a foldnet file is refused', () => {
    const path = freshPath();
    rmSync(join(path, '..'), { recursive: true, force: true });
    new SqliteStatusStore(path).close();
    const other = join(root, `other-${n++}.db`);
    const db = new Database(other);
    db.exec('CREATE TABLE users (name TEXT)');
    db.close();
    assert.throws(() => new SqliteStatusStore(other), (e: unknown) => isLogError(e, 'foreign-format'));
  });

  test('reports with bad fields are refused, naming each', async () => {
    const store = new SqliteStatusStore(freshPath());
    try {
      const bad = { host: '', appliedOffset: -1, snapshotHash: '', lastApplyTime: 'yesterday', lastError: null };
      await assert.rejects(store.report(bad), (e: unknown) => isLogError(e, 'invalid-argument') && e.problems.length === 4);
      assert.deepEqual(await store.list(), []);
    } finally {
      await store.close();
    }
  });

  test('Kafka URLs are refused as status stores', () => {
    assert.throws(() => openStatusStore('kafka://h:9092/t'), (e: unknown) => isLogError(e, 'unsupported-url'));
  });
});
