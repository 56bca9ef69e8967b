// SortedTable's law: after any sequence of sets and deletes, its values are
// a map's, in code-unit order of their keys; every list it handed out
// still holds what it held when handed out (snapshots keep them); and a
// tracked table's takeMoved names every key whose value changed since the
// last take, with the value then and now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SortedTable } from '../../../compiler/incremental/sorted-table';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);

type Op = { kind: 'set'; key: string; value: number } | { kind: 'delete'; key: string } | { kind: 'take' } | { kind: 'moved' };
const key = fc.constantFrom('a', 'b', 'c', 'ab', 'B', 'é', 'z', '10', '9');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key, value: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), key }),
  fc.constant({ kind: 'take' as const }),
  fc.constant({ kind: 'moved' as const }),
);

test('a sorted table lists a map in key order, a list it handed out never changes, and it reports what moved', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const table = new SortedTable<{ v: number }>({ tracked: true });
      const model = new Map<string, { v: number }>();
      let atTake = new Map<string, { v: number }>();
      const taken: Array<{ list: readonly { v: number }[]; copy: Array<{ v: number }> }> = [];
      for (const o of ops) {
        if (o.kind === 'set') {
          const v = { v: o.value };
          table.set(o.key, v);
          model.set(o.key, v);
        } else if (o.kind === 'delete') assert.equal(table.delete(o.key), model.delete(o.key));
        else if (o.kind === 'moved') {
          const moved = table.takeMoved();
          for (const k of new Set([...atTake.keys(), ...model.keys()]))
            if (atTake.get(k) !== model.get(k)) assert.ok(moved.has(k), `${k} changed but is not reported`);
          for (const [k, m] of moved) {
            assert.equal(m.before, atTake.get(k), `${k}: before`);
            assert.equal(m.after, model.get(k), `${k}: after`);
          }
          atTake = new Map(model);
        } else {
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
