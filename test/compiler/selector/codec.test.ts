// The io-ts codec, the caller-owned cache and selectorLabelKeys.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import {
  canonicaliseSelector,
  matches,
  parseSelector,
  SelectorCache,
  selectorLabelKeys,
  SelectorSource,
  SelectorText,
} from '../../../compiler/selector';

const source = (text: string): SelectorSource => {
  const r = canonicaliseSelector(text);
  assert.ok(E.isRight(r));
  return r.right;
};

describe('SelectorText codec', () => {
  test('decodes to the canonical rendering', () => {
    assert.deepStrictEqual(SelectorText.decode("  k in {'b','a'} && (has(x))"), E.right('k in {"a", "b"} && has(x)'));
    assert.deepStrictEqual(SelectorText.decode(''), E.right('all()'));
  });

  test("a failure carries the parser's message", () => {
    const r = SelectorText.decode('k ==  x');
    assert.ok(E.isLeft(r));
    assert.deepStrictEqual(
      r.left.map((e) => e.message),
      ["at column 7: expected a quoted string after '==', found 'x'"],
    );
  });

  test('non-strings are refused', () => {
    const r = SelectorText.decode(42);
    assert.ok(E.isLeft(r));
    assert.equal(r.left[0]!.message, 'expected a selector string');
  });

  test('is() accepts canonical text only; encode is the identity', () => {
    assert.equal(SelectorText.is('has(a) && has(b)'), true);
    assert.equal(SelectorText.is('has(a)&&has(b)'), false);
    assert.equal(SelectorText.is('k =='), false);
    assert.equal(SelectorText.is(7), false);
    assert.equal(SelectorText.encode(source("a=='b'")), 'a == "b"');
  });
});

describe('SelectorCache', () => {
  test('returns the parsed selector, the same object on a repeat', () => {
    const cache = new SelectorCache();
    const s = source("app == 'web'");
    const first = cache.get(s);
    assert.deepStrictEqual(E.right(first), parseSelector(s));
    assert.equal(cache.get(s), first);
    assert.equal(cache.size, 1);
  });

  test('separate caches share nothing', () => {
    const a = new SelectorCache();
    const b = new SelectorCache();
    a.get(source('has(x)'));
    assert.equal(a.size, 1);
    assert.equal(b.size, 0);
  });

  test('forged text that does not parse matches nothing', () => {
    const sel = new SelectorCache().get('k ==' as SelectorSource);
    assert.equal(matches(sel, {}), false);
    assert.equal(matches(sel, { k: 'x' }), false);
  });
});

describe('selectorLabelKeys', () => {
  test('sorted, unique keys of every term, none for all() and global()', () => {
    const r = parseSelector("z == 'a' || !has(b) && a in {'x'} && z starts with 'q' && global() && m.io/k not in {}");
    assert.ok(E.isRight(r));
    assert.deepStrictEqual(selectorLabelKeys(r.right), ['a', 'b', 'm.io/k', 'z']);
    const all = parseSelector('all() && global()');
    assert.ok(E.isRight(all));
    assert.deepStrictEqual(selectorLabelKeys(all.right), []);
  });
});
