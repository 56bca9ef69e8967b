// Checkpoints of the embedded log, in the log's own SQLite file: a
// `checkpoints` table keyed by (offset, format version) and a
// `checkpoint_settings` table holding the spacing, so every process using the
// log agrees on it. This is a second connection to the file (the log's own is
// private to src/log/); the log's format check ignores tables it does not
// know, and these are created on first write, under SQLite's write lock.
// A locked or read-only file makes writes return false: a checkpoint is never
// worth failing a command for.
import Database from 'better-sqlite3';
import type { Checkpoint } from '../../compiler/checkpoint/checkpoint';
import { type CheckpointRef, type CheckpointStore, DEFAULT_CHECKPOINT_EVERY, type ListFilter } from './checkpoint-store';
import { packBody, STORED_ENCODING, unpackBody } from './compression';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS checkpoints (
  "offset"       INTEGER NOT NULL,
  format_version INTEGER NOT NULL,
  sha256         TEXT NOT NULL,
  encoding       TEXT NOT NULL,
  body           BLOB NOT NULL,
  PRIMARY KEY ("offset", format_version)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoint_settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
`;

interface RefRow {
  offset: number;
  format_version: number;
  sha256: string;
  bytes: number;
}

const toRef = (r: RefRow): CheckpointRef => ({ offset: r.offset, version: r.format_version, sha256: r.sha256, bytes: r.bytes });

export class SqliteCheckpointStore implements CheckpointStore {
  readonly where: string;
  private readonly db: Database.Database;

  /** Opens the log file at `path` (which must exist: it is the log's). */
  constructor(path: string) {
    this.where = `${path} (table checkpoints)`;
    this.db = new Database(path, { fileMustExist: true });
    this.db.pragma('busy_timeout = 200');
  }

  private hasTables(): boolean {
    return this.db.prepare(`SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('checkpoints', 'checkpoint_settings')`).pluck().get() === 2;
  }

  async list(filter: ListFilter = {}): Promise<CheckpointRef[]> {
    if (!this.hasTables()) return [];
    const rows = this.db
      .prepare(
        `SELECT "offset", format_version, sha256, length(body) AS bytes FROM checkpoints
         WHERE "offset" <= ? AND (? IS NULL OR format_version = ?) ORDER BY "offset" DESC, format_version DESC`,
      )
      .all(filter.atOrBefore ?? Number.MAX_SAFE_INTEGER, filter.version ?? null, filter.version ?? null) as RefRow[];
    return rows.map(toRef);
  }

  async read(ref: CheckpointRef): Promise<Checkpoint | undefined> {
    if (!this.hasTables()) return undefined;
    const row = this.db
      .prepare(`SELECT sha256, encoding, body FROM checkpoints WHERE "offset" = ? AND format_version = ?`)
      .get(ref.offset, ref.version) as { sha256: string; encoding: string; body: Buffer } | undefined;
    if (row === undefined) return undefined;
    // An unreadable body becomes text that cannot hash to the address: the caller's check refuses it.
    const text = unpackBody(row.body, row.encoding) ?? '';
    return { sha256: row.sha256, version: ref.version, offset: ref.offset, text };
  }

  async write(c: Checkpoint): Promise<boolean> {
    try {
      const body = packBody(c.text);
      this.db
        .transaction(() => {
          this.db.exec(SCHEMA);
          this.db
            .prepare(`INSERT OR REPLACE INTO checkpoints ("offset", format_version, sha256, encoding, body) VALUES (?, ?, ?, ?, ?)`)
            .run(c.offset, c.version, c.sha256, STORED_ENCODING, body);
        })
        .immediate();
      return true;
    } catch (e) {
      if (e instanceof Database.SqliteError) return false;
      throw e;
    }
  }

  async discard(ref: CheckpointRef): Promise<void> {
    try {
      if (this.hasTables()) this.db.prepare(`DELETE FROM checkpoints WHERE "offset" = ? AND format_version = ? AND sha256 = ?`).run(ref.offset, ref.version, ref.sha256);
    } catch (e) {
      if (!(e instanceof Database.SqliteError)) throw e;
    }
  }

  async every(): Promise<number> {
    if (!this.hasTables()) return DEFAULT_CHECKPOINT_EVERY;
    const v = this.db.prepare(`SELECT value FROM checkpoint_settings WHERE name = 'every'`).pluck().get() as string | undefined;
    const n = v === undefined ? NaN : Number(v);
    return Number.isSafeInteger(n) && n >= 0 ? n : DEFAULT_CHECKPOINT_EVERY;
  }

  async setEvery(n: number): Promise<void> {
    this.db
      .transaction(() => {
        this.db.exec(SCHEMA);
        this.db.prepare(`INSERT OR REPLACE INTO checkpoint_settings (name, value) VALUES ('every', ?)`).run(String(n));
      })
      .immediate();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
