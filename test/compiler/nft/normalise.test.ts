// Normalisation: emitted documents and kernel listings meet in one form. The
// rule cases are what nft 1.0.6 was seen to list back for each input (see the
// kernel round-trip tests, which check the sample end to end).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { NftLeft, NftStatement } from '../../../compiler/nft/schema';
import { normaliseDocument, normaliseListing } from '../../../compiler/nft/normalise';
import { canonicalRule } from '../../../compiler/nft/canonical-rule';
import * as b from '../../../compiler/nft/build';
import { sampleDocument } from './sample-document';

const m = (op: string, left: unknown, right: unknown): NftStatement => ({ match: { op, left, right } }) as NftStatement;
const p = (protocol: string, field: string) => ({ payload: { protocol, field } }) as NftLeft;
const ct = { ct: { key: 'state' } };
const l4 = { meta: { key: 'l4proto' } };
const nf = { meta: { key: 'nfproto' } };
const A: NftStatement = { accept: null };

const right = <T>(e: E.Either<string[], T>): T => {
  if (E.isLeft(e)) assert.fail(e.left.join('\n'));
  return e.right;
};

const seen: Array<[string, NftStatement[], NftStatement[]]> = [
  ['a ct state set with "in" is an equality', [m('in', ct, { set: ['established', 'related'] }), A], [m('==', ct, { set: ['established', 'related'] }), A]],
  ['a one-flag list is that flag', [m('in', ct, ['new']), A], [m('in', ct, 'new'), A]],
  ['a one-element set is its element, op kept', [m('in', ct, { set: ['new'] }), m('==', ct, { set: ['new'] }), A], [m('in', ct, 'new'), m('==', ct, 'new'), A]],
  ['"in" on a port is "=="', [m('in', p('tcp', 'dport'), 80), m('in', p('ip', 'saddr'), { set: ['10.0.0.1'] }), A], [m('==', p('tcp', 'dport'), 80), m('==', p('ip', 'saddr'), '10.0.0.1'), A]],
  ['anonymous sets merge overlapping and adjacent elements', [m('==', p('tcp', 'dport'), { set: [{ range: [1, 5] }, { range: [6, 9] }, 3] }), A], [m('==', p('tcp', 'dport'), { range: [1, 9] }), A]],
  ['merged address blocks become one prefix', [m('==', p('ip', 'saddr'), { set: [{ prefix: { addr: '10.0.0.0', len: 24 } }, { range: ['10.0.1.0', '10.0.1.255'] }, { prefix: { addr: '10.9.0.0', len: 32 } }] }), A],
    [m('==', p('ip', 'saddr'), { set: [{ prefix: { addr: '10.0.0.0', len: 23 } }, '10.9.0.0'] }), A]],
  ['full-length prefixes are addresses; host bits are cleared', [m('==', p('ip6', 'saddr'), { prefix: { addr: 'fd00::1', len: 128 } }), m('==', p('ip', 'daddr'), { prefix: { addr: '10.1.2.3', len: 8 } }), A],
    [m('==', p('ip6', 'saddr'), 'fd00::1'), m('==', p('ip', 'daddr'), { prefix: { addr: '10.0.0.0', len: 8 } }), A]],
  ['a range in a rule stays a range even when it is a block', [m('==', p('ip', 'saddr'), { range: ['10.0.0.0', '10.0.0.255'] }), m('==', p('tcp', 'dport'), { range: [5, 5] }), A],
    [m('==', p('ip', 'saddr'), { range: ['10.0.0.0', '10.0.0.255'] }), m('==', p('tcp', 'dport'), { range: [5, 5] }), A]],
  ['symbols become numbers', [m('==', l4, { set: ['tcp', 'ipv6-icmp'] }), m('==', p('th', 'dport'), 1), A], [m('==', l4, { set: [6, 58] }), m('==', p('th', 'dport'), 1), A]],
  ['meta l4proto before tcp is its dependency', [m('==', l4, 6), m('==', p('ip', 'saddr'), '1.2.3.4'), m('==', p('tcp', 'dport'), 80), A], [m('==', p('ip', 'saddr'), '1.2.3.4'), m('==', p('tcp', 'dport'), 80), A]],
  ['meta nfproto before ip is its dependency, and before icmp too', [m('==', nf, 'ipv4'), m('in', ct, 'new'), m('==', p('icmp', 'type'), 'echo-request'), A], [m('in', ct, 'new'), m('==', p('icmp', 'type'), 8), A]],
  ['nfproto and l4proto alone stay', [m('==', nf, 'ipv4'), m('==', l4, 6), A], [m('==', nf, 'ipv4'), m('==', l4, 6), A]],
  ['th after l4proto tcp lists as tcp; nfproto stays', [m('==', nf, 'ipv4'), m('==', l4, 6), m('==', p('th', 'dport'), 80), A], [m('==', nf, 'ipv4'), m('==', p('tcp', 'dport'), 80), A]],
  ['a log between keeps the dependency', [m('==', l4, 6), { log: { prefix: 'x' } }, m('==', p('tcp', 'dport'), 80), A], [m('==', l4, 6), { log: { prefix: 'x' } }, m('==', p('tcp', 'dport'), 80), A]],
  ['a dependency after the match stays', [m('==', p('tcp', 'dport'), 80), m('==', l4, 6), A], [m('==', p('tcp', 'dport'), 80), m('==', l4, 6), A]],
  ['a vmap key consumes the dependency', [m('==', l4, 6), { vmap: { key: p('tcp', 'dport'), data: { set: [[81, { drop: null }], [80, A]] } } }], [{ vmap: { key: p('tcp', 'dport'), data: { set: [[80, A], [81, { drop: null }]] } } }]],
  ['dport then sport (==) list in header order', [m('==', p('udp', 'dport'), 53), m('==', p('udp', 'sport'), 1), A], [m('==', p('udp', 'sport'), 1), m('==', p('udp', 'dport'), 53), A]],
  ['code then type list in header order', [m('==', p('icmpv6', 'code'), 0), m('==', p('icmpv6', 'type'), 1), A], [m('==', p('icmpv6', 'type'), 1), m('==', p('icmpv6', 'code'), 0), A]],
  ['a != breaks the merge', [m('==', p('udp', 'dport'), 53), m('!=', p('udp', 'sport'), 1), A], [m('==', p('udp', 'dport'), 53), m('!=', p('udp', 'sport'), 1), A]],
  ['>= then <= on one key is a range', [m('>=', p('tcp', 'dport'), 30000), m('<=', p('tcp', 'dport'), 32767), A], [m('==', p('tcp', 'dport'), { range: [30000, 32767] }), A]],
  ['<= then >= stays', [m('<=', p('tcp', 'dport'), 32767), m('>=', p('tcp', 'dport'), 30000), A], [m('<=', p('tcp', 'dport'), 32767), m('>=', p('tcp', 'dport'), 30000), A]],
  ['counter numbers, the default log level and empty logs vanish', [{ counter: { packets: 5, bytes: 7 } }, { log: { prefix: 'a', level: 'warn' } }, { log: {} }, { log: { level: 'info' } }, A],
    [{ counter: null }, { log: { prefix: 'a' } }, { log: null }, { log: { level: 'info' } }, A]],
  ['numgen lists its offset, 0 too; vmap keys sorted', [{ vmap: { key: { numgen: { mode: 'random', mod: 3 } }, data: { set: [[2, { jump: { target: 'c' } }], [0, { goto: { target: 'a' } }], [1, { goto: { target: 'b' } }]] } } }],
    [{ vmap: { key: { numgen: { mode: 'random', mod: 3, offset: 0 } }, data: { set: [[0, { goto: { target: 'a' } }], [1, { goto: { target: 'b' } }], [2, { jump: { target: 'c' } }]] } } }]],
  ['numgen keys stay apart, ranges stay ranges', [{ vmap: { key: { numgen: { mode: 'random', mod: 4, offset: 1 } }, data: { set: [[{ range: [1, 2] }, A], [3, A], [4, A]] } } }],
    [{ vmap: { key: { numgen: { mode: 'random', mod: 4, offset: 1 } }, data: { set: [[{ range: [1, 2] }, A], [3, A], [4, A]] } } }]],
  ['dnat addresses in nft spelling; l4proto before dnat stays', [m('==', l4, 'tcp'), { dnat: { family: 'ip6', addr: 'FD00:0::5', port: 8080 } }], [m('==', l4, 6), { dnat: { family: 'ip6', addr: 'fd00::5', port: 8080 } }]],
  ['nfproto before dnat ip stays (dnat is no dependency)', [m('==', nf, 'ipv4'), { dnat: { family: 'ip', addr: '10.0.0.5' } }], [m('==', nf, 'ipv4'), { dnat: { family: 'ip', addr: '10.0.0.5' } }]],
  ['ct state numbers (nft -n) become names, sorted by bit', [m('in', ct, [4, 2]), m('!=', ct, { set: [8, 1] }), A], [m('in', ct, ['established', 'related']), m('!=', ct, { set: ['invalid', 'new'] }), A]],
];

describe('canonicalRule', () => {
  for (const [what, input, want] of seen) test(what, () => assert.deepEqual(canonicalRule(input), want));
});

describe('normaliseDocument and normaliseListing', () => {
  test('normalising is idempotent', () => {
    const once = right(normaliseDocument(sampleDocument()));
    assert.deepEqual(right(normaliseDocument(once)), once);
  });

  test('a listing meets the emitted document: handles, metainfo, set comments and default policies aside', () => {
    const emitted = b.document([b.table(), { chain: { family: 'inet', table: 'foldnet', name: 'fn-in', type: 'filter', hook: 'input', prio: 0 } }, b.chain('fn-a'),
      { set: { family: 'inet', table: 'foldnet', name: 'fn-s', type: 'inet_proto', elem: ['tcp', 17], comment: 'protocols' } },
      b.verdictMap('fn-m', 'ifname', [['lo', b.jump('fn-a')]]), b.rule('fn-in', [b.vmap(b.meta('iifname'), '@fn-m')]), b.rule('fn-a', [b.matchEq(b.meta('l4proto'), '@fn-s'), b.counter(), b.accept], 'x')]);
    const listing = { nftables: [
      { metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } },
      { table: { family: 'inet', name: 'foldnet', handle: 4 } },
      { set: { family: 'inet', name: 'fn-s', table: 'foldnet', type: 'inet_proto', handle: 3, elem: ['udp', 'tcp'] } },
      { map: { family: 'inet', name: 'fn-m', table: 'foldnet', type: 'ifname', handle: 4, map: 'verdict', elem: [['lo', { jump: { target: 'fn-a' } }]] } },
      { chain: { family: 'inet', table: 'foldnet', name: 'fn-in', handle: 1, type: 'filter', hook: 'input', prio: 0, policy: 'accept' } },
      { chain: { family: 'inet', table: 'foldnet', name: 'fn-a', handle: 2 } },
      { rule: { family: 'inet', table: 'foldnet', chain: 'fn-in', handle: 6, expr: [{ vmap: { key: { meta: { key: 'iifname' } }, data: '@fn-m' } }] } },
      { rule: { family: 'inet', table: 'foldnet', chain: 'fn-a', handle: 7, comment: 'x', expr: [{ match: { op: '==', left: { meta: { key: 'l4proto' } }, right: '@fn-s' } }, { counter: { packets: 3, bytes: 180 } }, { accept: null }] } },
    ] };
    assert.deepEqual(right(normaliseListing(listing)), right(normaliseDocument(emitted)));
  });

  test('a listing outside the subset is refused with a path', () => {
    const listing = { nftables: [{ table: { family: 'inet', name: 'foldnet', handle: 1 } }, { chain: { family: 'inet', table: 'foldnet', name: 'fn-a', handle: 1 } },
      { rule: { family: 'inet', table: 'foldnet', chain: 'fn-a', handle: 2, expr: [{ match: { op: '==', left: { payload: { base: 'th', offset: 0, len: 32 } }, right: 65589 } }] } }] };
    const r = normaliseListing(listing);
    assert.ok(E.isLeft(r) && r.left.some((e) => e.startsWith('nftables[2].rule.expr[0].match.left.payload')), E.isLeft(r) ? r.left.join('\n') : 'accepted');
  });
});
