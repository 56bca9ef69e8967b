// The on-disk layout of the embedded log: the tables and indexes, the meta
// row that names the file format and its version, and the check that a file
// we open is a foldnet log of that version (or empty, and then becomes one).
// Reading and writing events is sqlite-log.ts's job.
import type Database from 'better-sqlite3';
import { LogError } from './event-log';

export const FORMAT_NAME = 'foldnet-event-log';
export const FORMAT_VERSION = 1;

// `offset` and `key` are SQL keywords, hence always quoted.
// `in_order` is 1 when the event's time is ≥ the time of every event before
// it. In-order events have times that never decrease with offset, so "last
// event at or before T" among them is one index probe; the rare late events
// (producer clocks disagree) get their own small partial index.
const SCHEMA = `
CREATE TABLE foldnet_meta (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE events (
  "offset"       INTEGER PRIMARY KEY,
  id             TEXT NOT NULL UNIQUE,
  time           TEXT NOT NULL,
  actor          TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  type           TEXT NOT NULL,
  kind           TEXT NOT NULL,
  "key"          TEXT NOT NULL,
  body           TEXT NOT NULL,
  in_order       INTEGER NOT NULL
);
CREATE INDEX events_time ON events (time);
CREATE INDEX events_kind_key ON events (kind, "key");
CREATE INDEX events_late_time ON events (time) WHERE in_order = 0;
`;

/**
 * Makes `db` a foldnet log if it is empty, and throws `foreign-format` if it
 * holds anything else. Safe when many processes open a new file at once: the
 * check is repeated under the write lock before creating anything.
 */
export function ensureSchema(db: Database.Database, path: string): void {
  if (inspect(db, path) === 'ours') return;
  db.transaction(() => {
    if (inspect(db, path) === 'ours') return;
    db.exec(SCHEMA);
    const put = db.prepare('INSERT INTO foldnet_meta (name, value) VALUES (?, ?)');
    put.run('format', FORMAT_NAME);
    put.run('format_version', String(FORMAT_VERSION));
  }).immediate();
}

function inspect(db: Database.Database, path: string): 'ours' | 'empty' {
  const tables = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[];
  if (tables.length === 0) return 'empty';
  if (!tables.includes('foldnet_meta')) {
    throw new LogError(
      'foreign-format',
      `${path} is an SQLite database but not a foldnet event log (its tables: ${tables.join(', ')})`,
    );
  }
  const meta = new Map(
    (db.prepare('SELECT name, value FROM foldnet_meta').all() as { name: string; value: string }[]).map(
      (r) => [r.name, r.value] as const,
    ),
  );
  if (meta.get('format') !== FORMAT_NAME) {
    throw new LogError('foreign-format', `${path} is not a foldnet event log (format ${meta.get('format') ?? 'unset'})`);
  }
  const version = meta.get('format_version');
  if (version !== String(FORMAT_VERSION)) {
    throw new LogError(
      'foreign-format',
      `${path} is a foldnet event log of format version ${version ?? 'unset'}; this foldnet reads version ${FORMAT_VERSION} only`,
    );
  }
  return 'ours';
}
