import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { Map as IMap, Set as ISet } from 'immutable';
import { CHECKPOINT_VERSION, decodeCheckpoint, encodeCheckpoint, explainCheckpointError, type Checkpoint } from '../../../compiler/checkpoint/checkpoint';
import { decodeValueTree, encodeValueTree } from '../../../compiler/checkpoint/value-codec';
import { emptyState, stateHash, type ClusterState } from '../../../compiler/fold/state';
import { sha256Hex } from '../../../compiler/hash/canonical';
import { seedDemoState } from '../../helpers/seed-demo';

const encode = (s: ClusterState, id = 'ev-9'): Checkpoint => {
  const c = encodeCheckpoint(s, id);
  if (E.isLeft(c)) throw new Error(explainCheckpointError(c.left));
  return c.right;
};

/** The same document with `edit` applied, stored under its new hash (a well-formed forgery). */
const rewritten = (c: Checkpoint, edit: (doc: Record<string, unknown>) => void): Checkpoint => {
  const doc = JSON.parse(c.text) as Record<string, unknown>;
  edit(doc);
  const text = JSON.stringify(doc);
  return { ...c, text, sha256: sha256Hex(text) };
};

const errorTag = (c: Pick<Checkpoint, 'sha256' | 'offset' | 'text'>): string => {
  const r = decodeCheckpoint(c);
  assert.ok(E.isLeft(r), 'expected the checkpoint to be refused');
  return r.left._tag;
};

describe('checkpoint encoding', () => {
  test('the address is the sha256 of the text, and the same state always gives the same bytes', () => {
    const c = encode(seedDemoState());
    assert.equal(c.sha256, sha256Hex(c.text));
    assert.equal(c.version, CHECKPOINT_VERSION);
    assert.equal(c.offset, 10);
    assert.equal(encode(seedDemoState()).text, c.text);
  });

  test('a decoded checkpoint has the state hash, offset and last event id it was written with', () => {
    const s = seedDemoState();
    const r = decodeCheckpoint(encode(s, 'the-last'));
    assert.ok(E.isRight(r));
    assert.equal(stateHash(r.right.state), stateHash(s));
    assert.equal(r.right.state.offset, 10);
    assert.equal(r.right.lastEventId, 'the-last');
    assert.ok(IMap.isMap(r.right.state.endpoints));
  });

  test('undefined properties of models survive (mac: undefined stays a present key)', () => {
    const s = seedDemoState();
    const ep = s.endpoints.first()!;
    assert.ok('mac' in ep);
    const r = decodeCheckpoint(encode(s));
    assert.ok(E.isRight(r));
    const back = r.right.state.endpoints.get(ep.key)!;
    assert.deepStrictEqual(Object.keys(back), Object.keys(ep));
    assert.deepStrictEqual(back, ep);
  });

  test('the empty state round-trips, without a last event id', () => {
    const c = encodeCheckpoint(emptyState(), undefined);
    assert.ok(E.isRight(c));
    const r = decodeCheckpoint(c.right);
    assert.ok(E.isRight(r));
    assert.equal(r.right.lastEventId, undefined);
    assert.equal(stateHash(r.right.state), stateHash(emptyState()));
  });
});

describe('checkpoint validation: never trusted', () => {
  test('one changed byte is a hash mismatch', () => {
    const c = encode(seedDemoState());
    const i = c.text.indexOf('192.168.1.1');
    assert.ok(i > 0);
    assert.equal(errorTag({ ...c, text: `${c.text.slice(0, i)}192.168.1.9${c.text.slice(i + 11)}` }), 'HashMismatch');
  });

  test('a truncated text is a hash mismatch', () => {
    const c = encode(seedDemoState());
    assert.equal(errorTag({ ...c, text: c.text.slice(0, c.text.length / 2) }), 'HashMismatch');
  });

  test('another version is foreign, even when its bytes are intact', () => {
    const c = rewritten(encode(seedDemoState()), (d) => (d.version = CHECKPOINT_VERSION + 1));
    assert.equal(errorTag(c), 'ForeignFormat');
    assert.equal(errorTag(rewritten(c, (d) => (d.format = 'something-else'))), 'ForeignFormat');
  });

  test('a state with other fields than this code’s ClusterState is foreign, whatever version it claims', () => {
    const fewer = rewritten(encode(seedDemoState()), (d) => delete (d.state as Record<string, unknown>).policies);
    assert.equal(errorTag(fewer), 'ForeignFormat');
    const more = rewritten(encode(seedDemoState()), (d) => ((d.state as Record<string, unknown>).gadgets = { $: 'm', e: [] }));
    assert.equal(errorTag(more), 'ForeignFormat');
    const r = decodeCheckpoint(more);
    assert.ok(E.isLeft(r));
    assert.match(explainCheckpointError(r.left), /with gadgets/);
  });

  test('a state edited and re-addressed no longer matches its recorded state hash', () => {
    const c = rewritten(encode(seedDemoState()), (d) => {
      const state = d.state as { offset: number; ipOwners: { e: unknown[][] } };
      state.ipOwners.e[0]![1] = 'demo/zzz';
    });
    assert.equal(errorTag(c), 'StateHashMismatch');
  });

  test('a checkpoint filed under another offset is refused', () => {
    const c = encode(seedDemoState());
    assert.equal(errorTag({ ...c, offset: 11 }), 'OffsetMismatch');
  });

  test('text that is not JSON, or not a state, is malformed', () => {
    const text = '{"format":"foldnet-checkpoint"';
    assert.equal(errorTag({ sha256: sha256Hex(text), offset: 0, text }), 'Malformed');
    const notMap = rewritten(encode(seedDemoState()), (d) => ((d.state as Record<string, unknown>).hosts = []));
    assert.equal(errorTag(notMap), 'Malformed');
  });

  test('every refusal explains itself in one line', () => {
    const r = decodeCheckpoint({ ...encode(seedDemoState()), text: 'x' });
    assert.ok(E.isLeft(r));
    assert.match(explainCheckpointError(r.left), /corrupted/);
  });
});

describe('value codec', () => {
  test('keys beginning with $ and nested maps round-trip', () => {
    const v = { $: 1, $$x: [undefined, 2], m: IMap<unknown, unknown>([[3, { $m: IMap([['a', null]]) }], ['k', 'v']]) };
    const enc = encodeValueTree(v);
    assert.ok(E.isRight(enc));
    const back = decodeValueTree(JSON.parse(JSON.stringify(enc.right)));
    assert.ok(E.isRight(back));
    const b = back.right as typeof v;
    assert.equal(b.$, 1);
    assert.deepStrictEqual(b.$$x, [undefined, 2]);
    assert.deepStrictEqual([...b.m.keys()], [3, 'k']);
    assert.deepStrictEqual([...((b.m.get(3) as { $m: IMap<string, null> }).$m.entries())], [['a', null]]);
  });

  test('what JSON cannot hold exactly is refused with its path, not encoded wrongly', () => {
    for (const [v, where] of [[{ a: { b: NaN } }, /\$\.a\.b/], [{ s: ISet([1]) }, /\$\.s/], [{ d: new Date(0) }, /\$\.d/], [{ z: -0 }, /\$\.z/]] as const) {
      const r = encodeValueTree(v);
      assert.ok(E.isLeft(r));
      assert.match(r.left, where);
    }
  });
});
