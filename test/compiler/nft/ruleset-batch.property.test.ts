// The fold checks a command's elements as one batch (one sort) instead of one
// at a time (a sort per element, quadratic at 100k elements); the kernel's
// answer must not change: a batch is accepted exactly when the same elements
// added one command at a time are, and leaves the same sets and maps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import fc from 'fast-check';
import { decodeNftDocument, NftDocument } from '../../../compiler/nft/schema';
import { foldNftDocument } from '../../../compiler/nft/ruleset';
import { rulesetToDocument } from '../../../compiler/nft/normalise';

const T = { family: 'inet', table: 'foldnet' } as const;

/** The document's state, or a refusal (by the checks that come with decoding, or by the fold). */
const fold = (cmds: unknown[]) => E.map(rulesetToDocument)(E.chain((doc: NftDocument) => foldNftDocument(doc))(decodeNftDocument({ nftables: cmds })));

const sameOutcome = (batch: unknown[], oneByOne: unknown[]): void => {
  const a = fold(batch);
  const b = fold(oneByOne);
  assert.equal(E.isRight(a), E.isRight(b), `batch ${JSON.stringify(a)}\none by one ${JSON.stringify(b)}`);
  if (E.isRight(a) && E.isRight(b)) assert.deepEqual(a.right, b.right);
};

// Ports from a small range, as single values and ranges: duplicates, overlaps and neighbours are common.
const port = fc.integer({ min: 1, max: 40 });
const portElem = fc.oneof(port, fc.tuple(port, port).map(([x, y]) => ({ range: [Math.min(x, y), Math.max(x, y)] })));
const verdict = fc.constantFrom({ accept: null }, { drop: null });

/**
 * The two ways to fill the set or map `decl` names: `first` in its own `add`
 * and `then` in one `add element`, or every element in an `add element` of its own.
 */
const batchAndSingle = (decl: { readonly name: string; readonly [field: string]: unknown }, first: unknown[], then: unknown[]): [unknown[], unknown[]] => {
  const head = [{ table: { family: 'inet', name: 'foldnet' } }];
  const kind = 'map' in decl ? 'map' : 'set';
  const element = (elem: unknown[]) => ({ add: { element: { ...T, name: decl.name, elem } } });
  const batch = [...head, { [kind]: { ...decl, ...(first.length > 0 ? { elem: first } : {}) } }, ...(then.length > 0 ? [element(then)] : [])];
  const single = [...head, { [kind]: decl }, ...[...first, ...then].map((e) => element([e]))];
  return [batch, single];
};

test('interval set: elements added in one command are accepted exactly when added one command each, with the same result', () => {
  fc.assert(
    fc.property(fc.array(portElem, { maxLength: 12 }), fc.array(portElem, { maxLength: 12 }), (first, then) => {
      sameOutcome(...batchAndSingle({ ...T, name: 's', type: 'inet_service', flags: ['interval'] }, first, then));
    }),
    { numRuns: 500 },
  );
});

test('verdict map: keys added in one command are accepted exactly when added one command each, with the same result', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(port, verdict), { maxLength: 12 }), fc.array(fc.tuple(port, verdict), { maxLength: 12 }), (first, then) => {
      sameOutcome(...batchAndSingle({ ...T, name: 'm', type: 'inet_service', map: 'verdict' }, first, then));
    }),
    { numRuns: 500 },
  );
});

test('plain set: addresses added in one command, duplicates included, equal those added one command each', () => {
  const addr = fc.integer({ min: 0, max: 30 }).map((i) => `10.0.0.${i}`);
  fc.assert(
    fc.property(fc.array(addr, { maxLength: 30 }), (elems) => {
      sameOutcome(...batchAndSingle({ ...T, name: 'a', type: 'ipv4_addr' }, elems, []));
    }),
    { numRuns: 300 },
  );
});
