import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LogError, isLogError } from '../../../src/log/event-log';
import { validateDrafts } from '../../../src/log/validate-drafts';
import { draft } from './log-fixtures';

const problemsOf = (drafts: readonly unknown[]): readonly string[] => {
  try {
    validateDrafts(drafts);
  } catch (e) {
    if (e instanceof LogError) return e.problems;
    throw e;
  }
  return assert.fail('the drafts were accepted');
};

describe('validateDrafts', () => {
  test('valid drafts come back decoded, unknown envelope fields stripped', () => {
    const d = { ...draft('a'), extra: 'dropped' };
    assert.deepEqual(validateDrafts([d, draft('b', { type: 'remove' })]), [draft('a'), draft('b', { type: 'remove' })]);
  });

  test('every bad field of every draft is named, with what was expected and found', () => {
    const remove = { ...draft('r', { type: 'remove' }), key: 3 };
    const problems = problemsOf([draft('ok'), remove, { ...draft('v'), schemaVersion: 2 }, 'text']);
    assert.deepEqual(problems, [
      'drafts[1].key: expected string, got 3',
      'drafts[2].schemaVersion: expected 1, got 2',
      'drafts[3]: expected an event object, got "text"',
    ]);
  });

  test('an unknown event type is named once, not once per union branch', () => {
    assert.deepEqual(problemsOf([{ ...draft('x'), type: 'patch' }]), ['drafts[0].type: expected "put" | "remove", got "patch"']);
  });

  test('times must be in the stored UTC millisecond form', () => {
    const [problem] = problemsOf([{ ...draft('t'), time: '2024-03-01T13:00:00+01:00' }]);
    assert.match(problem ?? '', /^drafts\[0\]\.time: expected RFC 3339 UTC with milliseconds/);
  });

  test('a resource JSON cannot hold is refused', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const [problem] = problemsOf([{ ...draft('c'), resource: cyclic }]);
    assert.match(problem ?? '', /^drafts\[0\]\.resource: not serialisable as JSON/);
  });

  test('two drafts of one batch with the same id are refused as duplicate-id', () => {
    assert.throws(
      () => validateDrafts([draft('same'), draft('other'), draft('same')]),
      (e: unknown) => isLogError(e, 'duplicate-id') && e.problems[0] === 'drafts[2].id: "same" is also drafts[0].id',
    );
  });
});
