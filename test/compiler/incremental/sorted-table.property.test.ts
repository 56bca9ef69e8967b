// SortedTable's law: after any sequence of sets and deletes, its values are
// a map's, in code-unit order of their keys; and every list it handed out
// still holds what it held when handed out (snapshots keep them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SortedTable } from '../../../compiler/incremental/sorted-table';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);

type Op = { kind: 'set'; key: string; value: number } | { kind: 'delete'; key: string } | { kind: 'take' };
const key = fc.constantFrom('a', 'b', 'c', 'ab', 'B', 'é', 'z', '10', '9');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key, value: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), key }),
  fc.constant({ kind: 'take' as const }),
);

test('a sorted table lists a map in key order, and a list it handed out never changes', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const table = new SortedTable<{ v: number }>();
      const model = new Map<string, { v: number }>();
      const taken: Array<{ list: readonly { v: number }[]; copy: Array<{ v: number }> }> = [];
      for (const o of ops) {
        if (o.kind === 'set') {
          const v = { v: o.value };
          table.set(o.key, v);
          model.set(o.key, v);
        } else if (o.kind === 'delete') assert.equal(table.delete(o.key), model.delete(o.key));
        else {
          const list = table.values();
          taken.push({ list, copy: [...list] });
        }
      }
      const want = [...model.keys()].sort().map((k) => model.get(k)!);
      assert.deepEqual([...table.values()], want);
      assert.deepEqual([...table.keys()], [...model.keys()].sort());
      for (const t of taken) assert.deepEqual([...t.list], t.copy);
    }),
    { numRuns: RUNS * 5 },
  );
});
