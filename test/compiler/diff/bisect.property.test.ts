// The search behind `foldnet bisect`, against a linear scan over arbitrary
// verdict histories (one boolean per point of the log).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findFlip, firstFlipByScan } from '../../../compiler/diff/bisect';

const flips = (v: readonly boolean[], from: number, to: number): number => {
  let n = 0;
  for (let p = from; p < to; p++) if (v[p] !== v[p + 1]) n++;
  return n;
};

/** Histories whose verdict flips exactly once, somewhere, over `length + 1` points. */
const oneFlip = fc.record({ length: fc.integer({ min: 1, max: 3000 }), first: fc.boolean() }).chain(({ length, first }) =>
  fc.integer({ min: 0, max: length - 1 }).map((e) => Array.from({ length: length + 1 }, (_, p) => (p <= e ? first : !first))),
);

const anyHistory = fc.array(fc.boolean(), { minLength: 2, maxLength: 300 });

test('with good and bad given and exactly one flip between them, bisect names the flip a linear scan finds', () => {
  fc.assert(
    fc.property(anyHistory, fc.nat(), fc.nat(), (v, i, j) => {
      const good = i % (v.length - 1);
      const bad = good + 1 + (j % (v.length - 1 - good));
      fc.pre(flips(v, good, bad) === 1);
      const r = findFlip({ good, bad }, (p) => v[p]!);
      assert.equal(r.kind, 'flip');
      assert.equal(r.kind === 'flip' && r.event, firstFlipByScan(good, bad, (p) => v[p]!));
    }),
  );
});

test('without good, when the verdict flipped exactly once before bad, bisect names that flip in O(log n) probes', () => {
  fc.assert(
    fc.property(oneFlip, (v) => {
      const bad = v.length - 1;
      const r = findFlip({ bad }, (p) => v[p]!);
      assert.equal(r.kind, 'flip');
      assert.equal(r.kind === 'flip' && r.event, firstFlipByScan(0, bad, (p) => v[p]!));
      assert.ok(r.kind === 'flip' && r.probes <= 2 * Math.ceil(Math.log2(bad + 1)) + 3, `probes: ${r.kind === 'flip' && r.probes}`);
    }),
  );
});

test('with several flips, bisect still names an event where the verdict turned from good’s to bad’s, inside the range', () => {
  fc.assert(
    fc.property(anyHistory, fc.option(fc.nat(), { nil: undefined }), (v, g) => {
      const bad = v.length - 1;
      const good = g === undefined ? undefined : g % bad;
      const r = findFlip({ bad, good }, (p) => v[p]!);
      if (r.kind === 'flip') {
        assert.ok(r.event >= r.good && r.event < bad);
        assert.equal(v[r.event], !v[bad]);
        assert.equal(v[r.event + 1], v[bad]);
      } else if (r.kind === 'same') assert.equal(v[good!], v[bad]);
      else {
        assert.equal(r.kind, 'no-flip');
        assert.equal(good, undefined);
        assert.equal(v[0], v[bad]);
      }
    }),
  );
});

test('a good point at or after bad is refused as a value, not thrown', () => {
  assert.equal(findFlip({ bad: 3, good: 3 }, () => true).kind, 'invalid');
  assert.equal(findFlip({ bad: 3, good: 5 }, () => true).kind, 'invalid');
});
