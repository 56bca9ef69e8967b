// Laws linking parse, render and normalise over generated selectors and text.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { normaliseSelector, parseSelector, renderSelector } from '../../../compiler/selector';
import { selector } from './arbitraries';

// Tokens of the language, for strings that get past the lexer and probe the parser.
const TOKENS = [
  '(', ')', '{', '}', ',', '&&', '||', '!', '==', '!=', '=', '&', '|', "'a'", '"b"', "'", '"', 'in', 'not',
  'has', 'all', 'global', 'contains', 'starts', 'ends', 'with', 'k', 'x.io/k', '-k', 'A/b', ' ', '#',
];
const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 20 }).map((ts) => ts.join(''));

describe('selector parse/render laws', () => {
  test('parse(render(s)) is structurally equal to normalise(s)', () => {
    fc.assert(
      fc.property(selector(), (s) => {
        assert.deepStrictEqual(parseSelector(renderSelector(s)), E.right(normaliseSelector(s)));
      }),
      { numRuns: 500 },
    );
  });

  test('render is canonical: render(parse(render(s))) === render(s)', () => {
    fc.assert(
      fc.property(selector(), (s) => {
        const text = renderSelector(s);
        const again = parseSelector(text);
        assert.ok(E.isRight(again));
        assert.equal(renderSelector(again.right), text);
      }),
      { numRuns: 300 },
    );
  });

  test('normalise is idempotent', () => {
    fc.assert(
      fc.property(selector(), (s) => {
        const n = normaliseSelector(s);
        assert.deepStrictEqual(normaliseSelector(n), n);
      }),
    );
  });

  test('parseSelector never throws on arbitrary text and every error names a column', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), tokenSoup), (text) => {
        const r = parseSelector(text);
        if (E.isLeft(r)) assert.match(r.left, /^at column \d+: /);
      }),
      { numRuns: 2000 },
    );
  });

  test('parseSelector never throws on arbitrarily deep nesting', () => {
    for (const opener of ['(', '!', '!(']) {
      const r = parseSelector(`${opener.repeat(100_000)}all()`);
      assert.ok(E.isLeft(r));
      assert.match(r.left, /nesting deeper than 100/);
    }
  });

  test('text that parses renders to text that parses to the same AST', () => {
    fc.assert(
      fc.property(tokenSoup, (text) => {
        const r = parseSelector(text);
        if (E.isRight(r)) assert.deepStrictEqual(parseSelector(renderSelector(r.right)), r);
      }),
      { numRuns: 2000 },
    );
  });
});
