// The status store in an SQLite file: a `status` table beside the embedded
// log's tables (a new file becomes a foldnet log file first, so the log opens
// it later; any other database is refused). Each row carries when it was
// last written and the TTL its writer chose; while a store holds a report it
// rewrites that time every TTL/3 (the heartbeat), so a report goes stale TTL
// after its agent stops, as an etcd lease would.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { LogError } from '../log/event-log';
import { ensureSchema } from '../log/sqlite-schema';
import { DEFAULT_STATUS_TTL_MS, type HostStatus, type StatusReport, type StatusStore, type StatusStoreOptions, checkReport } from './status-store';

const TABLE = `
CREATE TABLE IF NOT EXISTS status (
  host            TEXT PRIMARY KEY,
  applied_offset  INTEGER NOT NULL,
  snapshot_hash   TEXT NOT NULL,
  last_apply_time TEXT NOT NULL,
  last_error      TEXT,
  reported_at_ms  INTEGER NOT NULL,
  ttl_ms          INTEGER NOT NULL
)`;

interface Row {
  host: string;
  applied_offset: number;
  snapshot_hash: string;
  last_apply_time: string;
  last_error: string | null;
  reported_at_ms: number;
  ttl_ms: number;
}

export class SqliteStatusStore implements StatusStore {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly heartbeats = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(path: string, options: StatusStoreOptions = {}) {
    this.path = resolve(path);
    this.ttlMs = Math.max(1, Math.round(options.ttlMs ?? DEFAULT_STATUS_TTL_MS));
    this.now = options.now ?? Date.now;
    mkdirSync(dirname(this.path), { recursive: true });
    let db: Database.Database | undefined;
    try {
      db = new Database(this.path);
      db.pragma('busy_timeout = 5000');
      db.pragma('journal_mode = WAL');
      ensureSchema(db, this.path);
      db.exec(TABLE);
    } catch (e) {
      db?.close();
      throw e instanceof LogError ? e : new LogError('io', `${this.path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    this.db = db;
  }

  async report(s: StatusReport): Promise<void> {
    this.ensureOpen();
    checkReport(s);
    this.guard(() =>
      this.db
        .prepare(
          `INSERT INTO status (host, applied_offset, snapshot_hash, last_apply_time, last_error, reported_at_ms, ttl_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (host) DO UPDATE SET applied_offset = excluded.applied_offset, snapshot_hash = excluded.snapshot_hash,
             last_apply_time = excluded.last_apply_time, last_error = excluded.last_error,
             reported_at_ms = excluded.reported_at_ms, ttl_ms = excluded.ttl_ms`,
        )
        .run(s.host, s.appliedOffset, s.snapshotHash, s.lastApplyTime, s.lastError, this.now(), this.ttlMs),
    );
    if (!this.heartbeats.has(s.host)) {
      const timer = setInterval(() => this.beat(s.host), Math.max(1, Math.floor(this.ttlMs / 3)));
      // The agent's own work keeps the process alive; a heartbeat must not.
      timer.unref();
      this.heartbeats.set(s.host, timer);
    }
  }

  async list(): Promise<HostStatus[]> {
    this.ensureOpen();
    const now = this.now();
    const rows = this.guard(() => this.db.prepare('SELECT * FROM status ORDER BY host').all() as Row[]);
    return rows.map((r) => ({
      host: r.host,
      appliedOffset: r.applied_offset,
      snapshotHash: r.snapshot_hash,
      lastApplyTime: r.last_apply_time,
      lastError: r.last_error,
      live: now - r.reported_at_ms < r.ttl_ms,
      reportedAt: new Date(r.reported_at_ms).toISOString(),
    }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.heartbeats.values()) clearInterval(t);
    this.heartbeats.clear();
    this.db.close();
  }

  private beat(host: string): void {
    if (this.closed) return;
    try {
      this.db.prepare('UPDATE status SET reported_at_ms = ? WHERE host = ?').run(this.now(), host);
    } catch {
      // Busy or gone for a moment: the next beat tries again, well within the TTL.
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new LogError('closed', `status store ${this.path} is closed`);
  }

  private guard<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      const busy = e instanceof Database.SqliteError && e.code.startsWith('SQLITE_BUSY');
      throw new LogError(busy ? 'busy' : 'io', `${this.path}: ${e instanceof Error ? e.message : String(e)}`, { retriable: busy, cause: e });
    }
  }
}
