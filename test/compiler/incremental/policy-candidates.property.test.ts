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
import { labels, selector, smallVocabulary } from '../selector/arbitraries';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);

const policy = (id: string): PolicyModel => ({ id, kind: 'GlobalNetworkPolicy', name: id, tier: 'default', selector: '', ingress: [], origin: 'foldnet' });

test('a selector matches only label maps that carry its required label', () => {
  fc.assert(
    fc.property(selector(smallVocabulary), labels, (sel, ls) => {
      const r = requiredLabel(sel);
      if (r !== undefined && matches(sel, ls)) assert.equal(Object.hasOwn(ls, r.key) ? ls[r.key] : undefined, r.value);
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
