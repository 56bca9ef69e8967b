import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type EventLog, isLogError } from '../../../src/log/event-log';
import { SqliteLog, type SqliteLogOptions } from '../../../src/log/sqlite-log';
import { runEventLogConformance } from './conformance';
import { collect, collectFirst, drafts, uniqueRun } from './log-fixtures';
import { type Worker, nextLine, startWorker, stopWorker } from './worker-process';

const root = mkdtempSync(join(tmpdir(), 'foldnet-sqlite-log-'));
after(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;
const freshDir = (): string => join(root, `t${dirs++}`);

// A small page size, so that every conformance read crosses pages.
const OPTIONS: SqliteLogOptions = { pageSize: 7, pollIntervalMs: 5 };

runEventLogConformance('sqlite', async () => {
  const dir = freshDir();
  const path = join(dir, 'nested', 'log.db');
  const opened: EventLog[] = [new SqliteLog(path, OPTIONS)];
  return {
    log: opened[0]!,
    reopen: async () => {
      const log = new SqliteLog(path, OPTIONS);
      opened.push(log);
      return log;
    },
    cleanup: async () => {
      await Promise.all(opened.map((l) => l.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteLog files', () => {
  test('opening a log creates its missing parent directories and a WAL-mode file', async () => {
    const path = join(freshDir(), 'a', 'b', 'log.db');
    await new SqliteLog(path).close();
    const db = new Database(path, { fileMustExist: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      db.close();
    }
  });

  test('a foldnet log of another format version is refused, naming the version', async () => {
    const path = join(freshDir(), 'log.db');
    await new SqliteLog(path).close();
    const db = new Database(path);
    db.prepare(`UPDATE foldnet_meta SET value = '2' WHERE name = 'format_version'`).run();
    db.close();
    assert.throws(() => new SqliteLog(path), (e: unknown) => isLogError(e, 'foreign-format') && /version 2/.test(e.message));
  });

  test('an SQLite database that is not a foldnet log is refused and left alone', () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'other.db');
    const db = new Database(path);
    db.exec('CREATE TABLE users (name TEXT)');
    db.close();
    assert.throws(() => new SqliteLog(path), (e: unknown) => isLogError(e, 'foreign-format') && /users/.test(e.message));
    const again = new Database(path);
    const tables = again.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).pluck().all();
    again.close();
    assert.deepEqual(tables, ['users']);
  });

  test('a file that is not an SQLite database is refused and left unchanged', () => {
    const dir = freshDir();
    const path = join(dir, 'notes.txt');
    mkdirSync(dir, { recursive: true });
    const text = 'this is not a database, but it is long enough to hold a header page. '.repeat(20);
    writeFileSync(path, text);
    assert.throws(() => new SqliteLog(path), (e: unknown) => isLogError(e, 'foreign-format'));
    assert.equal(readFileSync(path, 'utf8'), text);
  });
});

describe('SqliteLog across processes', () => {
  const WORKERS = 8;
  const PER_WORKER = 500;

  test('8 processes appending 500 events each in small batches get offsets 0..3999, each event once', { timeout: 120_000 }, async () => {
    const path = join(freshDir(), 'log.db');
    const workers: Worker[] = [];
    const tailAbort = new AbortController();
    let reader: SqliteLog | undefined;
    try {
      for (let w = 0; w < WORKERS; w++) workers.push(startWorker([path, 'burst', `w${w}`, String(PER_WORKER), '7']));
      for (const w of workers) assert.equal(await nextLine(w), 'ready');
      reader = new SqliteLog(path, { pollIntervalMs: 5 });
      const tailed = collectFirst(reader.tail(0, tailAbort.signal), WORKERS * PER_WORKER);
      for (const w of workers) w.child.stdin.write('go\n');
      for (const w of workers) {
        const { code, stderr } = await w.exited;
        assert.equal(code, 0, stderr);
      }
      const events = await collect(reader.read(0));
      assert.equal(await reader.head(), WORKERS * PER_WORKER);
      assert.deepEqual(events.map((e) => e.offset), [...Array(WORKERS * PER_WORKER).keys()]);
      const expectedIds = [];
      for (let w = 0; w < WORKERS; w++) for (let i = 0; i < PER_WORKER; i++) expectedIds.push(`w${w}-${i}`);
      assert.deepEqual(events.map((e) => e.id).sort(), expectedIds.sort());
      for (let w = 0; w < WORKERS; w++) {
        const own = events.filter((e) => e.actor === `worker/w${w}`).map((e) => e.id);
        assert.deepEqual(own, [...Array(PER_WORKER).keys()].map((i) => `w${w}-${i}`), `worker w${w}'s events out of order`);
      }
      assert.deepEqual(await tailed, events, 'a tail in another process saw a different history');
    } finally {
      tailAbort.abort();
      await Promise.all(workers.map(stopWorker));
      await reader?.close();
    }
  });

  test('a writer killed with SIGKILL mid-append loses no acknowledged event and leaves a readable log', { timeout: 60_000 }, async () => {
    const path = join(freshDir(), 'log.db');
    const worker = startWorker([path, 'forever', 'k']);
    const acked = new Map<number, string>();
    try {
      assert.equal(await nextLine(worker), 'ready');
      worker.child.stdin.write('go\n');
      while (acked.size < 200) {
        const { ids, offsets } = JSON.parse(await nextLine(worker)) as { ids: string[]; offsets: number[] };
        offsets.forEach((o, i) => acked.set(o, ids[i]!));
      }
      worker.child.kill('SIGKILL');
      assert.equal((await worker.exited).signal, 'SIGKILL');
    } finally {
      await stopWorker(worker);
    }
    const log = new SqliteLog(path);
    try {
      const events = await collect(log.read(0));
      const head = await log.head();
      assert.ok(head >= acked.size, `head ${head} < ${acked.size} acknowledged`);
      assert.deepEqual(events.map((e) => e.offset), [...Array(head).keys()]);
      for (const [offset, id] of acked) assert.equal(events[offset]?.id, id, `acknowledged event at ${offset} lost`);
      assert.deepEqual(await log.append(drafts(uniqueRun(), 1)), [head]);
    } finally {
      await log.close();
    }
  });
});
