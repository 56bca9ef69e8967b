// The Labels codec's shortcut (a map already in sorted order is kept as it
// is) against its long way (a copy with the keys sorted): the same value,
// key order included, for maps in any order; and it refuses the same maps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { Labels } from '../../../compiler/resources/primitives';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 1000);

const part = fc.stringMatching(/^[a-z0-9]([-a-z0-9_.]{0,6}[a-z0-9])?$/);
const key = fc.oneof(part, fc.tuple(fc.constantFrom('example.com', 'k8s.io'), part).map(([p, n]) => `${p}/${n}`), fc.constantFrom('9', '10', 'B', 'a', '_x', 'x-'));
const value = fc.oneof(part, fc.constant(''), fc.constantFrom('-bad', 7 as unknown as string));
const entries = fc.uniqueArray(fc.tuple(key, value), { selector: (e) => e[0], maxLength: 6 });

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const validKey = (k: string): boolean => {
  const slash = k.lastIndexOf('/');
  const name = k.slice(slash + 1);
  const prefixOk = slash < 0 || (slash <= 253 && DNS1123_SUBDOMAIN.test(k.slice(0, slash)));
  return prefixOk && name.length <= 63 && LABEL_NAME.test(name);
};
const validValue = (v: unknown): boolean => typeof v === 'string' && v.length <= 63 && (v === '' || LABEL_NAME.test(v));

/** The long way, written out: every key and value checked (undefined when one fails), then the keys sorted. */
const reference = (m: Record<string, unknown>): string | undefined => {
  if (!Object.entries(m).every(([k, v]) => validKey(k) && validValue(v))) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k];
  return JSON.stringify(out);
};

test('Labels decodes a map in any key order, sorted or not, to the sorted copy, or refuses it either way', () => {
  fc.assert(
    fc.property(entries, fc.boolean(), (es, sortFirst) => {
      const ordered = sortFirst ? [...es].sort((a, b) => (a[0] < b[0] ? -1 : 1)) : es;
      const m = Object.fromEntries(ordered);
      const shuffled = Object.fromEntries([...ordered].reverse());
      const a = Labels.decode(m);
      const b = Labels.decode(shuffled);
      assert.equal(E.isRight(a), E.isRight(b));
      assert.equal(E.isRight(a), reference(m) !== undefined, JSON.stringify(m));
      if (E.isRight(a) && E.isRight(b)) {
        assert.equal(JSON.stringify(a.right), reference(m));
        assert.equal(JSON.stringify(b.right), reference(m));
      }
    }),
    { numRuns: RUNS },
  );
});

test('a valid map already in sorted order decodes to itself; one out of order, to a sorted copy', () => {
  const sorted = { app: 'web', tier: 'front' };
  const unsorted = { tier: 'front', app: 'web' };
  const a = Labels.decode(sorted);
  const b = Labels.decode(unsorted);
  assert.ok(E.isRight(a) && a.right === sorted);
  assert.ok(E.isRight(b) && b.right !== unsorted && JSON.stringify(b.right) === JSON.stringify(sorted));
});
