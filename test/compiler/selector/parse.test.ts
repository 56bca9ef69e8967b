// Hand-written parser cases: what each construct parses to, and what the
// error says (column and expectation) when it does not parse.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { parseSelector, Selector } from '../../../compiler/selector';

const parsesTo = (text: string, expected: Selector): void =>
  assert.deepStrictEqual(parseSelector(text), E.right(expected), text);
const failsWith = (text: string, message: string): void =>
  assert.deepStrictEqual(parseSelector(text), E.left(message), text);

describe('parseSelector accepts Calico syntax', () => {
  test('empty and blank text mean all()', () => {
    parsesTo('', { kind: 'all' });
    parsesTo('  \t\n', { kind: 'all' });
  });

  test('each primitive', () => {
    parsesTo('all()', { kind: 'all' });
    parsesTo('global()', { kind: 'global' });
    parsesTo('has(app)', { kind: 'has', key: 'app' });
    parsesTo("app == 'web'", { kind: 'eq', key: 'app', value: 'web' });
    parsesTo('app != "web"', { kind: 'neq', key: 'app', value: 'web' });
    parsesTo("app in {'b', 'a'}", { kind: 'in', key: 'app', values: ['a', 'b'] });
    parsesTo("app not in {'a'}", { kind: 'notIn', key: 'app', values: ['a'] });
    parsesTo("app contains 'e'", { kind: 'contains', key: 'app', value: 'e' });
    parsesTo("app starts with 'w'", { kind: 'startsWith', key: 'app', value: 'w' });
    parsesTo("app ends with 'b'", { kind: 'endsWith', key: 'app', value: 'b' });
    parsesTo('!has(app)', { kind: 'not', operand: { kind: 'has', key: 'app' } });
  });

  test('spacing is optional where no word boundary is needed', () => {
    parsesTo("has( app )&&a=='x'", {
      kind: 'and',
      operands: [
        { kind: 'has', key: 'app' },
        { kind: 'eq', key: 'a', value: 'x' },
      ],
    });
    parsesTo("a in{'x'}", { kind: 'in', key: 'a', values: ['x'] });
  });

  test('empty sets are allowed', () => {
    parsesTo('a in {}', { kind: 'in', key: 'a', values: [] });
    parsesTo('a not in { }', { kind: 'notIn', key: 'a', values: [] });
  });

  test('quotes: no escapes, the other quote is ordinary, empty strings allowed', () => {
    parsesTo(`a == "it's"`, { kind: 'eq', key: 'a', value: "it's" });
    parsesTo(`a == '"'`, { kind: 'eq', key: 'a', value: '"' });
    parsesTo(`a == ''`, { kind: 'eq', key: 'a', value: '' });
    parsesTo(`a == 'x\\'`, { kind: 'eq', key: 'a', value: 'x\\' });
  });

  test('! binds tighter than &&, which binds tighter than ||', () => {
    const a = { kind: 'has', key: 'a' } as const;
    const b = { kind: 'has', key: 'b' } as const;
    const c = { kind: 'has', key: 'c' } as const;
    parsesTo('has(a) || has(b) && has(c)', { kind: 'or', operands: [a, { kind: 'and', operands: [b, c] }] });
    parsesTo('has(a) && has(b) || has(c)', { kind: 'or', operands: [{ kind: 'and', operands: [a, b] }, c] });
    parsesTo('!has(a) && has(b)', { kind: 'and', operands: [{ kind: 'not', operand: a }, b] });
    parsesTo('!(has(a) && has(b))', { kind: 'not', operand: { kind: 'and', operands: [a, b] } });
    parsesTo("!a == 'x'", { kind: 'not', operand: { kind: 'eq', key: 'a', value: 'x' } });
  });

  test('chains are flattened whatever the parentheses', () => {
    const keys = ['a', 'b', 'c', 'd'].map((key) => ({ kind: 'has', key }) as const);
    const flat: Selector = { kind: 'and', operands: keys };
    parsesTo('has(a) && has(b) && has(c) && has(d)', flat);
    parsesTo('(has(a) && has(b)) && (has(c) && has(d))', flat);
    parsesTo('has(a) && (has(b) && (has(c) && has(d)))', flat);
    parsesTo('((has(a) || has(b)) || has(c)) || has(d)', { kind: 'or', operands: keys });
  });

  test('label keys: DNS prefix, and names that are also keywords', () => {
    parsesTo("projectcalico.org/namespace == 'x'", { kind: 'eq', key: 'projectcalico.org/namespace', value: 'x' });
    parsesTo("My_Key.v-1 == 'x'", { kind: 'eq', key: 'My_Key.v-1', value: 'x' });
    parsesTo("in in {'x'}", { kind: 'in', key: 'in', values: ['x'] });
    parsesTo("has == 'x' && all != 'y'", {
      kind: 'and',
      operands: [
        { kind: 'eq', key: 'has', value: 'x' },
        { kind: 'neq', key: 'all', value: 'y' },
      ],
    });
    parsesTo('has(not)', { kind: 'has', key: 'not' });
  });
});

describe('parseSelector errors name the column and what was expected', () => {
  test('missing value after an operator', () => {
    failsWith('k ==  x', "at column 7: expected a quoted string after '==', found 'x'");
    failsWith('k != ', "at column 6: expected a quoted string after '!=', found end of selector");
    failsWith('k contains (', "at column 12: expected a quoted string after 'contains', found '('");
    failsWith("k starts 'x'", "at column 10: expected 'with' after 'starts', found a quoted string");
    failsWith('k ends with', "at column 12: expected a quoted string after 'ends with', found end of selector");
  });

  test('missing or unknown operator after a key', () => {
    failsWith(
      'app',
      "at column 4: expected '==', '!=', 'in', 'not in', 'contains', 'starts with' or 'ends with' after label key 'app', found end of selector",
    );
    failsWith("k not 'x'", "at column 7: expected 'in' after 'not', found a quoted string");
    failsWith("a = 'b'", "at column 3: expected '==', found a single '='");
  });

  test('sets', () => {
    failsWith("k in 'a'", "at column 6: expected '{' after 'in', found a quoted string");
    failsWith("k in {'a' 'b'}", "at column 11: expected ',' or '}', found a quoted string");
    failsWith("k in {'a',}", "at column 11: expected a quoted string after ',', found '}'");
    failsWith('k in {a}', "at column 7: expected a quoted string or '}', found 'a'");
  });

  test('functions and grouping', () => {
    failsWith('has()', "at column 5: expected a label key after 'has(', found ')'");
    failsWith('has(a', "at column 6: expected ')' after 'has(a', found end of selector");
    failsWith('all(x)', "at column 5: expected ')' after 'all(', found 'x'");
    failsWith('(has(a)', "at column 8: expected ')' to close the parenthesis, found end of selector");
    failsWith('has(a))', "at column 7: expected '&&', '||' or end of selector, found ')'");
    failsWith('has(a) &&', "at column 10: expected a label key, 'has(', 'all()', 'global()', '!' or '(', found end of selector");
    failsWith('has(a) & has(b)', "at column 8: expected '&&', found a single '&'");
  });

  test('lexical errors', () => {
    failsWith("k == 'v", "at column 6: unterminated string: expected a closing '");
    failsWith("k == 'v' #", 'at column 10: unexpected character "#"');
  });

  test('invalid label keys', () => {
    failsWith("-a == 'x'", `at column 1: invalid label key "-a": name must be alphanumerics, '-', '_' and '.', starting and ending alphanumeric`);
    failsWith("has(Example.com/a)", 'at column 5: invalid label key "Example.com/a": prefix must be a lowercase DNS subdomain');
    failsWith(`${'a'.repeat(64)} == 'x'`, `at column 1: invalid label key "${'a'.repeat(64)}": name longer than 63 characters`);
    failsWith("/a == 'x'", `at column 1: invalid label key "/a": empty prefix before '/'`);
  });
});
