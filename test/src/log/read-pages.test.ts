// The embedded log's replay path: readPagesSync hands over exactly what read
// does, a page at a time; rows become the events their columns and bodies
// spell, field for field and in the same key order;
// and foldLogRange folds a log to the same state whether its backend reads
// in pages or only event by event.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { encodeValueTree } from '../../../compiler/checkpoint/value-codec';
import type { EventDraft, LoggedEvent } from '../../../compiler/events/event';
import { emptyState } from '../../../compiler/fold/state';
import type { EventLog } from '../../../src/log/event-log';
import { foldLogRange } from '../../../src/log/fold-range';
import { SqliteLog } from '../../../src/log/sqlite-log';
import { replayHistoryArb } from '../../compiler/fold/replay-histories';
import { batchesArb, collect, toDrafts, uniqueRun } from './log-fixtures';

const root = mkdtempSync(join(tmpdir(), 'foldnet-read-pages-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshPath = (): string => join(root, `t${dirs++}`, 'log.db');

/** Runs `f` on a fresh log holding `batches`, then closes and deletes it. */
async function withLog<T>(pageSize: number, batches: readonly (readonly EventDraft[])[], f: (log: SqliteLog, path: string) => Promise<T>): Promise<T> {
  const path = freshPath();
  const log = new SqliteLog(path, { pageSize, synchronous: 'normal' });
  try {
    for (const b of batches) await log.append(b);
    return await f(log, path);
  } finally {
    await log.close();
    rmSync(join(path, '..'), { recursive: true, force: true });
  }
}

/** Events with object key order visible. */
const text = (events: readonly LoggedEvent[]): string => JSON.stringify(events);

interface Row { offset: number; id: string; time: string; actor: string; schema_version: number; body: string }

/** What a row means, written the plain way: the decoder (sqlite-statements.ts) builds some bodies field by field, for speed. */
const spelled = (row: Row): LoggedEvent =>
  ({ offset: row.offset, id: row.id, time: row.time, actor: row.actor, schemaVersion: row.schema_version, ...(JSON.parse(row.body) as object) }) as LoggedEvent;

describe('SqliteLog pages', () => {
  test('readPagesSync yields exactly the events read yields, in order, in pages of at most the page size', async () => {
    await fc.assert(
      fc.asyncProperty(batchesArb, fc.integer({ min: 1, max: 9 }), fc.nat(), fc.nat(), async (batches, pageSize, a, b) => {
        const drafts = toDrafts(uniqueRun(), batches);
        const n = drafts.flat().length;
        const from = a % (n + 1);
        const to = from + (b % (n - from + 1));
        await withLog(pageSize, drafts, async (log) => {
          const pages = [...log.readPagesSync(from, to)];
          for (const p of pages) assert.ok(p.length >= 1 && p.length <= pageSize);
          const events = await collect(log.read(from, to));
          assert.equal(text(pages.flat()), text(events));
          assert.deepStrictEqual(pages.flat(), events);
          assert.deepEqual(events.map((e) => e.offset), Array.from({ length: to - from }, (_, i) => from + i));
        });
      }),
      { numRuns: 40 },
    );
  });

  test("every event read is, field for field and in key order, its row's columns then its body's fields", async () => {
    await fc.assert(
      fc.asyncProperty(batchesArb, async (batches) => {
        await withLog(4, toDrafts(uniqueRun(), batches), async (log, path) => {
          const events = await collect(log.read(0));
          const db = new Database(path, { readonly: true });
          try {
            const rows = db.prepare(`SELECT "offset", id, time, actor, schema_version, body FROM events ORDER BY "offset"`).all() as Row[];
            assert.equal(text(events), text(rows.map(spelled)));
            assert.deepStrictEqual(events, rows.map(spelled));
          } finally {
            db.close();
          }
        });
      }),
      { numRuns: 30 },
    );
  });
});

/** The log seen through the EventLog interface alone: no readPagesSync. */
const eventByEvent = (log: EventLog): EventLog => ({
  append: (d) => log.append(d),
  read: (from, to) => log.read(from, to),
  tail: (from, signal) => log.tail(from, signal),
  head: () => log.head(),
  offsetAtTime: (t) => log.offsetAtTime(t),
  close: () => log.close(),
});

const draftOf = ({ offset: _offset, ...draft }: LoggedEvent): EventDraft => draft as EventDraft;

describe('foldLogRange', () => {
  test('folds a log to the same state (Map and key order included) whether its backend reads in pages or event by event', async () => {
    await fc.assert(
      fc.asyncProperty(replayHistoryArb, fc.integer({ min: 1, max: 40 }), fc.nat(), async (events, pageSize, cut) => {
        const run = uniqueRun();
        const drafts = events.map((e) => ({ ...draftOf(e), id: `${run}-${e.offset}` }));
        await withLog(pageSize, [drafts], async (log) => {
          const mid = cut % (events.length + 1);
          const paged = await foldLogRange(log, emptyState(), mid);
          const pagedAll = await foldLogRange(log, paged.state, events.length);
          const single = await foldLogRange(eventByEvent(log), emptyState(), events.length);
          assert.deepEqual(encodeValueTree(pagedAll.state), encodeValueTree(single.state));
          const idAt = (n: number): string | undefined => (n === 0 ? undefined : `${run}-${n - 1}`);
          assert.equal(single.lastId, idAt(events.length));
          assert.equal(paged.lastId, idAt(mid));
          // Folding an empty range names no event.
          assert.equal(pagedAll.lastId, mid === events.length ? undefined : idAt(events.length));
        });
      }),
      { numRuns: 25 },
    );
  });
});
