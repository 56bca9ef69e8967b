// The latency run's summary (src/demo/latency.ts): its percentiles are
// samples (nearest rank), so a p99 says how long 99 changes in 100 took at most.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stats } from '../../../src/demo/latency';

test('p90 and p99 are the smallest samples with at least 90% and 99% of samples at or below them', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 300 }), (xs) => {
      const s = stats(xs);
      for (const [q, v] of [[0.9, s.p90], [0.99, s.p99]] as const) {
        const rank = Math.ceil(q * xs.length);
        assert.ok(xs.includes(v));
        assert.ok(xs.filter((x) => x <= v).length >= rank, `at least ${rank} samples at or below ${v}`);
        assert.ok(xs.filter((x) => x < v).length < rank, `fewer than ${rank} samples below ${v}`);
      }
      assert.ok(s.min <= s.median && s.median <= s.p90 && s.p90 <= s.p99 && s.p99 <= s.max);
    }),
  );
});
