import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffLines, hunks, renderHunks } from '../../../compiler/diff/line-diff';

const side = (ops: ReturnType<typeof diffLines>, keep: '-' | '+'): string[] => ops.filter((o) => o.op === ' ' || o.op === keep).map((o) => o.line);

describe('line diff', () => {
  test('one changed line in the middle is one removal and one addition between kept lines', () => {
    const ops = diffLines(['a', 'b', 'c'], ['a', 'B', 'c']);
    assert.deepEqual(ops.map((o) => `${o.op}${o.line}`), [' a', '-b', '+B', ' c']);
  });

  test('hunks keep the asked context and merge nearby changes', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'];
    const b = ['1', '2', 'x', '4', '5', '6', '7', '8', 'y', '10'];
    assert.deepEqual(renderHunks(hunks(diffLines(a, b), 1)), ['@@ -2 +2 @@', ' 2', '-3', '+x', ' 4', '@@ -8 +8 @@', ' 8', '-9', '+y', ' 10']);
    assert.equal(hunks(diffLines(a, b), 3).length, 1);
    assert.deepEqual(hunks(diffLines(a, a)), []);
  });

  test('the kept and removed lines are the old text; the kept and added lines are the new text', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd', ''), { maxLength: 30 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const ops = diffLines(a, b);
        assert.deepEqual(side(ops, '-'), a);
        assert.deepEqual(side(ops, '+'), b);
      }),
    );
  });

  test('the kept lines are a longest common subsequence (no shorter script exists)', () => {
    const lcs = (a: string[], b: string[]): number => {
      const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
      for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) t[i]![j] = a[i - 1] === b[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
      return t[a.length]![b.length]!;
    };
    const lines = fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 20 });
    fc.assert(fc.property(lines, lines, (a, b) => assert.equal(diffLines(a, b).filter((o) => o.op === ' ').length, lcs(a, b))));
  });
});
