// Canonical text is a selector's identity: spellings that differ only in
// whitespace, quoting, parentheses, grouping or set order render the same,
// and spellings that mean something different do not.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { parseSelector, renderSelector } from '../../../compiler/selector';

const canonical = (text: string): string => {
  const r = parseSelector(text);
  assert.ok(E.isRight(r), `${text}: ${E.isLeft(r) ? r.left : ''}`);
  return renderSelector(r.right);
};

const sameIdentity = (expected: string, ...spellings: string[]): void => {
  for (const s of spellings) assert.equal(canonical(s), expected, s);
};

describe('canonical selector text', () => {
  test('normalised spacing and double quotes', () => {
    sameIdentity('app == "web"', "app == 'web'", 'app=="web"', "  app   ==\t'web'  ", "(app == 'web')", "((app=='web'))");
    sameIdentity('app != "web"', "app!='web'");
    sameIdentity('has(app)', 'has( app )', ' has(app)');
    sameIdentity('!has(app)', '! has(app)', '!(has(app))');
    sameIdentity('app starts with "w"', "app  starts\twith 'w'");
  });

  test('a value containing a double quote keeps single quotes', () => {
    sameIdentity(`app == '"x"'`, `app=='"x"'`);
    sameIdentity(`app == "it's"`, `app == "it's"`);
  });

  test('in sets are sorted and deduplicated', () => {
    sameIdentity('k in {"a", "b", "c"}', "k in {'c','a','b'}", "k in {'b', 'a', 'c', 'a'}", 'k in {"a","b","c"}');
    sameIdentity('k not in {"a", "b"}', "k not in {'b','a','b'}");
    sameIdentity('k in {}', 'k in { }');
  });

  test('&& and || chains are flattened; only needed parentheses remain', () => {
    sameIdentity('has(a) && has(b) && has(c)', '(has(a) && has(b)) && has(c)', 'has(a) && (has(b) && has(c))');
    sameIdentity('has(a) || has(b) && has(c)', 'has(a) || (has(b) && has(c))', '(has(a)) || has(b) && has(c)');
    sameIdentity('(has(a) || has(b)) && has(c)', '(has(a) || has(b)) && (has(c))');
    sameIdentity('!(a == "x")', "!a == 'x'", "!(a == 'x')");
    sameIdentity('!(has(a) && has(b))', '!(has(a) && (has(b)))');
  });

  test('empty text is all()', () => {
    sameIdentity('all()', '', '   ', 'all()', '(all())');
  });

  test('different meanings keep different identities', () => {
    const texts = [
      "a == 'x'",
      "a != 'x'",
      "a in {'x'}",
      "a not in {'x'}",
      '!has(a)',
      'has(a)',
      "a == 'X'",
      "has(a) || has(b) && has(c)",
      "(has(a) || has(b)) && has(c)",
    ];
    assert.equal(new Set(texts.map(canonical)).size, texts.length);
  });
});
