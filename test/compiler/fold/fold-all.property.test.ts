// foldAll's in-place fast path (compiler/fold/in-place.ts) against `fold`
// event by event, on random replay histories with rejections of every kind:
// the same state down to Map iteration and key order (the checkpoint
// encoding of the state, which keeps both), however the history is cut into
// pages; and no state handed out is ever changed by folding on from it.
// Also fold's own report: its changes are exactly what differs between the
// states before and after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { Map as IMap } from 'immutable';
import { encodeValueTree } from '../../../compiler/checkpoint/value-codec';
import { LoggedEvent } from '../../../compiler/events/event';
import { Change, Entity } from '../../../compiler/fold/changes';
import { fold, foldAll } from '../../../compiler/fold/fold';
import { ClusterState, emptyState } from '../../../compiler/fold/state';
import { replayHistoryArb } from './replay-histories';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 150);

/** The state as a checkpoint writes it: values, object key order and Map iteration order. */
const encoded = (s: ClusterState): string => {
  const e = encodeValueTree(s);
  if (E.isLeft(e)) throw new Error(e.left);
  return JSON.stringify(e.right);
};

const oneByOne = (events: readonly LoggedEvent[]): ClusterState => {
  let s = emptyState();
  for (const e of events) {
    const r = fold(s, e);
    if (E.isLeft(r)) throw new Error('out of order');
    s = r.right.state;
  }
  return s;
};

/** Cuts `events` into pages at the given positions. */
const pagesOf = (events: readonly LoggedEvent[], cuts: readonly number[]): LoggedEvent[][] => {
  const at = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort((a, b) => a - b);
  const out: LoggedEvent[][] = [];
  let from = 0;
  for (const c of [...at, events.length]) {
    out.push(events.slice(from, c));
    from = c;
  }
  return out;
};

test('foldAll gives the state fold gives event by event, down to Map and key order, however the history is paged', () => {
  fc.assert(
    fc.property(replayHistoryArb, fc.array(fc.nat(), { maxLength: 5 }), (events, cuts) => {
      const expected = encoded(oneByOne(events));
      let s = emptyState();
      for (const page of pagesOf(events, cuts)) {
        const r = foldAll(page, s);
        assert.ok(E.isRight(r));
        s = r.right;
      }
      assert.equal(s.offset, events.length);
      assert.equal(encoded(s), expected);
    }),
    { numRuns: RUNS },
  );
});

test('foldAll never changes a state it was given or gave: each page starts from a state that stays as it was', () => {
  fc.assert(
    fc.property(replayHistoryArb, fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), (events, cuts) => {
      const seen: Array<{ state: ClusterState; text: string }> = [];
      let s = emptyState();
      for (const page of pagesOf(events, cuts)) {
        seen.push({ state: s, text: encoded(s) });
        const r = foldAll(page, s);
        assert.ok(E.isRight(r));
        s = r.right;
      }
      for (const { state, text } of seen) assert.equal(encoded(state), text);
    }),
    { numRuns: RUNS },
  );
});

test('foldAll stops at an event out of order and hands out nothing it changed in place', () => {
  fc.assert(
    fc.property(replayHistoryArb, fc.nat(), (events, at) => {
      if (events.length === 0) return;
      const i = at % events.length;
      const bad = [...events.slice(0, i), { ...events[i]!, offset: events[i]!.offset + 7 }, ...events.slice(i + 1)];
      const from = emptyState();
      const before = encoded(from);
      const r = foldAll(bad, from);
      assert.ok(E.isLeft(r));
      assert.deepEqual(r.left, { _tag: 'OutOfOrder', expected: i, got: i + 7 });
      assert.equal(encoded(from), before);
    }),
    { numRuns: RUNS },
  );
});

const FIELDS: Record<Exclude<Entity, 'bgpConfig' | 'felixConfig'>, keyof ClusterState> = {
  host: 'hosts', pool: 'pools', endpoint: 'endpoints', profile: 'profiles', tier: 'tiers', policy: 'policies', bgpPeer: 'bgpPeers',
  namespace: 'namespaces', service: 'services', hostEndpoint: 'hostEndpoints', block: 'blocks', allocation: 'allocations',
};

/** Keys whose value is not the same (===) in the two maps. */
const differing = (a: IMap<string, unknown>, b: IMap<string, unknown>): string[] => {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => a.get(k) !== b.get(k)).sort();
};

test("fold's changes are exactly the model entries that differ between the states before and after", () => {
  fc.assert(
    fc.property(replayHistoryArb, (events) => {
      let s = emptyState();
      for (const e of events) {
        const r = fold(s, e);
        assert.ok(E.isRight(r));
        const { state: next, changes } = r.right;
        const where = `#${e.offset} ${e.type} ${e.kind} ${e.key}`;
        for (const [entity, field] of Object.entries(FIELDS) as Array<[Entity, keyof ClusterState]>) {
          const mine = changes.filter((c: Change) => c.entity === entity);
          const before = s[field] as unknown as IMap<string, unknown>;
          const after = next[field] as unknown as IMap<string, unknown>;
          assert.deepEqual(mine.map((c) => c.key).sort(), differing(before, after), `${where}: ${entity} changes`);
          for (const c of mine) {
            assert.ok(c.before === before.get(c.key), `${where}: ${entity} ${c.key} before`);
            assert.ok(c.after === after.get(c.key), `${where}: ${entity} ${c.key} after`);
          }
        }
        for (const field of ['bgpConfig', 'felixConfig'] as const) {
          // Reported on every put or remove of its resource, even one that leaves it as it was.
          const mine = changes.filter((c) => c.entity === field);
          assert.ok(mine.length <= 1, `${where}: ${field} reported twice`);
          if (s[field] !== next[field]) assert.equal(mine.length, 1, `${where}: ${field} not reported`);
          for (const c of mine) assert.ok(c.before === s[field] && c.after === next[field], `${where}: ${field}`);
        }
        if (r.right.rejection !== undefined) assert.equal(changes.length, 0, where);
        s = next;
      }
    }),
    { numRuns: RUNS },
  );
});
