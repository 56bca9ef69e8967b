// The behaviour every EventLog backend must show, as one suite a backend's
// test file runs with a factory for fresh, empty logs: ordering, dense
// offsets, atomic batches, read ranges, tail from history into live events,
// reopening, time lookup and queries. Backend-specific matters (files,
// processes, crashes, servers) belong in that backend's own test file.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { EventDraft, LoggedEvent } from '../../../compiler/events/event';
import { type EventLog, type LogQuery, LogError, isLogError } from '../../../src/log/event-log';
import { canonicalTime } from '../../../src/log/log-time';
import { queryLog } from '../../../src/log/query-log';
import {
  BASE_MS, batchesArb, collect, draft, drafts, model, timeAt, toDrafts, uniqueRun, withZone,
} from './log-fixtures';

export interface LogUnderTest {
  readonly log: EventLog;
  /** Another handle on the same log, as another process would open it. */
  readonly reopen: () => Promise<EventLog>;
  /** Closes every handle and deletes the store, whatever state it is in. */
  readonly cleanup: () => Promise<void>;
}

const TIMEOUT = { timeout: 30_000 };
const PROPERTY_RUNS = 25;

const withLog = async (makeLog: () => Promise<LogUnderTest>, body: (l: LogUnderTest) => Promise<void>) => {
  const l = await makeLog();
  try {
    await body(l);
  } finally {
    await l.cleanup();
  }
};

const appendAll = async (log: EventLog, batches: readonly EventDraft[][]): Promise<number[][]> => {
  const out: number[][] = [];
  for (const b of batches) out.push(await log.append(b));
  return out;
};

const rejectsWith = (code: LogError['code']) => (e: unknown) => isLogError(e, code);

export function runEventLogConformance(name: string, makeLog: () => Promise<LogUnderTest>): void {
  const using = (body: (l: LogUnderTest) => Promise<void>) => withLog(makeLog, body);

  describe(`EventLog conformance: ${name}`, () => {
    test('an empty log has head 0, reads nothing and has no offset at any time', TIMEOUT, () =>
      using(async ({ log }) => {
        assert.equal(await log.head(), 0);
        assert.deepEqual(await collect(log.read(0)), []);
        assert.equal(await log.offsetAtTime('2999-01-01T00:00:00Z'), undefined);
      }));

    test('appended batches get dense offsets from 0, in draft order', TIMEOUT, () =>
      using(async ({ log }) => {
        const run = uniqueRun();
        assert.deepEqual(await log.append(drafts(run, 3)), [0, 1, 2]);
        assert.deepEqual(await log.append([]), []);
        assert.deepEqual(await log.append(drafts(run, 2, 3)), [3, 4]);
        assert.equal(await log.head(), 5);
      }));

    test('read(from, to) yields exactly the model slice [from, to), in order', TIMEOUT, () =>
      fc.assert(
        fc.asyncProperty(batchesArb, fc.nat(45), fc.option(fc.nat(45)), async (shapes, from, to) => {
          await using(async ({ log }) => {
            const batches = toDrafts(uniqueRun(), shapes);
            await appendAll(log, batches);
            const expected = model(batches).slice(from, to ?? undefined);
            assert.deepEqual(await collect(log.read(from, to ?? undefined)), expected);
          });
        }),
        { numRuns: PROPERTY_RUNS },
      ));

    test('a read longer than any page yields every event once, in order', TIMEOUT, () =>
      using(async ({ log }) => {
        const batch = drafts(uniqueRun(), 1234);
        await log.append(batch);
        const events = await collect(log.read(0));
        assert.deepEqual(events.map((e) => e.offset), batch.map((_, i) => i));
        assert.deepEqual(events.map((e) => e.id), batch.map((d) => d.id));
        assert.deepEqual((await collect(log.read(1000, 1010))).map((e) => e.offset), [...Array(10).keys()].map((i) => 1000 + i));
      }));

    test('a batch with one invalid draft appends nothing and names the field', TIMEOUT, () =>
      using(async ({ log }) => {
        const run = uniqueRun();
        await log.append(drafts(run, 2));
        const bad = { ...draft(`${run}-bad`), kind: 7 } as unknown as EventDraft;
        const untimed = { ...draft(`${run}-untimed`), time: '2024-03-01 12:00' };
        const err = await log.append([draft(`${run}-x`), bad, untimed]).then(
          () => assert.fail('append of an invalid batch succeeded'),
          (e: unknown) => e,
        );
        assert.ok(isLogError(err, 'invalid-event'), String(err));
        assert.equal(err.retriable, false);
        assert.ok(err.problems.some((p) => p.startsWith('drafts[1].kind:')), err.problems.join('\n'));
        assert.ok(err.problems.some((p) => p.startsWith('drafts[2].time:')), err.problems.join('\n'));
        assert.equal(await log.head(), 2);
        assert.deepEqual((await collect(log.read(0))).map((e) => e.id), [`${run}-0`, `${run}-1`]);
        assert.deepEqual(await log.append([draft(`${run}-x`)]), [2]);
      }));

    test('a batch reusing an id, of the log or of itself, appends nothing', TIMEOUT, () =>
      using(async ({ log }) => {
        const run = uniqueRun();
        await log.append(drafts(run, 2));
        await assert.rejects(log.append([draft(`${run}-new`), draft(`${run}-1`)]), rejectsWith('duplicate-id'));
        await assert.rejects(log.append([draft(`${run}-twice`), draft(`${run}-twice`)]), rejectsWith('duplicate-id'));
        assert.equal(await log.head(), 2);
        assert.deepEqual(await log.append([draft(`${run}-new`)]), [2]);
      }));

    test('reads reject offsets that are not non-negative integers', TIMEOUT, () =>
      using(async ({ log }) => {
        await assert.rejects(collect(log.read(-1)), rejectsWith('invalid-argument'));
        await assert.rejects(collect(log.read(1.5)), rejectsWith('invalid-argument'));
        await assert.rejects(log.offsetAtTime('yesterday'), rejectsWith('invalid-argument'));
      }));

    test('tail yields past events, then live ones from another writer, until aborted', TIMEOUT, () =>
      using(async ({ log, reopen }) => {
        const run = uniqueRun();
        await log.append(drafts(run, 3));
        const abort = new AbortController();
        const it = log.tail(1, abort.signal)[Symbol.asyncIterator]();
        const offsets = async (n: number): Promise<number[]> => {
          const out: number[] = [];
          while (out.length < n) {
            const r = await it.next();
            if (r.done === true) assert.fail('tail ended before it was aborted');
            out.push(r.value.offset);
          }
          return out;
        };
        assert.deepEqual(await offsets(2), [1, 2]);
        const other = await reopen();
        await other.append(drafts(run, 2, 3));
        assert.deepEqual(await offsets(2), [3, 4]);
        await log.append(drafts(run, 1, 5));
        const last = await it.next();
        assert.equal(last.done !== true && last.value.id, `${run}-5`);
        const pending = it.next();
        abort.abort();
        assert.equal((await pending).done, true);
      }));

    test('a tail past the head waits for the events to come', TIMEOUT, () =>
      using(async ({ log, reopen }) => {
        const run = uniqueRun();
        const abort = new AbortController();
        const it = log.tail(2, abort.signal)[Symbol.asyncIterator]();
        const first = it.next();
        const other = await reopen();
        await other.append(drafts(run, 4));
        const r = await first;
        assert.equal(r.done !== true && r.value.offset, 2);
        abort.abort();
        await it.return?.();
      }));

    test('a tail on an aborted signal yields nothing and ends', TIMEOUT, () =>
      using(async ({ log }) => {
        await log.append(drafts(uniqueRun(), 2));
        const abort = new AbortController();
        abort.abort();
        assert.deepEqual(await collect(log.tail(0, abort.signal)), []);
      }));

    test('a reopened log holds every event and appends after them', TIMEOUT, () =>
      using(async ({ log, reopen }) => {
        const run = uniqueRun();
        const batch = drafts(run, 5);
        await log.append(batch);
        await log.close();
        await log.close();
        const again = await reopen();
        assert.equal(await again.head(), 5);
        assert.deepEqual(await collect(again.read(0)), model([batch]));
        assert.deepEqual(await again.append(drafts(run, 1, 5)), [5]);
      }));

    test('a closed log rejects every call with code closed', TIMEOUT, () =>
      using(async ({ log }) => {
        await log.close();
        const closed = rejectsWith('closed');
        await assert.rejects(log.append(drafts(uniqueRun(), 1)), closed);
        await assert.rejects(log.head(), closed);
        await assert.rejects(collect(log.read(0)), closed);
        await assert.rejects(collect(log.tail(0, new AbortController().signal)), closed);
        await assert.rejects(log.offsetAtTime('2024-01-01T00:00:00Z'), closed);
      }));

    test('offsetAtTime(T) is the greatest offset whose time is ≤ T, clocks in any order', TIMEOUT, () =>
      fc.assert(
        fc.asyncProperty(
          batchesArb,
          fc.integer({ min: -2, max: 64 }),
          fc.constantFrom(0, 120, -330),
          async (shapes, halfSeconds, zone) => {
            await using(async ({ log }) => {
              const batches = toDrafts(uniqueRun(), shapes);
              await appendAll(log, batches);
              const at = BASE_MS + halfSeconds * 500;
              const matching = model(batches).filter((e) => Date.parse(e.time) <= at);
              const expected = matching.length === 0 ? undefined : matching[matching.length - 1]!.offset;
              assert.equal(await log.offsetAtTime(withZone(at, zone)), expected);
            });
          },
        ),
        { numRuns: PROPERTY_RUNS },
      ));

    test('queryLog yields the events matching every filter, in offset order, up to the limit', TIMEOUT, () =>
      fc.assert(
        fc.asyncProperty(batchesArb, queryArb, async (shapes, q) => {
          await using(async ({ log }) => {
            const batches = toDrafts(uniqueRun(), shapes);
            await appendAll(log, batches);
            const expected = model(batches)
              .filter((e) => matches(e, q))
              .slice(0, q.limit ?? undefined);
            assert.deepEqual(await collect(queryLog(log, q)), expected);
          });
        }),
        { numRuns: PROPERTY_RUNS },
      ));
  });
}

const queryArb: fc.Arbitrary<LogQuery> = fc.record(
  {
    since: fc.integer({ min: -1, max: 31 }).map((s) => timeAt(BASE_MS + s * 1000)),
    until: fc.integer({ min: -1, max: 31 }).map((s) => withZone(BASE_MS + s * 1000 + 250, 60)),
    kind: fc.constantFrom('Host', 'Profile', 'Tier'),
    key: fc.constantFrom('a', 'b', 'ns/c'),
    limit: fc.nat(12),
  },
  { requiredKeys: [] },
);

function matches(e: LoggedEvent, q: LogQuery): boolean {
  const t = Date.parse(e.time);
  return (
    (q.since === undefined || t >= Date.parse(canonicalTime(q.since)!)) &&
    (q.until === undefined || t <= Date.parse(canonicalTime(q.until)!)) &&
    (q.kind === undefined || e.kind === q.kind) &&
    (q.key === undefined || e.key === q.key)
  );
}
