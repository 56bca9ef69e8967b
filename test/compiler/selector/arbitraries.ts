// fast-check arbitraries for selectors, built from the grammar (no filters):
// Kubernetes label keys, quoted-string values, and ASTs that are deliberately
// not in normal form (nested chains, unsorted sets with repeats, empty and
// one-operand junctions) so that normalisation is exercised too.
import fc from 'fast-check';
import type { Selector } from '../../../compiler/selector';

const chars = (s: string): string[] => [...s];
const LOWER_ALNUM = chars('abcdefghijklmnopqrstuvwxyz0123456789');
const ALNUM = [...LOWER_ALNUM, ...chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ')];

/** first, then up to `max` middles, then a last; or one character alone. */
const bracketed = (ends: string[], middles: string[], max: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...ends),
    fc
      .tuple(fc.constantFrom(...ends), fc.string({ unit: fc.constantFrom(...middles), maxLength: max }), fc.constantFrom(...ends))
      .map(([a, m, b]) => a + m + b),
  );

const dnsLabel = bracketed(LOWER_ALNUM, [...LOWER_ALNUM, '-'], 6);
const prefix = fc.array(dnsLabel, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.'));
const name = bracketed(ALNUM, [...ALNUM, '-', '_', '.'], 10);
/** Words the parser treats as keywords in some positions; they are valid keys everywhere else. */
const keywordKey = fc.constantFrom('in', 'not', 'has', 'all', 'global', 'contains', 'starts', 'ends', 'with');

export const labelKey: fc.Arbitrary<string> = fc.oneof(
  name,
  keywordKey,
  fc.tuple(prefix, name).map(([p, n]) => `${p}/${n}`),
);

// Any text without the quote character that will delimit it: spaces, operators,
// braces, the other quote, non-ASCII and astral characters included.
const VALUE_CHARS = [
  ...ALNUM,
  ...chars(" \t\n-_./\\&|!=(){},"),
  'é',
  'ß',
  '한',
  '😀',
];
export const labelValueText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom(...VALUE_CHARS, "'"), maxLength: 8 }),
  fc.string({ unit: fc.constantFrom(...VALUE_CHARS, '"'), maxLength: 8 }),
);

export type Vocabulary = { readonly key: fc.Arbitrary<string>; readonly value: fc.Arbitrary<string> };

export const selector = (vocab: Vocabulary = { key: labelKey, value: labelValueText }): fc.Arbitrary<Selector> => {
  const { key, value } = vocab;
  const test = (kind: 'eq' | 'neq' | 'contains' | 'startsWith' | 'endsWith'): fc.Arbitrary<Selector> =>
    fc.record({ key, value }).map(({ key, value }) => ({ kind, key, value }));
  const setTest = (kind: 'in' | 'notIn'): fc.Arbitrary<Selector> =>
    fc.record({ key, values: fc.array(value, { maxLength: 4 }) }).map(({ key, values }) => ({ kind, key, values }));
  const leaf = fc.oneof(
    fc.constant<Selector>({ kind: 'all' }),
    fc.constant<Selector>({ kind: 'global' }),
    key.map((key): Selector => ({ kind: 'has', key })),
    test('eq'),
    test('neq'),
    test('contains'),
    test('startsWith'),
    test('endsWith'),
    setTest('in'),
    setTest('notIn'),
  );
  return fc.letrec<{ sel: Selector }>((tie) => ({
    sel: fc.oneof(
      { depthSize: 'small', maxDepth: 5 },
      leaf,
      tie('sel').map((operand): Selector => ({ kind: 'not', operand })),
      fc.array(tie('sel'), { maxLength: 4 }).map((operands): Selector => ({ kind: 'and', operands })),
      fc.array(tie('sel'), { maxLength: 4 }).map((operands): Selector => ({ kind: 'or', operands })),
    ),
  })).sel;
};

/** A small shared vocabulary, so that generated selectors and label maps actually meet. */
export const SMALL_KEYS = ['app', 'tier', 'in', 'constructor', 'toString', 'x.io/role'] as const;
export const SMALL_VALUES = ['', 'web', 'we', 'eb', 'db', 'web-db', "it's"] as const;
export const smallVocabulary: Vocabulary = {
  key: fc.constantFrom(...SMALL_KEYS),
  value: fc.constantFrom(...SMALL_VALUES),
};

/** Label maps as plain objects (with Object.prototype, as callers pass them). */
export const labels: fc.Arbitrary<Record<string, string>> = fc
  .uniqueArray(fc.tuple(fc.constantFrom(...SMALL_KEYS), fc.constantFrom(...SMALL_VALUES)), {
    selector: ([k]) => k,
    maxLength: SMALL_KEYS.length,
  })
  .map((entries) => Object.fromEntries(entries));
