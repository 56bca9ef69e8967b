// PolicyCandidates' law: after any adds, replacements and removals, the
// candidates for a label map hold every kept policy whose selector matches
// it (each once), and no removed one. What requiredLabel files a policy by
// is a label every match carries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PolicyModel } from '../../../compiler/model/types';
import { PolicyCandidates } from '../../../compiler/incremental/policy-candidates';
import { matches } from '../../../compiler/selector';
import type { Selector } from '../../../compiler/selector/ast';
import { requiredLabel } from '../../../compiler/selector/required';
import { labels, selector, SMALL_VALUES, smallVocabulary } from '../selector/arbitraries';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);

const policy = (id: string): PolicyModel => ({ id, kind: 'GlobalNetworkPolicy', name: id, tier: 'default', selector: '', ingress: [], origin: 'foldnet' });

/**
 * Selectors that have a required label: an `eq` among other operands of an `and`. Drawn from the grammar alone, under one
 * in ten has one, and one of those in twenty matches a random label map: the law would be met a few times a run.
 */
const withRequired: fc.Arbitrary<Selector> = fc
  .tuple(smallVocabulary.key, smallVocabulary.value, fc.array(selector(smallVocabulary), { maxLength: 3 }), fc.nat())
  .map(([key, value, others, at]) => {
    const operands = [...others];
    operands.splice(at % (operands.length + 1), 0, { kind: 'eq', key, value });
    return { kind: 'and', operands };
  });

test('a selector matches only label maps that carry its required label', () => {
  fc.assert(
    fc.property(fc.oneof(selector(smallVocabulary), withRequired), labels, (sel, ls) => {
      const r = requiredLabel(sel);
      if (r === undefined) return;
      // The map as drawn, and with the required label given, taken away and given another value.
      const { [r.key]: _, ...without } = ls;
      const other = SMALL_VALUES.find((v) => v !== r.value)!;
      for (const m of [ls, { ...ls, [r.key]: r.value }, without, { ...ls, [r.key]: other }])
        if (matches(sel, m)) assert.equal(Object.hasOwn(m, r.key) ? m[r.key] : undefined, r.value, JSON.stringify(m));
    }),
    { numRuns: RUNS * 20 },
  );
});

test('the candidates for a label map hold every kept policy that selects it, once, and no removed one', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), id: fc.constantFrom('p0', 'p1', 'p2', 'p3', 'p4', 'p5'), sel: selector(smallVocabulary) }),
    fc.record({ kind: fc.constant('remove' as const), id: fc.constantFrom('p0', 'p1', 'p2', 'p3', 'p4', 'p5') }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 30 }), fc.array(labels, { minLength: 1, maxLength: 5 }), (ops, maps) => {
      const c = new PolicyCandidates();
      const kept = new Map<string, Selector>();
      for (const o of ops) {
        if (o.kind === 'add') {
          c.add(policy(o.id), o.sel);
          kept.set(o.id, o.sel);
        } else {
          c.remove(o.id);
          kept.delete(o.id);
        }
      }
      assert.equal(c.size, kept.size);
      for (const ls of maps) {
        const got: PolicyModel[] = [];
        c.collect(ls, got);
        const ids = got.map((p) => p.id);
        assert.equal(new Set(ids).size, ids.length, 'a candidate twice');
        for (const id of ids) assert.ok(kept.has(id), `removed ${id} is a candidate`);
        for (const [id, sel] of kept) if (matches(sel, ls)) assert.ok(ids.includes(id), `${id} selects the labels but is no candidate`);
      }
    }),
    { numRuns: RUNS * 5 },
  );
});
