// matches() agrees with a small reference evaluator written from Calico's
// documented semantics, independently of compiler/selector/evaluate.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { matches, parseSelector, renderSelector, Selector } from '../../../compiler/selector';
import { labels, selector, smallVocabulary } from './arbitraries';

/** Every offset at which `needle` occurs in `hay` (the empty string occurs everywhere). */
const occursAt = (hay: string, needle: string): number[] =>
  Array.from({ length: hay.length - needle.length + 1 }, (_, i) => i).filter((i) => hay.slice(i, i + needle.length) === needle);

const reference = (s: Selector, m: ReadonlyMap<string, string>): boolean => {
  const v = 'key' in s ? m.get(s.key) : undefined;
  switch (s.kind) {
    case 'all':
    case 'global':
      return true;
    case 'has':
      return m.has(s.key);
    case 'eq':
      return m.has(s.key) && v === s.value;
    case 'neq':
      return !(m.has(s.key) && v === s.value);
    case 'in':
      return m.has(s.key) && s.values.some((x) => x === v);
    case 'notIn':
      return !(m.has(s.key) && s.values.some((x) => x === v));
    case 'contains':
      return v !== undefined && occursAt(v, s.value).length > 0;
    case 'startsWith':
      return v !== undefined && v.slice(0, s.value.length) === s.value;
    case 'endsWith':
      return v !== undefined && s.value.length <= v.length && v.slice(v.length - s.value.length) === s.value;
    case 'not':
      return !reference(s.operand, m);
    case 'and':
      return s.operands.every((o) => reference(o, m));
    case 'or':
      return s.operands.some((o) => reference(o, m));
  }
};

const small = selector(smallVocabulary);

describe('selector evaluation laws', () => {
  test('matches agrees with the reference evaluator', () => {
    fc.assert(
      fc.property(small, labels, (s, ls) => {
        assert.equal(matches(s, ls), reference(s, new Map(Object.entries(ls))));
      }),
      { numRuns: 2000 },
    );
  });

  test('matching is unchanged by rendering and re-parsing', () => {
    fc.assert(
      fc.property(small, labels, (s, ls) => {
        const reparsed = parseSelector(renderSelector(s));
        assert.ok(E.isRight(reparsed));
        assert.equal(matches(reparsed.right, ls), matches(s, ls));
      }),
      { numRuns: 1000 },
    );
  });
});
