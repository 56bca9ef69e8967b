// Real-kernel round trips (nft 1.0.6 in throwaway network namespaces): what
// the kernel lists back after loading a document, normalised, equals the
// document normalised; the text rendering loads into the same ruleset; a
// transaction folded onto the state predicts the kernel's result; and what
// the fold (or, for nat, the decoder) refuses, nft refuses too.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { sampleDocument } from './sample-document';
import { kernelTestsUnavailable, listTable, load, withNetns } from './netns';
import { decodeNftDocument, NftDocument, NftStatement } from '../../../compiler/nft/schema';
import { normaliseDocument, normaliseListing, renderDiffable, rulesetToDocument } from '../../../compiler/nft/normalise';
import { foldNftDocument } from '../../../compiler/nft/ruleset';
import { renderNftText } from '../../../compiler/nft/render-text';
import * as b from '../../../compiler/nft/build';
import { MAX_LEVEL } from '../../../compiler/nft/references';

const skip = kernelTestsUnavailable();

const right = <A>(e: E.Either<string[], A>): A => {
  if (E.isLeft(e)) assert.fail(e.left.join('\n'));
  return e.right;
};
const same = (got: NftDocument, want: NftDocument): void => assert.equal(renderDiffable(got), renderDiffable(want));

const transaction = (): NftDocument =>
  b.document([
    b.add(b.element('fn-s-v4', ['10.111.5.5'])),
    b.deleteElements('fn-s-if', ['tap0']),
    b.deleteElements('fn-m-from', ['tap0']),
    b.flushSet('fn-s-ports'),
    b.add(b.element('fn-s-ports', [b.range(7000, 7100)])),
    b.flushChain('fn-pol-b'),
    b.add(b.rule('fn-pol-b', [b.matchEq(b.payload('udp', 'dport'), 5353), b.accept], 'replaced')),
    b.add(b.chain('fn-new')),
    b.add(b.baseChain('fn-out', { type: 'filter', hook: 'output', prio: 5, policy: 'accept' })),
    b.add(b.set('fn-s-new', 'ipv6_addr', [b.prefix('fd00:77::', 48)], { interval: true })),
    b.add(b.verdictMap('fn-m-new', 'inet_service', [[443, b.accept]])),
    b.add(b.rule('fn-out', [b.matchEq(b.payload('ip6', 'daddr'), '@fn-s-new'), b.vmap(b.payload('tcp', 'dport'), '@fn-m-new')])),
    b.add(b.rule('fn-new', [b.log('new '), b.ret])),
    b.add(b.rule('fn-pol-b', [b.jump('fn-new')])),
    b.add(b.element('fn-m-to', [['tap7', b.goTo('fn-new')]])),
    b.flushChain('fn-prerouting'),
    b.flushChain('fn-pol-a'),
    b.deleteSet('fn-s-empty'),
    b.flushChain('fn-nat'),
    b.deleteChain('fn-nat'),
  ]);

/** A base chain and a line of `levels` chains below it, reached by jumps and gotos. */
const nested = (levels: number): NftDocument => {
  const names = Array.from({ length: levels }, (_, i) => `fn-l${i}`);
  return b.document([
    b.table(),
    b.baseChain('fn-in', { type: 'filter', hook: 'input', prio: 0, policy: 'accept' }),
    ...names.map((n) => b.chain(n)),
    b.rule('fn-in', [b.jump(names[0]!)]),
    ...names.slice(1).map((n, i) => b.rule(names[i]!, [i % 2 === 0 ? b.jump(n) : b.goTo(n)])),
  ]);
};

describe('nft kernel round trip', { skip }, () => {
  test('a document loaded as JSON lists back as its own normal form', async () => {
    const doc = right(decodeNftDocument(sampleDocument()));
    const want = right(normaliseDocument(doc));
    await withNetns((ns) => {
      load(ns, 'json', JSON.stringify(doc));
      same(right(normaliseListing(listTable(ns))), want);
    });
  });

  test('the text rendering loads into the same ruleset as the JSON', async () => {
    const doc = right(decodeNftDocument(sampleDocument()));
    const want = right(normaliseDocument(doc));
    await withNetns((ns) => {
      load(ns, 'text', renderNftText(doc));
      same(right(normaliseListing(listTable(ns))), want);
    });
  });

  test('a numeric listing (nft -j -n) normalises like a symbolic one', async () => {
    const doc = right(decodeNftDocument(sampleDocument()));
    await withNetns((ns) => {
      load(ns, 'json', JSON.stringify(doc));
      same(right(normaliseListing(listTable(ns, true))), right(normaliseListing(listTable(ns))));
    });
  });

  test('the normal form is itself a loadable document that lists back unchanged', async () => {
    const want = right(normaliseDocument(right(decodeNftDocument(sampleDocument()))));
    await withNetns((ns) => {
      load(ns, 'json', JSON.stringify(want));
      same(right(normaliseListing(listTable(ns))), want);
    });
  });

  test('a transaction folded onto the loaded state predicts what the kernel lists', async () => {
    const doc = right(decodeNftDocument(sampleDocument()));
    const tx = right(decodeNftDocument(transaction()));
    const want = rulesetToDocument(right(foldNftDocument(tx, right(foldNftDocument(doc)))));
    for (const how of ['json', 'text'] as const) {
      await withNetns((ns) => {
        load(ns, 'json', JSON.stringify(doc));
        load(ns, how, how === 'json' ? JSON.stringify(tx) : renderNftText(tx));
        same(right(normaliseListing(listTable(ns))), want);
      });
    }
  });

  test('chains nested to the kernel limit fold and load', async () => {
    const doc = right(decodeNftDocument(nested(MAX_LEVEL)));
    right(foldNftDocument(doc));
    await withNetns((ns) => load(ns, 'json', JSON.stringify(doc)));
  });

  test('what the fold refuses, nft refuses too', async () => {
    const base = [b.table(), b.chain('fn-a'), b.chain('fn-b')];
    const refused: Record<string, NftDocument> = {
      'jump to a missing chain': b.document([...base, b.rule('fn-a', [b.jump('fn-missing')])]),
      'jump to a chain declared later': b.document([...base, b.rule('fn-a', [b.jump('fn-c')]), b.chain('fn-c')]),
      'a jump loop reachable from a base chain': b.document([
        ...base, b.baseChain('fn-in', { type: 'filter', hook: 'input', prio: 0, policy: 'accept' }),
        b.rule('fn-a', [b.jump('fn-b')]), b.rule('fn-b', [b.vmap(b.meta('iifname'), [['lo', b.goTo('fn-a')]])]), b.rule('fn-in', [b.jump('fn-a')]),
      ]),
      'chains nested deeper than the kernel allows': nested(MAX_LEVEL + 1),
      'overlapping added elements': b.document([...base, b.set('fn-s', 'ipv4_addr', [b.prefix('10.0.0.0', 8)], { interval: true }), b.element('fn-s', [b.prefix('10.1.0.0', 16)])]),
      'a lookup in a set of another type': b.document([...base, b.set('fn-s', 'ipv6_addr', []), b.rule('fn-a', [b.matchEq(b.payload('ip', 'saddr'), '@fn-s'), b.accept])]),
      'deleting an element that is not there': b.document([...base, b.set('fn-s', 'ipv4_addr', ['10.0.0.1']), b.deleteElements('fn-s', ['10.0.0.2'])]),
      'deleting a chain still jumped to': b.document([...base, b.rule('fn-a', [b.jump('fn-b')]), b.deleteChain('fn-b')]),
      'a dnat reached from a filter base chain': b.document([
        ...base, b.baseChain('fn-in', { type: 'filter', hook: 'prerouting', prio: 0, policy: 'accept' }),
        b.rule('fn-a', [b.dnat('ip', '10.0.0.5')]), b.rule('fn-b', [b.vmap(b.numgen(2), [[0, b.goTo('fn-a')], [1, b.accept]])]), b.rule('fn-in', [b.jump('fn-b')]),
      ]),
      'a dnat in a nat chain on input': b.document([
        ...base, b.baseChain('fn-nat-in', { type: 'nat', hook: 'input', prio: 100, policy: 'accept' }), b.rule('fn-a', [b.dnat('ip', '10.0.0.5')]), b.rule('fn-nat-in', [b.goTo('fn-a')]),
      ]),
    };
    for (const [what, doc] of Object.entries(refused)) {
      const decoded = right(decodeNftDocument(doc));
      assert.ok(E.isLeft(foldNftDocument(decoded)), `fold accepted ${what}`);
      await withNetns((ns) => {
        const r = ns.nftFile(true, JSON.stringify(decoded));
        assert.notEqual(r.status, 0, `nft accepted ${what}`);
        assert.doesNotMatch(r.stderr, /Could not open file/, 'the refusal must come from nft, not from reading the file');
      });
    }
  });

  test('what the decoder refuses about nat, nft refuses too', async () => {
    const l4 = b.matchEq(b.meta('l4proto'), 6);
    const natIn = (expr: NftStatement[]) => b.document([
      b.table(), b.baseChain('fn-nat', { type: 'nat', hook: 'prerouting', prio: -100, policy: 'accept' }), b.rule('fn-nat', expr),
    ]);
    const refused: Record<string, NftDocument> = {
      'a nat chain at conntrack priority': b.document([b.table(), b.baseChain('fn-nat', { type: 'nat', hook: 'prerouting', prio: -200, policy: 'accept' })]),
      'a dnat port without a transport match': natIn([b.dnat('ip', '10.0.0.5', 8080)]),
      'a dnat port after th dport only': natIn([b.matchEq(b.payload('th', 'dport'), 80), b.dnat('ip', '10.0.0.5', 8080)]),
      'a dnat ip in a rule matching ip6': natIn([b.matchEq(b.payload('ip6', 'daddr'), 'fd00::1'), l4, b.dnat('ip', '10.0.0.5', 8080)]),
      'numgen with modulus 0': natIn([b.vmap(b.numgen(0), [[0, b.accept]])]),
      'a verdict after a dnat': natIn([b.dnat('ip', '10.0.0.5'), b.accept]),
    };
    for (const [what, doc] of Object.entries(refused)) {
      assert.ok(E.isLeft(decodeNftDocument(doc)), `decoder accepted ${what}`);
      await withNetns((ns) => {
        const r = ns.nftFile(true, JSON.stringify(doc));
        assert.notEqual(r.status, 0, `nft accepted ${what}`);
        assert.doesNotMatch(r.stderr, /Could not open file/, 'the refusal must come from nft, not from reading the file');
      });
    }
  });
});
