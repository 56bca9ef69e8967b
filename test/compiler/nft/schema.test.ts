// Decoding foldnet's nft subset: the sample decodes, arbitrary input never
// throws, and every refusal names the path of the offending value.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { decodeNftDocument } from '../../../compiler/nft/schema';
import * as b from '../../../compiler/nft/build';
import { sampleDocument } from './sample-document';

const errorsOf = (u: unknown): string[] => {
  const r = decodeNftDocument(u);
  assert.ok(E.isLeft(r), 'expected the document to be refused');
  return r.left;
};
const head = [b.table(), b.chain('fn-a')];
const withRule = (expr: unknown, extra: unknown[] = []): unknown => ({ nftables: [...head, ...extra, { rule: { family: 'inet', table: 'foldnet', chain: 'fn-a', expr } }] });
const ipSaddr = { payload: { protocol: 'ip', field: 'saddr' } };

/** Every path to a node of a JSON tree. */
const pathsOf = (u: unknown, at: ReadonlyArray<string | number> = []): Array<ReadonlyArray<string | number>> => {
  const here = [at];
  if (Array.isArray(u)) return [...here, ...u.flatMap((v, i) => pathsOf(v, [...at, i]))];
  if (typeof u === 'object' && u !== null) return [...here, ...Object.entries(u).flatMap(([k, v]) => pathsOf(v, [...at, k]))];
  return here;
};
const replaceAt = (u: unknown, path: ReadonlyArray<string | number>, v: unknown): unknown => {
  if (path.length === 0) return v;
  const [k, ...rest] = path;
  if (Array.isArray(u)) return u.map((x, i) => (i === k ? replaceAt(x, rest, v) : x));
  return { ...(u as Record<string, unknown>), [k!]: replaceAt((u as Record<string, unknown>)[k as string], rest, v) };
};

describe('decodeNftDocument', () => {
  test('the sample document, which uses every construct of the subset, decodes', () => {
    const r = decodeNftDocument(JSON.parse(JSON.stringify(sampleDocument())));
    assert.ok(E.isRight(r), E.isLeft(r) ? r.left.join('\n') : '');
  });

  test('decoding arbitrary JSON never throws, and refusals come as path: message lines', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (u) => {
        const r = decodeNftDocument(u);
        if (E.isLeft(r)) assert.ok(r.left.length > 0 && r.left.every((line) => line.indexOf(': ') > 0 && !line.endsWith(': ')), r.left.join('\n'));
      }),
      { numRuns: 500 },
    );
  });

  test('replacing any node of the sample by arbitrary JSON never throws, and errors point inside the document', () => {
    const sample = JSON.parse(JSON.stringify(sampleDocument())) as unknown;
    const paths = pathsOf(sample).filter((p) => p.length > 0);
    fc.assert(
      fc.property(fc.nat({ max: paths.length - 1 }), fc.jsonValue(), (i, v) => {
        const r = decodeNftDocument(replaceAt(sample, paths[i]!, v));
        if (E.isLeft(r)) for (const line of r.left) assert.match(line, /^(nftables|\(document\)|jump loop|chains nest)/);
      }),
      { numRuns: 1000 },
    );
  });

  test('nat base chains, numgen vmaps and dnat (with and without a port) decode', () => {
    const doc = b.document([
      b.table(), b.chain('fn-a'), b.chain('fn-b'), b.chain('fn-c'),
      b.baseChain('svc-pre', { type: 'nat', hook: 'prerouting', prio: -100, policy: 'accept' }),
      b.baseChain('svc-out', { type: 'nat', hook: 'output', prio: -199, policy: 'accept' }),
      b.baseChain('host-in', { type: 'filter', hook: 'input', prio: 10, policy: 'drop' }),
      b.rule('fn-a', [b.matchEq(b.meta('l4proto'), b.anonSet([6, 'udp'])), b.dnat('ip', '10.10.0.5', 8080)]),
      b.rule('fn-b', [b.matchEq(b.payload('tcp', 'dport'), 80), b.counter(), b.dnat('ip6', 'fd00::5', 8080)]),
      b.rule('fn-c', [b.dnat('ip', '10.10.0.6')]),
      b.rule('svc-pre', [b.matchEq(b.payload('ip', 'daddr'), '10.96.0.10'), b.matchEq(b.payload('tcp', 'dport'), 80),
        b.vmap(b.numgen(3), [[0, b.goTo('fn-a')], [1, b.goTo('fn-b')], [2, b.jump('fn-c')]])]),
      b.rule('svc-out', [b.vmap(b.numgen(4, 1), [[b.range(1, 2), b.goTo('fn-a')], [4, b.goTo('fn-c')]])]),
      b.rule('host-in', [b.matchEq(b.meta('iifname'), b.anonSet(['cali1', 'cali2'])), b.drop]),
      b.rule('host-in', [b.matchEq(b.meta('iifname'), 'lo'), b.accept]),
    ]);
    const r = decodeNftDocument(JSON.parse(JSON.stringify(doc)));
    assert.ok(E.isRight(r), E.isLeft(r) ? r.left.join('\n') : '');
  });

  test('an unknown key is refused with its path', () => {
    assert.deepEqual(errorsOf({ nftables: [{ table: { family: 'inet', name: 'foldnet', flags: [] } }] }), ['nftables[0].table.flags: unexpected key in table']);
  });

  test('a statement outside the subset is refused by name', () => {
    assert.deepEqual(errorsOf(withRule([{ reject: null }])), ['nftables[2].rule.expr[0]: unsupported statement "reject" (supported: match, vmap, log, counter, mangle, dnat, accept, drop, continue, return, jump, goto)']);
  });

  test('a value of the wrong datatype is refused at its path', () => {
    assert.deepEqual(errorsOf(withRule([{ match: { op: '==', left: ipSaddr, right: 'fd00::1' } }, { accept: null }])), [
      'nftables[2].rule.expr[0].match.right: expected an IPv4 address, got "fd00::1"',
    ]);
  });

  test('every problem is reported, not only the first', () => {
    const errors = errorsOf({ nftables: [{ table: { family: 'ip', name: 'foldnet' } }, { chain: { family: 'inet', table: 'foldnet' } }] });
    assert.equal(errors.length, 2);
    assert.match(errors[0]!, /^nftables\[0\]\.table\.family: /);
    assert.match(errors[1]!, /^nftables\[1\]\.chain\.name: missing key/);
  });

  const refusals: Array<[string, unknown, RegExp]> = [
    ['a statement after a verdict', withRule([{ accept: null }, { counter: null }]), /expr\[0\]: nothing may follow a verdict/],
    ['an nft keyword as a chain name', { nftables: [b.table(), b.chain('counter')] }, /nftables\[1\]\.chain\.name: "counter" is an nft keyword/],
    ['a comment nft text cannot quote', { nftables: [...head, b.rule('fn-a', [b.accept], 'say "hi"')] }, /rule\.comment: comment must be/],
    ['a log prefix with $', withRule([{ log: { prefix: 'x $y' } }]), /log\.prefix: log prefix must be/],
    ['tcp and udp in one rule', withRule([b.matchEq(b.payload('tcp', 'dport'), 1), b.matchEq(b.payload('udp', 'sport'), 2)]), /conflicting transport protocols tcp and udp/],
    ['adjacent th sport and dport', withRule([b.matchEq(b.payload('th', 'dport'), 1), b.matchEq(b.payload('th', 'sport'), 2)]), /raw payload match/],
    ['a wildcard in an anonymous vmap', withRule([b.vmap(b.meta('iifname'), [['cali*', b.accept]])]), /wildcards inside anonymous sets/],
    ['a range in a set without flags interval', { nftables: [b.table(), b.set('fn-s', 'inet_service', [b.range(1, 2)])] }, /needs "flags": \["interval"\]/],
    ['overlapping elements in a named interval set', { nftables: [b.table(), b.set('fn-s', 'ipv4_addr', [b.prefix('10.0.0.0', 8), '10.1.1.1'], { interval: true })] }, /elements overlap \(\{"prefix":\{"addr":"10.0.0.0","len":8\}\} and "10.1.1.1"\)/],
    ['a flag list with ==', withRule([{ match: { op: '==', left: { ct: { key: 'state' } }, right: ['new', 'established'] } }]), /a list of flags is only for ct state with op "in"/],
    ['an order comparison with a set', withRule([{ match: { op: '<', left: ipSaddr, right: { set: ['10.0.0.1'] } } }]), /a set takes ==, != or in/],
    ['a signed mark mask (JavaScript ^ without >>> 0)', withRule([{ mangle: { key: { meta: { key: 'mark' } }, value: { '&': [{ meta: { key: 'mark' } }, -196609] } } }]), /mangle\.value\["&"\]\[1\]: expected an unsigned 32-bit integer, got -196609/],
    ['a mangle of something else than the mark', withRule([{ mangle: { key: { meta: { key: 'priority' } }, value: 1 } }]), /mangle\.key\.meta\.key: /],
    ['an empty range', withRule([b.matchEq(b.payload('tcp', 'dport'), b.range(9, 1))]), /range 9-1 is empty/],
    ['a field the protocol lacks', withRule([{ match: { op: '==', left: { payload: { protocol: 'tcp', field: 'saddr' } }, right: 1 } }]), /match\.left: tcp has no field "saddr"/],
    ['an interface name longer than 15', withRule([b.matchEq(b.meta('iifname'), 'a-very-long-interface')]), /expected an interface name/],
    ['a base chain without a hook', { nftables: [b.table(), { chain: { family: 'inet', table: 'foldnet', name: 'fn-b', type: 'filter', prio: 0 } }] }, /a base chain needs type, hook and prio together/],
    ['a policy on a regular chain', { nftables: [b.table(), { chain: { family: 'inet', table: 'foldnet', name: 'fn-b', policy: 'drop' } }] }, /only base chains have a policy/],
    ['a nat chain at conntrack priority', { nftables: [b.table(), b.baseChain('fn-n', { type: 'nat', hook: 'prerouting', prio: -200, policy: 'accept' })] }, /^nftables\[1\]\.chain\.prio: a nat chain needs a priority above -200/],
    ['a nat chain on forward', { nftables: [b.table(), b.baseChain('fn-n', { type: 'nat', hook: 'forward', prio: 0, policy: 'accept' })] }, /nat chains cannot hook forward/],
    ['numgen with modulus 0', withRule([b.vmap(b.numgen(0), [[0, b.accept]])]), /^nftables\[2\]\.rule\.expr\[0\]\.vmap\.key\.numgen\.mod: expected a modulus of at least 1/],
    ['a numgen key it never yields', withRule([b.vmap(b.numgen(2, 10), [[10, b.accept], [12, b.drop]])]), /^nftables\[2\]\.rule\.expr\[0\]\.vmap\.data\.set\[1\]\[0\]: numgen random mod 2 offset 10 yields 10-11; this key can never match$/],
    ['a numgen key that is not a number', withRule([b.vmap(b.numgen(2), [['a', b.accept]])]), /vmap\.data\.set\[0\]: unknown integer value "a"/],
    ['numgen through a named map', withRule([b.vmap(b.numgen(2), '@fn-m')]), /vmap\.data: a numgen vmap takes an anonymous map/],
    ['numgen inc (only random is in the subset)', withRule([{ vmap: { key: { numgen: { mode: 'inc', mod: 2 } }, data: { set: [[0, b.accept]] } } }]), /vmap\.key\.numgen\.mode: /],
    ['numgen as a match key', withRule([{ match: { op: '==', left: { numgen: { mode: 'random', mod: 2 } }, right: 1 } }]), /match\.left: unsupported match key "numgen"/],
    ['a dnat address of the other family', withRule([b.dnat('ip', 'fd00::5')]), /^nftables\[2\]\.rule\.expr\[0\]\.dnat\.addr: expected an IPv4 address, got "fd00::5" \(dnat ip\)$/],
    ['a dnat port without a transport match', withRule([b.dnat('ip6', 'fd00::5', 8080)]), /^nftables\[2\]\.rule\.expr\[0\]\.dnat\.port: a port mapping needs an earlier tcp, udp or sctp match/],
    ['a dnat port after th dport only', withRule([b.matchEq(b.payload('th', 'dport'), 80), b.dnat('ip', '10.0.0.1', 8080)]), /expr\[1\]\.dnat\.port: a port mapping needs/],
    ['a dnat port after a match of protocols without ports', withRule([b.matchEq(b.meta('l4proto'), b.anonSet([6, 1])), b.dnat('ip', '10.0.0.1', 8080)]), /expr\[1\]\.dnat\.port: a port mapping needs/],
    ['a dnat port after a negated l4proto', withRule([b.matchNe(b.meta('l4proto'), 6), b.dnat('ip', '10.0.0.1', 8080)]), /expr\[1\]\.dnat\.port: a port mapping needs/],
    ['a dnat to port 0', withRule([b.matchEq(b.meta('l4proto'), 6), b.dnat('ip', '10.0.0.1', 0)]), /dnat\.port: expected a port 1-65535, got 0/],
    ['a statement after a dnat', withRule([b.dnat('ip', '10.0.0.1'), b.accept]), /expr\[0\]: nothing may follow a verdict, vmap or dnat/],
    ['a dnat ip in a rule that matches ip6', withRule([b.matchEq(b.payload('ip6', 'daddr'), 'fd00::1'), b.dnat('ip', '10.0.0.1')]), /expr\[1\]\.dnat\.family: conflicting network protocols ip6 and ip/],
    ['a dnat without a family', withRule([{ dnat: { addr: '10.0.0.1' } }]), /expr\[0\]\.dnat\.family: missing key/],
  ];
  for (const [what, doc, pattern] of refusals)
    test(`refuses ${what}`, () => {
      const errors = errorsOf(doc);
      assert.ok(errors.some((e) => pattern.test(e)), errors.join('\n'));
    });
});
