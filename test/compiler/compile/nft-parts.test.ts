// A document made from parts reads as the plain `{ nftables: [...] }` it
// stands for — to JSON, spread and deep equality — in the document's order,
// made once on first read; and it gives its parts back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentOf, flatten, partsOf } from '../../../compiler/compile/nft-parts';
import { tableObject } from '../../../compiler/compile/nft-document';

const rule = (chain: string, n: number) => ({ rule: { chain, n } });
const parts = {
  chains: [
    { decl: { chain: { name: 'a' } }, rules: [rule('a', 1), rule('a', 2)] },
    { decl: { chain: { name: 'b' } }, rules: [] },
    { decl: { chain: { name: 'c' } }, rules: [rule('c', 3)] },
  ],
  sets: [{ set: { name: 's1' } }, { set: { name: 's2' } }],
  maps: [{ map: { name: 'm' } }],
  section: [{ chain: { name: 'svc' } }, rule('svc', 4)],
};
const flat = [
  tableObject(),
  { chain: { name: 'a' } }, { chain: { name: 'b' } }, { chain: { name: 'c' } },
  { set: { name: 's1' } }, { set: { name: 's2' } },
  { map: { name: 'm' } },
  rule('a', 1), rule('a', 2), rule('c', 3),
  { chain: { name: 'svc' } }, rule('svc', 4),
];

test('a document of parts lists table, declarations, sets, maps, rules chain by chain, then the section', () => {
  assert.deepEqual(flatten(parts), flat);
});

test('it reads as a plain document to JSON, spread and deep equality, and is made once', () => {
  const doc = documentOf(parts);
  assert.equal(JSON.stringify(doc), JSON.stringify({ nftables: flat }));
  assert.deepStrictEqual({ ...doc }, { nftables: flat });
  assert.deepStrictEqual(doc, { nftables: flat });
  assert.equal(doc.nftables, doc.nftables);
  assert.equal(partsOf(doc), parts);
  assert.equal(partsOf({ nftables: flat }), undefined);
});
