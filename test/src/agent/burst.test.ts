import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type BurstSource, readBurst } from '../../../src/agent/burst';

interface Ev { readonly offset: number }

/** A source whose events arrive in chunks at given times (virtual ms), and a clock that waiting advances. */
const scripted = (chunks: readonly { at: number; count: number }[]) => {
  let clock = 0;
  let next = 0;
  const arrived: Ev[] = [];
  const pending = chunks.map((c) => ({ ...c }));
  const deliver = (): void => {
    while (pending.length > 0 && pending[0]!.at <= clock) {
      const c = pending.shift()!;
      for (let i = 0; i < c.count; i++) arrived.push({ offset: next++ });
    }
  };
  const total = chunks.reduce((n, c) => n + c.count, 0);
  const source: BurstSource<Ev> = {
    async waitForEvents(ms) {
      deliver();
      if (arrived.length > 0) return true;
      const nextAt = pending[0]?.at;
      if (nextAt === undefined || nextAt > clock + ms) {
        clock += Number.isFinite(ms) ? ms : 0;
        return false;
      }
      clock = nextAt;
      deliver();
      return true;
    },
    drain: () => arrived.splice(0),
  };
  return { source, now: () => clock, head: async () => total };
};

describe('readBurst', () => {
  test('a burst that is already in the log is taken whole, without waiting', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 50 }), async (n) => {
        const s = scripted([{ at: 0, count: n }]);
        const got = await readBurst(s.source, 1000, { batchMs: 20, now: s.now, head: s.head });
        assert.deepEqual(got.map((e) => e.offset), Array.from({ length: n }, (_, i) => i));
        assert.equal(s.now(), 0);
      }),
    );
  });

  test('the rest of a burst still being read is waited for, at most batchMs after the first event', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 60 }), async (lateBy, batchMs) => {
        const s = scripted([{ at: 5, count: 2 }, { at: 5 + lateBy, count: 3 }]);
        const got = await readBurst(s.source, 1000, { batchMs, now: s.now, head: s.head });
        assert.equal(got.length, lateBy <= batchMs ? 5 : 2);
        assert.ok(s.now() <= 5 + batchMs);
      }),
    );
  });

  test('nothing arriving in time gives an empty batch', async () => {
    const s = scripted([{ at: 50, count: 1 }]);
    assert.deepEqual(await readBurst(s.source, 10, { batchMs: 20, now: s.now, head: s.head }), []);
  });
});
