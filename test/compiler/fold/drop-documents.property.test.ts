// The agent's fold keeps the model, not the documents: on any history, folding
// with `documents: 'drop'` gives the same model, the same changes and the same
// rejections as folding with them, event by event and in pages — only the
// stored resources' documents are empty.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { fold, foldAll } from '../../../compiler/fold/fold';
import { ClusterState, emptyState, stateToPlain } from '../../../compiler/fold/state';
import { replayHistoryArb } from './replay-histories';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);

/** The state with every stored document blanked, as `drop` stores them. */
const withoutDocuments = (s: ClusterState): ClusterState => ({ ...s, resources: s.resources.map((r) => ({ ...r, resource: {} })) });

const plain = (s: ClusterState): string => JSON.stringify(stateToPlain(s));

test('dropping documents changes nothing but the documents: same model, changes and rejections, whether folded one by one or in a page', () => {
  fc.assert(
    fc.property(replayHistoryArb, (events) => {
      let kept = emptyState();
      let dropped = emptyState();
      for (const e of events) {
        const a = fold(kept, e);
        const b = fold(dropped, e, { documents: 'drop' });
        if (E.isLeft(a) || E.isLeft(b)) return assert.fail('out of order');
        assert.deepEqual(b.right.changes, a.right.changes, `changes at #${e.offset}`);
        assert.deepEqual(b.right.rejection, a.right.rejection, `rejection at #${e.offset}`);
        kept = a.right.state;
        dropped = b.right.state;
        assert.ok([...dropped.resources.values()].every((r) => Object.keys(r.resource).length === 0));
      }
      assert.equal(plain(dropped), plain(withoutDocuments(kept)));
      const paged = foldAll(events, emptyState(), { documents: 'drop' });
      assert.ok(E.isRight(paged));
      assert.equal(plain(paged.right), plain(dropped));
    }),
    { numRuns: RUNS },
  );
});
