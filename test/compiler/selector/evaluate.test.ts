// Hand-written evaluation cases for every operator, with Calico's semantics
// for absent labels.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { matches, parseSelector } from '../../../compiler/selector';

const check = (text: string, labels: Record<string, string>, expected: boolean): void => {
  const sel = parseSelector(text);
  assert.ok(E.isRight(sel), text);
  assert.equal(matches(sel.right, labels), expected, `${text} on ${JSON.stringify(labels)}`);
};

const WEB = { app: 'web', tier: 'frontend' };
const NONE = {};

describe('matches', () => {
  test('all() and global() match everything, even no labels', () => {
    check('all()', NONE, true);
    check('', WEB, true);
    check('global()', NONE, true);
  });

  test('has / !has', () => {
    check('has(app)', WEB, true);
    check('has(app)', NONE, false);
    check('has(app)', { app: '' }, true);
    check('!has(app)', WEB, false);
    check('!has(app)', NONE, true);
  });

  test('== is false when the key is absent', () => {
    check("app == 'web'", WEB, true);
    check("app == 'db'", WEB, false);
    check("app == ''", NONE, false);
    check("app == ''", { app: '' }, true);
  });

  test('!= is true when the key is absent', () => {
    check("app != 'web'", WEB, false);
    check("app != 'db'", WEB, true);
    check("app != 'web'", NONE, true);
  });

  test('in is false when the key is absent', () => {
    check("app in {'db', 'web'}", WEB, true);
    check("app in {'db'}", WEB, false);
    check("app in {'web'}", NONE, false);
    check('app in {}', WEB, false);
  });

  test('not in is true when the key is absent', () => {
    check("app not in {'db', 'web'}", WEB, false);
    check("app not in {'db'}", WEB, true);
    check("app not in {'web'}", NONE, true);
    check('app not in {}', WEB, true);
  });

  test('contains / starts with / ends with are false when the key is absent', () => {
    check("tier contains 'ont'", WEB, true);
    check("tier contains 'back'", WEB, false);
    check("tier contains ''", WEB, true);
    check("tier contains ''", NONE, false);
    check("tier starts with 'front'", WEB, true);
    check("tier starts with 'end'", WEB, false);
    check("tier starts with 'f'", NONE, false);
    check("tier ends with 'end'", WEB, true);
    check("tier ends with 'front'", WEB, false);
    check("tier ends with 'd'", NONE, false);
  });

  test('&&, || and ! combine', () => {
    check("app == 'web' && tier == 'frontend'", WEB, true);
    check("app == 'web' && tier == 'backend'", WEB, false);
    check("app == 'db' || tier == 'frontend'", WEB, true);
    check("app == 'db' || tier == 'backend'", WEB, false);
    check("!(app == 'db' || tier == 'backend')", WEB, true);
    check("app == 'db' || app == 'web' && !has(tier)", WEB, false);
    check("(app == 'db' || app == 'web') && has(tier)", WEB, true);
  });

  test('inherited object properties are not labels', () => {
    check('has(constructor)', NONE, false);
    check("toString != 'x'", NONE, true);
    check("constructor == 'x'", JSON.parse('{"constructor": "x"}') as Record<string, string>, true);
    check('has(app)', Object.create({ app: 'web' }) as Record<string, string>, false);
  });
});
