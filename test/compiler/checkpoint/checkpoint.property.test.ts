// Laws of checkpoints over arbitrary histories (puts, edits, removals, events
// the fold rejects) and arbitrary checkpoint spacings: of policy clusters, and
// of services, host endpoints, pool uses and Felix configuration that collide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { decodeCheckpoint, encodeCheckpoint, explainCheckpointError } from '../../../compiler/checkpoint/checkpoint';
import type { LoggedEvent } from '../../../compiler/events/event';
import { fold, foldAll } from '../../../compiler/fold/fold';
import { type ClusterState, emptyState, stateHash } from '../../../compiler/fold/state';
import { conflictHistoryArb, historyArb } from './history';

const foldOrThrow = (events: readonly LoggedEvent[], from: ClusterState = emptyState()): ClusterState => {
  const r = foldAll(events, from);
  if (E.isLeft(r)) throw new Error(`out of order at ${r.left.got}`);
  return r.right;
};

/** Through the bytes and back, as a replay from a stored checkpoint would. */
const throughCheckpoint = (s: ClusterState, events: readonly LoggedEvent[]): ClusterState => {
  const c = encodeCheckpoint(s, s.offset === 0 ? undefined : events[s.offset - 1]!.id);
  if (E.isLeft(c)) throw new Error(explainCheckpointError(c.left));
  const r = decodeCheckpoint(c.right);
  if (E.isLeft(r)) throw new Error(explainCheckpointError(r.left));
  return r.right.state;
};

const HISTORIES = [
  ['any history', historyArb],
  ['any history of services, host endpoints and pool uses', conflictHistoryArb],
] as const;

for (const [what, histories] of HISTORIES) {
  test(`checkpoint + tail ≡ fold from zero (same stateHash), for ${what} and any checkpoint spacing`, () => {
    fc.assert(
      fc.property(histories, fc.integer({ min: 1, max: 40 }), (events, every) => {
        const expected = stateHash(foldOrThrow(events));
        // A replay that restores at every checkpoint it passes: the worst case, since each restore must be exact.
        let s = emptyState();
        for (const e of events) {
          if (s.offset % every === 0) s = throughCheckpoint(s, events);
          const r = fold(s, e);
          if (E.isLeft(r)) throw new Error('out of order');
          s = r.right.state;
        }
        assert.equal(stateHash(s), expected);
        // And a replay from each single checkpoint, folding only the tail.
        for (let at = 0; at <= events.length; at += every) {
          const restored = throughCheckpoint(foldOrThrow(events.slice(0, at)), events);
          assert.equal(stateHash(foldOrThrow(events.slice(at), restored)), expected, `from the checkpoint at ${at}`);
        }
      }),
      { numRuns: 60 },
    );
  });
}

for (const [what, histories] of HISTORIES) {
  test(`a decoded checkpoint re-encodes to the same bytes: key order, undefined fields and Map iteration order are kept (${what})`, () => {
    fc.assert(
      fc.property(histories, fc.nat(), (events, cut) => {
        const s = foldOrThrow(events.slice(0, cut % (events.length + 1)));
        const c = encodeCheckpoint(s, 'x');
        assert.ok(E.isRight(c));
        const r = decodeCheckpoint(c.right);
        assert.ok(E.isRight(r));
        const again = encodeCheckpoint(r.right.state, 'x');
        assert.ok(E.isRight(again));
        assert.equal(again.right.text, c.right.text);
        for (const field of ['resources', 'endpoints', 'policies', 'ipOwners', 'rejections', 'services', 'serviceAddresses', 'hostEndpoints'] as const)
          assert.deepStrictEqual([...r.right.state[field].keys()], [...s[field].keys()], field);
      }),
      { numRuns: 100 },
    );
  });
}
