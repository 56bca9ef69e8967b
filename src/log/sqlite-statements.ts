// The SQL the embedded log runs, prepared once per connection, and the
// mapping between event rows and LoggedEvents. Deciding when to run which
// statement (transactions, paging, retries) is sqlite-log.ts's job; the
// tables and indexes these rely on are sqlite-schema.ts's.
import Database from 'better-sqlite3';
import type { EventDraft, LoggedEvent } from '../../compiler/events/event';
import { LogError } from './event-log';

export const COLUMNS = `"offset", id, time, actor, schema_version, type, kind, "key", body`;

/** What reads select, as a RawRow: the type, kind and key columns are left out, for they are indexes and the body holds them too. */
export const READ_COLUMNS = `"offset", id, time, actor, schema_version, body`;

export type Statements = ReturnType<typeof prepareStatements>;

export function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare(
      `INSERT INTO events (${COLUMNS}, in_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    maxOffset: db.prepare(`SELECT max("offset") FROM events`).pluck(),
    maxTime: db.prepare(`SELECT max(time) FROM events`).pluck(),
    // Raw mode (rows as arrays, RawRow): replay reads every row, and an object per row costs twice the time.
    page: db
      .prepare(`SELECT ${READ_COLUMNS} FROM events WHERE "offset" >= ? AND "offset" < ? ORDER BY "offset" LIMIT ?`)
      .raw(true),
    // INDEXED BY: without statistics the planner may walk the whole table.
    lastInOrderAt: db
      .prepare(
        `SELECT "offset" FROM events INDEXED BY events_time
         WHERE in_order = 1 AND time <= ? ORDER BY time DESC, "offset" DESC LIMIT 1`,
      )
      .pluck(),
    lastInOrderBefore: db
      .prepare(
        `SELECT "offset" FROM events INDEXED BY events_time
         WHERE in_order = 1 AND time < ? ORDER BY time DESC, "offset" DESC LIMIT 1`,
      )
      .pluck(),
    lastLateAt: db
      .prepare(`SELECT max("offset") FROM events INDEXED BY events_late_time WHERE in_order = 0 AND time <= ?`)
      .pluck(),
  };
}

export interface Filters {
  readonly since: string | undefined;
  readonly until: string | undefined;
  readonly kind: string | undefined;
  readonly key: string | undefined;
}

/** A page query, of RawRows (run it in raw mode): filter params, then (from, to, limit). */
export function pageQuery(f: Filters): { sql: string; params: string[] } {
  const where: string[] = [];
  const params: string[] = [];
  const add = (clause: string, value: string | undefined): void => {
    if (value === undefined) return;
    where.push(clause);
    params.push(value);
  };
  add('time >= ?', f.since);
  add('time <= ?', f.until);
  add('kind = ?', f.kind);
  add('"key" = ?', f.key);
  const source = f.kind !== undefined && f.key !== undefined ? 'INDEXED BY events_kind_key' : 'NOT INDEXED';
  where.push('"offset" >= ? AND "offset" < ?');
  const sql = `SELECT ${READ_COLUMNS} FROM events ${source} WHERE ${where.join(' AND ')} ORDER BY "offset" LIMIT ?`;
  return { sql, params };
}

/**
 * Inserts the batch after the current last event and returns its first
 * offset. Run it only inside BEGIN IMMEDIATE: holding the write lock is what
 * makes max+1 ours.
 */
export function insertBatch(stmt: Statements, drafts: readonly EventDraft[]): number {
  const max = stmt.maxOffset.get() as number | null;
  const first = max === null ? 0 : max + 1;
  // The newest time so far decides which events are in order (sqlite-schema.ts).
  let latest = (stmt.maxTime.get() as string | null) ?? '';
  drafts.forEach((d, i) => {
    const inOrder = d.time >= latest;
    if (inOrder) latest = d.time;
    const body =
      d.type === 'put'
        ? { type: d.type, kind: d.kind, key: d.key, resource: d.resource }
        : { type: d.type, kind: d.kind, key: d.key };
    try {
      const columns = [d.id, d.time, d.actor, d.schemaVersion, d.type, d.kind, d.key, JSON.stringify(body)];
      stmt.insert.run(first + i, ...columns, inOrder ? 1 : 0);
    } catch (e) {
      if (e instanceof Database.SqliteError && e.code === 'SQLITE_CONSTRAINT_UNIQUE') {
        const problem = `drafts[${i}].id: ${JSON.stringify(d.id)} is already in the log`;
        throw new LogError('duplicate-id', `duplicate event id: ${problem}`, { cause: e, problems: [problem] });
      }
      throw e;
    }
  });
  return first;
}

/** A row of READ_COLUMNS in raw mode (an array: replay reads every row, and an object per row costs twice the time). */
export type RawRow = [offset: number, id: string, time: string, actor: string, schemaVersion: number, body: string];

/** The event a row holds: its columns, then its body's fields in the body's order (`{ offset, …, schemaVersion, ...body }`). */
export function toEvent(r: RawRow): LoggedEvent {
  const body = JSON.parse(r[5]) as Record<string, unknown>;
  // The bodies insertBatch writes, built as literals: spreading costs a replay more than building.
  // Any other body (a field more, less or out of order) is spread.
  switch (bodyShape(body)) {
    case 'with resource':
      return { offset: r[0], id: r[1], time: r[2], actor: r[3], schemaVersion: r[4], type: body.type, kind: body.kind, key: body.key, resource: body.resource } as LoggedEvent;
    case 'without resource':
      return { offset: r[0], id: r[1], time: r[2], actor: r[3], schemaVersion: r[4], type: body.type, kind: body.kind, key: body.key } as LoggedEvent;
    default:
      return { offset: r[0], id: r[1], time: r[2], actor: r[3], schemaVersion: r[4], ...body } as LoggedEvent;
  }
}

const BODY_FIELDS = ['type', 'kind', 'key', 'resource'] as const;

/** Whether `body`'s own fields are exactly type, kind, key and resource, in that order, or the first three alone. */
function bodyShape(body: Record<string, unknown>): 'with resource' | 'without resource' | 'other' {
  let n = 0;
  for (const k in body) {
    if (n === BODY_FIELDS.length || k !== BODY_FIELDS[n] || !Object.prototype.hasOwnProperty.call(body, k)) return 'other';
    n++;
  }
  return n === 4 ? 'with resource' : n === 3 ? 'without resource' : 'other';
}
