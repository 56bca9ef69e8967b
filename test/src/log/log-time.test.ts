import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalTime, isCanonicalTime } from '../../../src/log/log-time';
import { withZone } from './log-fixtures';

// 0000-01-01 .. 9999-12-31, the years whose ISO form has four digits.
const instant = fc.integer({ min: -62167219200000, max: 253402300799999 });
const zone = fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 });

describe('log times', () => {
  test('the stored form of toISOString output is itself', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        const iso = new Date(ms).toISOString();
        assert.equal(canonicalTime(iso), iso);
        assert.ok(isCanonicalTime(iso));
      }),
    );
  });

  test('the same instant written in any zone has the same stored form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253402300799999 - 86_400_000 }), zone, (ms, minutes) => {
        assert.equal(canonicalTime(withZone(ms, minutes)), new Date(ms).toISOString());
      }),
    );
  });

  test('text order of stored forms is time order', () => {
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        const [x, y] = [new Date(a).toISOString(), new Date(b).toISOString()];
        assert.equal(Math.sign(a - b), x < y ? -1 : x > y ? 1 : 0);
      }),
    );
  });

  test('digits past the millisecond are dropped, rounding down', () => {
    assert.equal(canonicalTime('2024-03-01T12:00:00.123999Z'), '2024-03-01T12:00:00.123Z');
    assert.equal(canonicalTime('2024-03-01T12:00:00Z'), '2024-03-01T12:00:00.000Z');
    assert.equal(canonicalTime('2024-03-01t12:00:00.5+00:30'), '2024-03-01T11:30:00.500Z');
  });

  test('what is not a real RFC 3339 time has no stored form, and only one form is stored', () => {
    for (const bad of ['', 'yesterday', '2024-02-30T00:00:00Z', '2024-13-01T00:00:00Z', '2024-03-01T24:00:00Z',
      '2024-03-01T12:00:00', '2024-03-01', '2024-03-01T12:00:00+25:00', '1710000000000']) {
      assert.equal(canonicalTime(bad), undefined, bad);
    }
    for (const notStored of ['2024-03-01T12:00:00Z', '2024-03-01T12:00:00.000+00:00', '2024-03-01T12:00:00.0000Z']) {
      assert.equal(isCanonicalTime(notStored), false, notStored);
    }
    assert.equal(canonicalTime('2024-02-29T00:00:00Z'), '2024-02-29T00:00:00.000Z');
  });
});
