// The name syntaxes as loops (compiler/resources/name-syntax.ts) against the
// regular expressions they stand for, on strings near and far from valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isDns1123Label, isDns1123Subdomain, isLabelName } from '../../../compiler/resources/name-syntax';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 2000);

/** Mostly the characters that matter (edges of each class, separators), some of anything. */
const nameish = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'z', 'A', 'Z', '0', '9', '-', '.', '_', '/', ' ', '\n', 'é', '`', '{', '@', '[', ':'), maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

const laws: Array<[string, (s: string) => boolean, RegExp]> = [
  ['isDns1123Label', isDns1123Label, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/],
  ['isDns1123Subdomain', isDns1123Subdomain, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/],
  ['isLabelName', isLabelName, /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/],
];

for (const [name, f, re] of laws) {
  test(`${name}(s) answers as ${re} does, for every string`, () => {
    fc.assert(fc.property(nameish, (s) => assert.equal(f(s), re.test(s), JSON.stringify(s))), { numRuns: RUNS });
  });
}

test('the loops accept and refuse the usual cases', () => {
  assert.ok(isDns1123Subdomain('a.b-c.d') && !isDns1123Subdomain('a..b') && !isDns1123Subdomain('a.') && !isDns1123Subdomain('-a'));
  assert.ok(isDns1123Label('ns-001') && !isDns1123Label('ns.001') && !isDns1123Label('Ns'));
  assert.ok(isLabelName('app.kubernetes_io-x') && !isLabelName('_x') && !isLabelName('x.') && !isLabelName(''));
});
