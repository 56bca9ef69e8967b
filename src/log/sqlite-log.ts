// The embedded event log: one SQLite file (better-sqlite3) that many processes
// on one host append to and read at once. Offsets are the table's integer
// primary key, handed out under SQLite's write lock (BEGIN IMMEDIATE, read
// the max, insert the batch, commit), so they stay dense from 0 with no loss
// or duplicate however many writers race. Tails poll the head every few ms.
// Layout and format checks live in sqlite-schema.ts; draft validation in
// validate-drafts.ts.
//
// Durability. WAL mode. With synchronous=FULL (the default here) a commit
// returns only after the WAL is fsynced: an acknowledged append survives the
// writer being SIGKILLed and the machine losing power. synchronous=NORMAL
// skips that fsync: it still survives any process crash (the bytes are in
// the OS page cache once commit returns) but power loss can drop the last
// commits. We default to FULL because others act on an acknowledged event at
// once (a CNI plugin wires an address the fold gave it; an operator is told
// a policy is in), and losing the event afterwards would make the log disagree
// with the world; one fsync per batch is cheap next to that. Tests and
// benchmarks may choose NORMAL.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { EventDraft, LoggedEvent } from '../../compiler/events/event';
import { type EventLog, type LogQuery, LogError } from './event-log';
import { timeArgument } from './log-time';
import { type RetryPolicy, retrying } from './retry';
import { ensureSchema } from './sqlite-schema';
import {
  type RawRow, type Statements, insertBatch, pageQuery, prepareStatements, toEvent,
} from './sqlite-statements';
import { validateDrafts } from './validate-drafts';

export interface SqliteLogOptions {
  /** 'full' (default) or 'normal'; see the durability note above. */
  readonly synchronous?: 'full' | 'normal';
  /** How long SQLite itself waits for another writer's lock per attempt (default 1000). */
  readonly busyTimeoutMs?: number;
  /** Attempts after SQLITE_BUSY outlasts busyTimeoutMs (default 8, 10 ms doubling to 500 ms). */
  readonly retry?: RetryPolicy;
  /** How often a tail at the live edge looks for new events (default 10). */
  readonly pollIntervalMs?: number;
  /** Events fetched per query while reading (default 500). */
  readonly pageSize?: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 10, maxDelayMs: 500 };
const BUSY = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT']);

export class SqliteLog implements EventLog {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly retryPolicy: RetryPolicy;
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly wakers = new Set<() => void>();
  private closed = false;
  private readonly stmt: Statements;
  private readonly appendTx: Database.Transaction<(drafts: readonly EventDraft[]) => number>;

  /** Opens (creating it and its directory if missing) the log at `path`. */
  constructor(path: string, options: SqliteLogOptions = {}) {
    this.path = resolve(path);
    this.retryPolicy = options.retry ?? DEFAULT_RETRY;
    this.pollIntervalMs = positive(options.pollIntervalMs ?? 10, 'pollIntervalMs');
    this.pageSize = positive(options.pageSize ?? 500, 'pageSize');
    mkdirSync(dirname(this.path), { recursive: true });
    let db: Database.Database | undefined;
    try {
      db = new Database(this.path);
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 1000))}`);
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new LogError('io', `${this.path}: SQLite refused WAL mode (journal_mode is ${String(mode)})`);
      db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      ensureSchema(db, this.path);
      this.stmt = prepareStatements(db);
    } catch (e) {
      db?.close();
      throw toLogError(e, this.path);
    }
    this.db = db;
    this.appendTx = db.transaction((drafts: readonly EventDraft[]) => insertBatch(this.stmt, drafts));
  }

  async append(drafts: readonly EventDraft[]): Promise<number[]> {
    this.ensureOpen();
    if (!Array.isArray(drafts)) throw new LogError('invalid-argument', 'append takes an array of event drafts');
    const valid = validateDrafts(drafts);
    if (valid.length === 0) return [];
    const first = await retrying(this.retryPolicy, isRetriable, () => {
      this.ensureOpen();
      return this.guard(() => this.appendTx.immediate(valid));
    });
    this.wakeTails();
    return valid.map((_, i) => first + i);
  }

  async *read(from: number, to?: number): AsyncIterable<LoggedEvent> {
    for (const rows of this.rawPages(from, to)) for (const row of rows) yield toEvent(row);
  }

  /**
   * `read`, a page at a time and without awaits (SQLite reads block anyway):
   * the same events, in the same order. Replay folds
   * the whole range with one foldAll over these pages (fold-range.ts), so
   * the fold's maps stay open in place from the first page to the last
   * rather than being reopened, and their paths copied again, page by page.
   */
  *readPagesSync(from: number, to?: number): Iterable<readonly LoggedEvent[]> {
    for (const rows of this.rawPages(from, to)) yield rows.map(toEvent);
  }

  private *rawPages(from: number, to: number | undefined): Iterable<readonly RawRow[]> {
    checkOffset(from, 'from');
    if (to !== undefined) checkOffset(to, 'to');
    // Closing under a read is an error, not an end: a short history read as
    // a whole one would fold into a wrong state.
    let next = from;
    const end = to ?? this.headNow();
    while (next < end) {
      this.ensureOpen();
      const rows = this.guard(() => this.stmt.page.all(next, end, this.pageSize) as RawRow[]);
      if (rows.length === 0) return;
      yield rows;
      next = rows[rows.length - 1]![0] + 1;
    }
  }

  async *tail(from: number, signal: AbortSignal): AsyncIterable<LoggedEvent> {
    checkOffset(from, 'from');
    this.ensureOpen();
    let next = from;
    while (!signal.aborted && !this.closed) {
      const page = this.guard(() => this.stmt.page.all(next, Number.MAX_SAFE_INTEGER, this.pageSize) as RawRow[]);
      for (const row of page) {
        if (signal.aborted) return;
        yield toEvent(row);
        next = row[0] + 1;
      }
      if (page.length < this.pageSize) await this.waitForAppend(next, signal);
    }
  }

  async head(): Promise<number> {
    return this.headNow();
  }

  async offsetAtTime(time: string): Promise<number | undefined> {
    const at = timeArgument(time, 'offsetAtTime');
    this.ensureOpen();
    const last = this.lastAt(at);
    return last < 0 ? undefined : last;
  }

  /**
   * Time filters first narrow the offsets to scan, with the time index (see
   * offsetRange); then pages are read in offset order, through the (kind, key)
   * index when both are given, else along the offsets. Sorting each page out
   * of the kind or time index instead would cost the whole match set per page.
   */
  async *query(q: LogQuery): AsyncIterable<LoggedEvent> {
    const limit = q.limit ?? Number.POSITIVE_INFINITY;
    if (!(limit >= 0) || (Number.isFinite(limit) && !Number.isInteger(limit))) {
      throw new LogError('invalid-argument', `query: limit must be a non-negative integer, got ${q.limit}`);
    }
    const since = q.since === undefined ? undefined : timeArgument(q.since, 'query: since');
    const until = q.until === undefined ? undefined : timeArgument(q.until, 'query: until');
    this.ensureOpen();
    const [lo, hi] = this.offsetRange(since, until);
    const { sql, params } = pageQuery({ since, until, kind: q.kind, key: q.key });
    const stmt = this.guard(() => this.db.prepare(sql).raw(true));
    let next = lo;
    let remaining = limit;
    while (remaining > 0 && next < hi) {
      this.ensureOpen();
      const size = Math.min(this.pageSize, remaining);
      const page = this.guard(() => stmt.all(...params, next, hi, size) as RawRow[]);
      for (const row of page) yield toEvent(row);
      if (page.length < size) return;
      remaining -= page.length;
      next = page[page.length - 1]![0] + 1;
    }
  }

  /**
   * Offsets [lo, hi) outside which no event can fall in [since, until]. An
   * in-order event older than `since` is newer than everything before it, so
   * the last such one bounds from below; offsetAtTime(until) bounds from above.
   */
  private offsetRange(since: string | undefined, until: string | undefined): [number, number] {
    const before =
      since === undefined ? null : this.guard(() => this.stmt.lastInOrderBefore.get(since) as number | null | undefined);
    const lo = (before ?? -1) + 1;
    const hi = until === undefined ? this.headNow() : this.lastAt(until) + 1;
    return [lo, hi];
  }

  /** Greatest offset with time ≤ `at` (stored form), or -1. */
  private lastAt(at: string): number {
    const [inOrder, late] = this.guard(
      () => [this.stmt.lastInOrderAt.get(at), this.stmt.lastLateAt.get(at)] as (number | null | undefined)[],
    );
    return Math.max(inOrder ?? -1, late ?? -1);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeTails();
    this.db.close();
  }

  private wakeTails(): void {
    for (const wake of [...this.wakers]) wake();
  }

  private headNow(): number {
    this.ensureOpen();
    const max = this.guard(() => this.stmt.maxOffset.get() as number | null);
    return max === null ? 0 : max + 1;
  }

  /** Resolves once an event at `next` may exist, or on abort or close. */
  private async waitForAppend(next: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted && !this.closed && this.headNow() <= next) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.wakers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, this.pollIntervalMs);
        signal.addEventListener('abort', done);
        this.wakers.add(done);
      });
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new LogError('closed', `event log ${this.path} is closed`);
  }

  private guard<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw toLogError(e, this.path);
    }
  }
}

function isRetriable(e: unknown): boolean {
  return e instanceof LogError && e.retriable;
}

function toLogError(e: unknown, path: string): LogError {
  if (e instanceof LogError) return e;
  if (e instanceof Database.SqliteError) {
    if (BUSY.has(e.code)) {
      return new LogError('busy', `${path}: locked by other writers (${e.code})`, { retriable: true, cause: e });
    }
    if (e.code === 'SQLITE_NOTADB') {
      return new LogError('foreign-format', `${path} is not an SQLite database`, { cause: e });
    }
    return new LogError('io', `${path}: ${e.code}: ${e.message}`, { cause: e });
  }
  return new LogError('io', `${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

function checkOffset(n: number, name: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new LogError('invalid-argument', `${name} must be a non-negative integer offset, got ${n}`);
  }
}

function positive(n: number, name: string): number {
  if (!(n > 0)) throw new LogError('invalid-argument', `${name} must be positive, got ${n}`);
  return n;
}
