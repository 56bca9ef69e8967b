import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { CHECKPOINT_VERSION, encodeCheckpoint } from '../../../compiler/checkpoint/checkpoint';
import type { LoggedEvent } from '../../../compiler/events/event';
import { foldAll } from '../../../compiler/fold/fold';
import { type ClusterState, stateHash } from '../../../compiler/fold/state';
import { sha256Hex } from '../../../compiler/hash/canonical';
import type { CheckpointStore } from '../../../src/checkpoint/checkpoint-store';
import { DirectoryCheckpointStore } from '../../../src/checkpoint/directory-store';
import { replayTo } from '../../../src/checkpoint/replay';
import { SqliteCheckpointStore } from '../../../src/checkpoint/sqlite-store';
import { openCheckpointStore } from '../../../src/checkpoint/store-for-log';
import { historyArb } from '../../compiler/checkpoint/history';
import { putEvents } from '../../compiler/policy/build-state';
import { wep } from '../../compiler/policy/docs';
import { fixtureDocs } from '../../helpers/seed-demo';
import { withTempLog } from './temp-log';

/** The seed demo, then endpoint f moving between hosts 40 times: 50 events. */
const history = (idPrefix = 'ev'): LoggedEvent[] => {
  const docs = [
    ...fixtureDocs('seed-demo.yaml'),
    ...Array.from({ length: 40 }, (_, i) => wep('demo', 'f', { host: i % 2 ? 'host-1' : 'host-2', ips: ['192.168.1.6'], labels: { v: String(i) }, profiles: ['default'] })),
  ];
  return putEvents(docs).map((e) => ({ ...e, id: `${idPrefix}-${e.offset}` }));
};

const fullHash = (events: readonly LoggedEvent[], end = events.length): string => {
  const r = foldAll(events.slice(0, end));
  assert.ok(E.isRight(r));
  return stateHash(r.right);
};

const foldTo = (events: readonly LoggedEvent[], n: number): ClusterState => {
  const r = foldAll(events.slice(0, n));
  assert.ok(E.isRight(r));
  return r.right;
};

const sqliteStore = (dir: string): SqliteCheckpointStore => new SqliteCheckpointStore(join(dir, 'log.db'));

describe('replay through checkpoints (embedded log)', () => {
  test('writes a checkpoint at each multiple of the spacing it folds past, then starts from the nearest one', async () => {
    const events = history();
    await withTempLog(events, async (log, dir) => {
      const store = sqliteStore(dir);
      try {
        await store.setEvery(10);
        const first = await replayTo(log, 50, { store });
        assert.deepEqual(first.written, [10, 20, 30, 40, 50]);
        assert.equal(first.from, 0);
        assert.equal(stateHash(first.state), fullHash(events));
        const again = await replayTo(log, 37, { store });
        assert.equal(again.from, 30);
        assert.deepEqual(again.written, []);
        assert.equal(stateHash(again.state), fullHash(events, 37));
        assert.deepEqual((await store.list()).map((r) => r.offset), [50, 40, 30, 20, 10]);
      } finally {
        await store.close();
      }
    });
  });

  test('a corrupted checkpoint is detected, skipped and discarded; the replay falls back and still gives the right state', async () => {
    const events = history();
    await withTempLog(events, async (log, dir) => {
      const store = sqliteStore(dir);
      try {
        await store.setEvery(10);
        await replayTo(log, 50, { store });
        const db = new Database(join(dir, 'log.db'));
        db.prepare(`UPDATE checkpoints SET body = substr(body, 1, length(body) - 7) WHERE "offset" = 40`).run();
        db.prepare(`UPDATE checkpoints SET sha256 = ? WHERE "offset" = 30`).run('0'.repeat(64));
        db.close();
        const r = await replayTo(log, 45, { store, write: false });
        assert.equal(r.from, 20);
        assert.deepEqual(r.skipped.map((s) => s.offset), [40, 30]);
        assert.match(r.skipped[0]!.why, /corrupted/);
        assert.equal(stateHash(r.state), fullHash(events, 45));
        assert.deepEqual((await store.list()).map((x) => x.offset), [50, 20, 10]);
        // The next replay past them writes them afresh.
        assert.deepEqual((await replayTo(log, 45, { store })).written, [30, 40]);
      } finally {
        await store.close();
      }
    });
  });

  test('a checkpoint of another format version, or of another log, is ignored (a full replay), never trusted', async () => {
    const events = history();
    const otherLog = history('other');
    await withTempLog(events, async (log, dir) => {
      const store = sqliteStore(dir);
      try {
        await store.setEvery(0);
        // A well-formed checkpoint at 20 whose header says a version after this code's.
        const good = encodeCheckpoint(foldTo(events, 20), events[19]!.id);
        assert.ok(E.isRight(good));
        const doc = JSON.parse(good.right.text) as Record<string, unknown>;
        const text = JSON.stringify({ ...doc, version: CHECKPOINT_VERSION + 1 });
        assert.ok(await store.write({ ...good.right, text, sha256: sha256Hex(text) }));
        // A checkpoint of a log whose events have other ids, at 10.
        const foreign = encodeCheckpoint(foldTo(otherLog, 10), otherLog[9]!.id);
        assert.ok(E.isRight(foreign));
        assert.ok(await store.write(foreign.right));
        const r = await replayTo(log, 25, { store });
        assert.equal(r.from, 0);
        assert.deepEqual(r.skipped.map((s) => s.offset), [20, 10]);
        assert.match(r.skipped[0]!.why, new RegExp(`version ${CHECKPOINT_VERSION + 1}\\b.*version ${CHECKPOINT_VERSION}\\b`));
        assert.match(r.skipped[1]!.why, /another log/);
        assert.equal(stateHash(r.state), fullHash(events, 25));
        // The foreign-version one is kept for whoever reads it.
        assert.ok((await store.list()).some((x) => x.offset === 20));
        assert.deepEqual(r.written, []);
      } finally {
        await store.close();
      }
    });
  });

  test('a state at hand within one spacing is folded forward; a farther one loses to a closer checkpoint', async () => {
    const events = history();
    await withTempLog(events, async (log, dir) => {
      const store = sqliteStore(dir);
      try {
        await store.setEvery(10);
        await replayTo(log, 50, { store });
        const near = await replayTo(log, 45, { store, from: foldTo(events, 38) });
        assert.equal(near.from, 38);
        assert.equal(stateHash(near.state), fullHash(events, 45));
        const far = await replayTo(log, 45, { store, from: foldTo(events, 12) });
        assert.equal(far.from, 40);
        assert.equal(stateHash(far.state), fullHash(events, 45));
        const plain = await replayTo(log, 45, { from: foldTo(events, 12) });
        assert.equal(plain.from, 12);
        assert.equal(stateHash(plain.state), fullHash(events, 45));
      } finally {
        await store.close();
      }
    });
  });

  test('the embedded log gets its own store; a log without one replays in full', async () => {
    await withTempLog(history(), async (log) => {
      const store = openCheckpointStore(log);
      assert.ok(store instanceof SqliteCheckpointStore);
      await store.close();
      const plain = await replayTo(log, 12);
      assert.equal(plain.from, 0);
      assert.equal(plain.state.offset, 12);
    });
  });

  test('replay through checkpoints ≡ fold from zero, for any history, spacing and end', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, fc.integer({ min: 1, max: 12 }), fc.nat(), fc.nat(), async (events, every, a, b) => {
        const ends = [a % (events.length + 1), b % (events.length + 1)];
        await withTempLog(events, async (log, dir) => {
          const store = sqliteStore(dir);
          try {
            await store.setEvery(every);
            for (const end of ends) assert.equal(stateHash((await replayTo(log, end, { store })).state), fullHash(events, end), `end ${end}`);
          } finally {
            await store.close();
          }
        });
      }),
      { numRuns: 25 },
    );
  });
});

const contract = (name: string, make: (dir: string) => CheckpointStore): void => {
  test(`${name}: write, list newest first, read back, discard, and the spacing setting`, async () => {
    const events = history();
    await withTempLog(events, async (_log, dir) => {
      const store = make(dir);
      try {
        assert.deepEqual(await store.list(), []);
        assert.equal(await store.every(), 1000);
        await store.setEvery(7);
        assert.equal(await store.every(), 7);
        const cs = [10, 20].map((n) => {
          const c = encodeCheckpoint(foldTo(events, n), events[n - 1]!.id);
          assert.ok(E.isRight(c));
          return c.right;
        });
        for (const c of cs) assert.equal(await store.write(c), true);
        const refs = await store.list();
        assert.deepEqual(refs.map((r) => [r.offset, r.version, r.sha256]), [[20, CHECKPOINT_VERSION, cs[1]!.sha256], [10, CHECKPOINT_VERSION, cs[0]!.sha256]]);
        assert.ok(refs.every((r) => r.bytes > 0 && r.bytes < cs[0]!.text.length), 'bodies are stored compressed');
        assert.deepEqual((await store.list({ atOrBefore: 15 })).map((r) => r.offset), [10]);
        assert.deepEqual(await store.list({ version: CHECKPOINT_VERSION + 1 }), []);
        assert.equal((await store.read(refs[0]!))?.text, cs[1]!.text);
        await store.discard(refs[0]!);
        assert.deepEqual((await store.list()).map((r) => r.offset), [10]);
        assert.equal(await store.read(refs[0]!), undefined);
      } finally {
        await store.close();
      }
    });
  });
};

describe('checkpoint stores', () => {
  contract('sqlite', sqliteStore);
  contract('directory', (dir) => new DirectoryCheckpointStore(join(dir, 'checkpoints')));

  test('directory: replay through it is exact too, and a file whose content does not match its name is refused', async () => {
    const events = history();
    await withTempLog(events, async (log, dir) => {
      const store = new DirectoryCheckpointStore(join(dir, 'checkpoints'));
      await store.setEvery(20);
      assert.deepEqual((await replayTo(log, 50, { store })).written, [20, 40]);
      const [ref] = await store.list();
      const { writeFileSync } = await import('node:fs');
      const { deflateRawSync } = await import('node:zlib');
      writeFileSync(join(dir, 'checkpoints', `${String(ref!.offset).padStart(12, '0')}.v${CHECKPOINT_VERSION}.${ref!.sha256}.ckpt`), deflateRawSync(Buffer.from('{}')));
      const r = await replayTo(log, 50, { store, write: false });
      assert.equal(r.from, 20);
      assert.equal(stateHash(r.state), fullHash(events));
    });
  });
});
