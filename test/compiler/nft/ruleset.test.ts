// Folding documents (transactions) into the state they leave: references
// resolve in order, elements come and go as the kernel's do, and what the
// kernel refuses is refused with a path.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { decodeNftDocument, NftCommand } from '../../../compiler/nft/schema';
import { foldNftDocument, NftRuleset } from '../../../compiler/nft/ruleset';
import { rulesetToDocument } from '../../../compiler/nft/normalise';
import * as b from '../../../compiler/nft/build';

const decode = (cmds: NftCommand[]) => {
  const r = decodeNftDocument(b.document(cmds));
  if (E.isLeft(r)) assert.fail(r.left.join('\n'));
  return r.right;
};
const fold = (cmds: NftCommand[], start?: NftRuleset) => foldNftDocument(decode(cmds), start);
const ok = (cmds: NftCommand[], start?: NftRuleset): NftRuleset => {
  const r = fold(cmds, start);
  if (E.isLeft(r)) assert.fail(r.left.join('\n'));
  return r.right;
};
const refused = (cmds: NftCommand[], pattern: RegExp, start?: NftRuleset): void => {
  const r = fold(cmds, start);
  assert.ok(E.isLeft(r), 'expected the fold to refuse');
  assert.ok(r.left.some((e) => pattern.test(e)), r.left.join('\n'));
};
const base = [b.table(), b.chain('fn-a'), b.chain('fn-b')];
const elemsOf = (rs: NftRuleset, set: string) => {
  const found = rulesetToDocument(rs).nftables.find((c) => 'set' in c && c.set.name === set);
  return found && 'set' in found ? found.set.elem ?? [] : undefined;
};

describe('foldNftDocument', () => {
  test('a rule before its chain is refused with its path', () =>
    refused([b.table(), b.rule('fn-a', [b.accept]), b.chain('fn-a')], /^nftables\[1\]\.rule\.chain: chain fn-a does not exist \(yet\)$/));

  test('an object of another table is refused', () =>
    refused([b.table(), { chain: { family: 'inet', table: 'other', name: 'fn-x' } }], /table other does not exist/));

  test('jumping to a base chain is refused', () =>
    refused([b.table(), b.baseChain('fn-in', { type: 'filter', hook: 'input', prio: 0, policy: 'accept' }), b.chain('fn-a'), b.rule('fn-a', [b.jump('fn-in')])], /fn-in is a base chain/));

  test('a vmap through a map of another key type is refused', () =>
    refused([...base, b.verdictMap('fn-m', 'ipv4_addr', []), b.rule('fn-a', [b.vmap(b.meta('iifname'), '@fn-m')])], /map fn-m is keyed by ipv4_addr, the key is ifname/));

  test('a loop no base chain reaches is accepted, as the kernel does', () => {
    ok([...base, b.rule('fn-a', [b.jump('fn-b')]), b.rule('fn-b', [b.jump('fn-a')])]);
  });

  test('a loop through a named map reachable from a base chain is refused', () =>
    refused(
      [...base, b.baseChain('fn-in', { type: 'filter', hook: 'input', prio: 0, policy: 'accept' }), b.verdictMap('fn-m', 'ifname', [['lo', b.jump('fn-a')]]),
        b.rule('fn-in', [b.jump('fn-a')]), b.rule('fn-a', [b.jump('fn-b')]), b.rule('fn-b', [b.vmap(b.meta('iifname'), '@fn-m')])],
      /^jump loop: fn-a -> fn-b -> fn-a/,
    ));

  const natPre = b.baseChain('fn-nat', { type: 'nat', hook: 'prerouting', prio: -100, policy: 'accept' });
  const filterIn = b.baseChain('fn-in', { type: 'filter', hook: 'input', prio: 0, policy: 'accept' });
  const toA = (extra: NftCommand[] = []) => [...base, b.rule('fn-a', [b.matchEq(b.meta('l4proto'), 6), b.dnat('ip', '10.0.0.5', 8080)]), ...extra];

  test('a dnat under nat base chains on prerouting and output, reached through a numgen vmap, folds', () => {
    ok(toA([natPre, b.baseChain('fn-nat-out', { type: 'nat', hook: 'output', prio: -100, policy: 'accept' }),
      b.rule('fn-nat', [b.vmap(b.numgen(2), [[0, b.goTo('fn-a')], [1, b.jump('fn-b')]])]), b.rule('fn-nat-out', [b.jump('fn-a')]), b.rule('fn-b', [b.dnat('ip6', 'fd00::5')])]));
  });

  test('a dnat in a chain no base chain reaches is accepted, as the kernel does', () => void ok(toA([filterIn])));

  test('a dnat reached from a filter base chain is refused, naming the rule and the route', () =>
    refused(toA([filterIn, b.rule('fn-in', [b.jump('fn-b')]), b.rule('fn-b', [b.vmap(b.meta('iifname'), [['lo', b.goTo('fn-a')]])])]),
      /^nftables\[3\]\.rule\.expr\[1\]\.dnat: dnat needs a chain of type nat on hook prerouting or output, but filter chain fn-in \(hook input\) reaches it: fn-in -> fn-b -> fn-a \(nft: Operation not supported\)$/));

  test('a dnat in a nat chain on input, or directly in a filter base chain, is refused', () => {
    refused(toA([b.baseChain('fn-nat-in', { type: 'nat', hook: 'input', prio: 100, policy: 'accept' }), b.rule('fn-nat-in', [b.jump('fn-a')])]), /nat chain fn-nat-in \(hook input\) reaches it: fn-nat-in -> fn-a/);
    refused([b.table(), filterIn, b.rule('fn-in', [b.dnat('ip', '10.0.0.5')])], /^nftables\[2\]\.rule\.expr\[0\]\.dnat: .*filter chain fn-in \(hook input\) reaches it: fn-in \(/);
  });

  test('a jump added by a later transaction that makes a dnat reachable from a filter chain is refused', () =>
    refused([b.add(b.rule('fn-in', [b.jump('fn-a')]))], /^chain fn-a rule 0\.expr\[1\]\.dnat: .*fn-in -> fn-a/, ok(toA([filterIn]))));

  test('elements added later join the set; identical re-adds change nothing', () => {
    const rs = ok([...base, b.set('fn-s', 'ipv4_addr', ['10.0.0.1']), b.element('fn-s', ['10.0.0.2', '10.0.0.1']), b.add(b.element('fn-s', ['10.0.0.2']))]);
    assert.deepEqual(elemsOf(rs, 'fn-s'), ['10.0.0.1', '10.0.0.2']);
  });

  test('deleting elements removes exactly them; deleting a missing one is refused', () => {
    const rs = ok([...base, b.set('fn-s', 'ipv4_addr', [b.prefix('10.0.0.0', 24), '10.1.0.1'], { interval: true }), b.deleteElements('fn-s', [b.range('10.0.0.0', '10.0.0.255')])]);
    assert.deepEqual(elemsOf(rs, 'fn-s'), ['10.1.0.1']);
    refused([b.deleteElements('fn-s', [b.prefix('10.0.0.0', 25)])], /^nftables\[0\]\.delete\.element\.elem\[0\]: element does not exist$/, rs);
  });

  test('a map key cannot be re-added with another verdict', () =>
    refused([...base, b.verdictMap('fn-m', 'ifname', [['lo', b.accept]]), b.element('fn-m', [['lo', b.drop]])], /element exists with another verdict/));

  test('flush table empties every chain and keeps set elements', () => {
    const rs = ok([...base, b.set('fn-s', 'inet_service', [80]), b.rule('fn-a', [b.accept]), b.rule('fn-b', [b.drop]), { flush: { table: { family: 'inet', name: 'foldnet' } } }]);
    assert.deepEqual([...rs.chains.values()].map((c) => c.rules.length), [0, 0]);
    assert.deepEqual(elemsOf(rs, 'fn-s'), [80]);
  });

  test('a chain still jumped to cannot be deleted until the jump is flushed', () => {
    const cmds = [...base, b.rule('fn-a', [b.jump('fn-b')])];
    refused([...cmds, b.deleteChain('fn-b')], /chain fn-b is still referenced by chain fn-a/);
    assert.ok(!ok([...cmds, b.flushChain('fn-a'), b.deleteChain('fn-b')]).chains.has('fn-b'));
  });

  test('a set still looked up cannot be deleted', () =>
    refused([...base, b.set('fn-s', 'inet_service', []), b.rule('fn-a', [b.matchEq(b.payload('tcp', 'dport'), '@fn-s')]), b.deleteSet('fn-s')], /set fn-s is still referenced by chain fn-a/));

  test('a rule is deleted by the handle a listing gave it', () => {
    const listed = ok([...base, { rule: { family: 'inet', table: 'foldnet', chain: 'fn-a', handle: 7, expr: [{ accept: null }] } }, b.rule('fn-a', [b.drop])]);
    const after = ok([{ delete: { rule: { family: 'inet', table: 'foldnet', chain: 'fn-a', handle: 7 } } }], listed);
    assert.deepEqual(after.chains.get('fn-a')!.rules.map((r) => r.expr), [[{ drop: null }]]);
    refused([{ delete: { rule: { family: 'inet', table: 'foldnet', chain: 'fn-a', handle: 7 } } }], /no rule with handle 7/, after);
  });

  test('adding an existing base chain may change its policy but not its hook', () => {
    const hooked = [b.table(), b.baseChain('fn-in', { type: 'filter', hook: 'input', prio: 0, policy: 'accept' })];
    assert.equal(ok([...hooked, b.baseChain('fn-in', { type: 'filter', hook: 'input', prio: 0, policy: 'drop' })]).chains.get('fn-in')!.decl.policy, 'drop');
    refused([...hooked, b.baseChain('fn-in', { type: 'filter', hook: 'output', prio: 0, policy: 'drop' })], /exists with another type, hook or priority/);
  });

  test('folding onto a start state leaves the start state unchanged', () => {
    const start = ok([...base, b.set('fn-s', 'inet_service', [1])]);
    ok([b.element('fn-s', [2]), b.rule('fn-a', [b.accept])], start);
    assert.deepEqual(elemsOf(start, 'fn-s'), [1]);
    assert.equal(start.chains.get('fn-a')!.rules.length, 0);
  });
});
