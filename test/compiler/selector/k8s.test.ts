// Kubernetes LabelSelector → selector: Kubernetes' own validation and meaning.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { fromK8sLabelSelector, K8sLabelSelector, matches, renderSelector } from '../../../compiler/selector';

const rendered = (ls: K8sLabelSelector | undefined): string => {
  const r = fromK8sLabelSelector(ls);
  assert.ok(E.isRight(r), E.isLeft(r) ? r.left : '');
  return renderSelector(r.right);
};
const matchesLabels = (ls: K8sLabelSelector, labels: Record<string, string>): boolean => {
  const r = fromK8sLabelSelector(ls);
  assert.ok(E.isRight(r));
  return matches(r.right, labels);
};
const error = (ls: K8sLabelSelector): string => {
  const r = fromK8sLabelSelector(ls);
  assert.ok(E.isLeft(r), 'expected an error');
  return r.left;
};

describe('fromK8sLabelSelector', () => {
  test('{} or absent selects everything', () => {
    assert.equal(rendered({}), 'all()');
    assert.equal(rendered(undefined), 'all()');
    assert.equal(rendered({ matchLabels: {}, matchExpressions: [] }), 'all()');
    assert.equal(rendered({ matchLabels: null, matchExpressions: null }), 'all()');
  });

  test('matchLabels become == terms, ordered by key', () => {
    assert.equal(rendered({ matchLabels: { tier: 'db', app: 'web' } }), 'app == "web" && tier == "db"');
  });

  test('each operator', () => {
    const expr = (operator: string, values?: string[]): K8sLabelSelector => ({
      matchExpressions: [{ key: 'env', operator, ...(values ? { values } : {}) }],
    });
    assert.equal(rendered(expr('In', ['prod', 'dev'])), 'env in {"dev", "prod"}');
    assert.equal(rendered(expr('NotIn', ['prod'])), 'env not in {"prod"}');
    assert.equal(rendered(expr('Exists')), 'has(env)');
    assert.equal(rendered(expr('Exists', [])), 'has(env)');
    assert.equal(rendered(expr('DoesNotExist')), '!has(env)');
  });

  test('NotIn and DoesNotExist match when the key is absent; In does not', () => {
    const notIn = { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] };
    assert.equal(matchesLabels(notIn, {}), true);
    assert.equal(matchesLabels(notIn, { env: 'dev' }), true);
    assert.equal(matchesLabels(notIn, { env: 'prod' }), false);
    const isIn = { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] };
    assert.equal(matchesLabels(isIn, {}), false);
    assert.equal(matchesLabels(isIn, { env: 'prod' }), true);
    const dne = { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] };
    assert.equal(matchesLabels(dne, {}), true);
    assert.equal(matchesLabels(dne, { env: '' }), false);
  });

  test('all terms must hold', () => {
    const ls = {
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }],
    };
    assert.equal(matchesLabels(ls, { app: 'web', env: 'prod' }), true);
    assert.equal(matchesLabels(ls, { app: 'web', env: 'dev' }), false);
    assert.equal(matchesLabels(ls, { env: 'prod' }), false);
  });

  test('order of requirements does not change identity; repeats collapse', () => {
    const a = { key: 'env', operator: 'In', values: ['b', 'a'] };
    const b = { key: 'app', operator: 'Exists' };
    assert.equal(rendered({ matchExpressions: [a, b] }), rendered({ matchExpressions: [b, a, b] }));
    assert.equal(rendered({ matchExpressions: [a, b] }), 'has(app) && env in {"a", "b"}');
  });

  test('In and NotIn need values; Exists and DoesNotExist take none', () => {
    assert.equal(error({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), 'matchExpressions[0]: operator In needs at least one value');
    assert.equal(error({ matchExpressions: [{ key: 'a', operator: 'NotIn' }] }), 'matchExpressions[0]: operator NotIn needs at least one value');
    assert.equal(error({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }), 'matchExpressions[0]: operator Exists takes no values');
    assert.equal(
      error({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist', values: ['x'] }] }),
      'matchExpressions[0]: operator DoesNotExist takes no values',
    );
  });

  test('unknown operators, bad keys and bad values are all reported', () => {
    const message = error({
      matchLabels: { 'Bad/key': 'x', ok: 'has space' },
      matchExpressions: [
        { key: 'a', operator: 'Gt', values: ['1'] },
        { key: 'b', operator: 'In', values: ['ok', '-bad'] },
      ],
    });
    const parts = message.split('; ');
    assert.equal(parts.length, 4, message);
    assert.match(parts[0]!, /^matchLabels\["Bad\/key"\]: invalid label key/);
    assert.match(parts[1]!, /^matchLabels\["ok"\]: invalid label value "has space"/);
    assert.match(parts[2]!, /^matchExpressions\[0\]: unknown operator "Gt"/);
    assert.match(parts[3]!, /^matchExpressions\[1\]\.values\[1\]: invalid label value "-bad"/);
  });
});
