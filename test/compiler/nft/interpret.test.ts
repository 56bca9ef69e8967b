// The interpreter against hand-worked kernel semantics: chain traversal
// (jump, goto, return, end of chain, policy), verdict maps, interval sets,
// conntrack state, log, several base chains on one hook, implicit protocol
// dependencies, and refusal of what the subset cannot decide.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { decodeNftDocument, NftCommand, NftHook } from '../../../compiler/nft/schema';
import { Packet, Verdict, prepareInterpreter, interpret } from '../../../compiler/nft/interpret';
import * as b from '../../../compiler/nft/build';
import { sampleDocument } from './sample-document';

const { payload: p, meta, matchEq: eq, accept, drop, jump, goTo, ret } = b;

const prepare = (cmds: NftCommand[]) => {
  const doc = decodeNftDocument(b.document(cmds));
  if (E.isLeft(doc)) assert.fail(doc.left.join('\n'));
  const i = prepareInterpreter(doc.right);
  if (E.isLeft(i)) assert.fail(i.left);
  return i.right;
};
const runOk = (cmds: NftCommand[], packet: Partial<Packet>, hook: NftHook = 'forward'): Verdict => {
  const r = prepare(cmds).run({ ...tcp4, ...packet }, hook);
  if (E.isLeft(r)) assert.fail(r.left);
  return r.right;
};
const tcp4: Packet = { family: 4, iifname: 'cali1', oifname: 'eth0', saddr: '10.65.0.2', daddr: '10.65.1.3', l4proto: 6, sport: 40000, dport: 80, ctState: 'new' };
const forward = (policy: 'accept' | 'drop') => b.baseChain('fn-fwd', { type: 'filter', hook: 'forward', prio: 0, policy });
const head = (policy: 'accept' | 'drop' = 'drop') => [b.table(), forward(policy), b.chain('fn-a'), b.chain('fn-b')];

describe('interpret', () => {
  test('nothing matches: the base chain policy decides', () => {
    const v = runOk([...head('drop'), b.rule('fn-fwd', [eq(p('tcp', 'dport'), 22), accept])], {});
    assert.deepEqual(v, { verdict: 'drop', decidedBy: { chain: 'fn-fwd', policy: true }, logs: [], path: ['fn-fwd'] });
  });

  test('the end of a jumped-to chain and return both resume after the jump', () => {
    const v = runOk([...head(), b.rule('fn-a', [eq(p('tcp', 'dport'), 22), accept]), b.rule('fn-a', [ret]), b.rule('fn-a', [accept]),
      b.rule('fn-b', [eq(p('tcp', 'dport'), 443), accept]),
      b.rule('fn-fwd', [jump('fn-a')]), b.rule('fn-fwd', [jump('fn-b')]), b.rule('fn-fwd', [eq(p('tcp', 'dport'), 80), accept], 'web')], {});
    assert.deepEqual(v, { verdict: 'accept', decidedBy: { chain: 'fn-fwd', ruleIndex: 2, comment: 'web' }, logs: [], path: ['fn-fwd', 'fn-a', 'fn-b'] });
  });

  test('goto does not come back: the end of the goto target returns to whoever jumped before', () => {
    const v = runOk([...head(), b.chain('fn-c'), b.rule('fn-c', [goTo('fn-a')]), b.rule('fn-c', [accept]), b.rule('fn-a', [b.log('in a')]),
      b.rule('fn-fwd', [jump('fn-c')]), b.rule('fn-fwd', [drop], 'after')], {});
    assert.deepEqual(v.decidedBy, { chain: 'fn-fwd', ruleIndex: 1, comment: 'after' });
    assert.deepEqual(v.path, ['fn-fwd', 'fn-c', 'fn-a']);
  });

  test('goto from the base chain: the end of the target applies the base policy', () => {
    const v = runOk([...head('accept'), b.rule('fn-fwd', [goTo('fn-a')]), b.rule('fn-fwd', [drop])], {});
    assert.deepEqual(v.decidedBy, { chain: 'fn-fwd', policy: true });
    assert.equal(v.verdict, 'accept');
  });

  test('return in a base chain applies its policy', () =>
    assert.deepEqual(runOk([...head('drop'), b.rule('fn-fwd', [ret]), b.rule('fn-fwd', [accept])], {}).decidedBy, { chain: 'fn-fwd', policy: true }));

  test('a verdict map dispatches by interface; a miss goes on to the next rule', () => {
    const cmds = [...head('drop'), b.verdictMap('fn-m', 'ifname', [['cali1', jump('fn-a')], ['cali2', drop]]),
      b.rule('fn-a', [accept], 'from cali1'), b.rule('fn-fwd', [b.vmap(meta('iifname'), '@fn-m')]), b.rule('fn-fwd', [accept], 'others')];
    const i = prepare(cmds);
    const by = (iifname: string) => E.getOrElseW(() => undefined)(i.run({ ...tcp4, iifname }, 'forward'))?.decidedBy;
    assert.deepEqual(by('cali1'), { chain: 'fn-a', ruleIndex: 0, comment: 'from cali1' });
    assert.deepEqual(by('cali2'), { chain: 'fn-fwd', ruleIndex: 0 });
    assert.deepEqual(by('cali3'), { chain: 'fn-fwd', ruleIndex: 1, comment: 'others' });
  });

  test('interval sets match prefixes, ranges, ports and interface wildcards', () => {
    const cmds = [...head('drop'),
      b.set('fn-v4', 'ipv4_addr', [b.prefix('10.65.0.0', 24), b.range('192.168.0.10', '192.168.0.20')], { interval: true }),
      b.set('fn-v6', 'ipv6_addr', [b.prefix('fd00:1::', 64)], { interval: true }),
      b.set('fn-ports', 'inet_service', [22, b.range(8000, 8080)], { interval: true }),
      b.set('fn-ifs', 'ifname', ['cali*', 'eth9'], { interval: true }),
      b.rule('fn-fwd', [eq(p('ip', 'saddr'), '@fn-v4'), eq(p('tcp', 'dport'), '@fn-ports'), eq(meta('iifname'), '@fn-ifs'), accept], 'v4'),
      b.rule('fn-fwd', [eq(p('ip6', 'saddr'), '@fn-v6'), accept], 'v6')];
    const i = prepare(cmds);
    const verdict = (pk: Partial<Packet>) => E.getOrElseW((e: string) => e)(E.map((v: Verdict) => v.verdict)(i.run({ ...tcp4, ...pk }, 'forward')));
    assert.equal(verdict({}), 'drop');
    assert.equal(verdict({ dport: 8080 }), 'accept');
    assert.equal(verdict({ dport: 8081 }), 'drop');
    assert.equal(verdict({ dport: 22, saddr: '192.168.0.20' }), 'accept');
    assert.equal(verdict({ dport: 22, saddr: '192.168.0.21' }), 'drop');
    assert.equal(verdict({ dport: 22, iifname: 'eth9' }), 'accept');
    assert.equal(verdict({ dport: 22, iifname: 'eth90' }), 'drop');
    assert.equal(verdict({ dport: 22, iifname: 'calixyz' }), 'accept');
    assert.equal(verdict({ family: 6, saddr: 'fd00:1::42', daddr: 'fd00:2::1' }), 'accept');
    assert.equal(verdict({ family: 6, saddr: 'fd00:1:0:1::42', daddr: 'fd00:2::1' }), 'drop');
  });

  test('ct state: a flag list, an equality, and a negated set', () => {
    const cmds = [...head('drop'), b.rule('fn-fwd', [b.ctStateIn('established', 'related'), accept], 'replies'),
      b.rule('fn-fwd', [eq(b.ctState(), 'invalid'), drop], 'invalid'),
      b.rule('fn-fwd', [b.matchNe(b.ctState(), b.anonSet(['new'])), accept], 'not new')];
    const i = prepare(cmds);
    const by = (ctState: Packet['ctState']) => E.getOrElseW(() => undefined)(i.run({ ...tcp4, ctState }, 'forward'))?.decidedBy;
    assert.deepEqual(by('established'), { chain: 'fn-fwd', ruleIndex: 0, comment: 'replies' });
    assert.deepEqual(by('related'), { chain: 'fn-fwd', ruleIndex: 0, comment: 'replies' });
    assert.deepEqual(by('invalid'), { chain: 'fn-fwd', ruleIndex: 1, comment: 'invalid' });
    assert.deepEqual(by('new'), { chain: 'fn-fwd', policy: true });
  });

  test('log goes on, in order, and only when the matches before it hold', () => {
    const v = runOk([...head('accept'), b.rule('fn-fwd', [b.log('one '), eq(p('tcp', 'dport'), 22), b.log('never ')]),
      b.rule('fn-fwd', [b.log(), b.counter(), b.log('two '), b.cont]), b.rule('fn-fwd', [b.log('three ')])], {});
    assert.deepEqual(v.logs, ['one ', '', 'two ', 'three ']);
    assert.deepEqual(v.decidedBy, { chain: 'fn-fwd', policy: true });
  });

  test('accept ends one base chain; a later base chain on the same hook still runs and may drop', () => {
    const two = [b.table(), b.baseChain('fn-early', { type: 'filter', hook: 'forward', prio: -10, policy: 'accept' }),
      b.baseChain('fn-late', { type: 'filter', hook: 'forward', prio: 10, policy: 'accept' }),
      b.rule('fn-early', [accept], 'early'), b.rule('fn-late', [eq(p('tcp', 'dport'), 80), drop], 'late')];
    assert.deepEqual(runOk(two, {}), { verdict: 'drop', decidedBy: { chain: 'fn-late', ruleIndex: 0, comment: 'late' }, logs: [], path: ['fn-early', 'fn-late'] });
    assert.deepEqual(runOk(two, { dport: 81 }).decidedBy, { chain: 'fn-late', policy: true });
  });

  test('drop in an early base chain is final', () => {
    const two = [b.table(), b.baseChain('fn-early', { type: 'filter', hook: 'input', prio: -10, policy: 'drop' }),
      b.baseChain('fn-late', { type: 'filter', hook: 'input', prio: 10, policy: 'accept' }), b.rule('fn-late', [b.log('late ')])];
    assert.deepEqual(runOk(two, {}, 'input'), { verdict: 'drop', decidedBy: { chain: 'fn-early', policy: true }, logs: [], path: ['fn-early'] });
  });

  test('a hook without base chains accepts, and other hooks are not run', () =>
    assert.deepEqual(runOk([...head('drop')], {}, 'output'), { verdict: 'accept', decidedBy: { hook: 'output', noBaseChain: true }, logs: [], path: [] }));

  test('nat chains see only new connections', () => {
    const nat = [b.table(), b.baseChain('fn-nat', { type: 'nat', hook: 'postrouting', prio: 100, policy: 'accept' }), b.rule('fn-nat', [drop])];
    assert.equal(runOk(nat, {}, 'postrouting').verdict, 'drop');
    assert.equal(runOk(nat, { ctState: 'established' }, 'postrouting').verdict, 'accept');
  });

  test('a match on a header the packet lacks does not match (tcp vs udp, ip vs ip6, icmp vs icmpv6)', () => {
    const cmds = [...head('accept'), b.rule('fn-fwd', [eq(p('tcp', 'dport'), 53), drop], 'tcp'), b.rule('fn-fwd', [eq(p('ip', 'daddr'), b.prefix('0.0.0.0', 0)), b.matchNe(meta('l4proto'), 17), drop], 'v4 not udp'),
      b.rule('fn-fwd', [eq(p('icmp', 'type'), 8), drop], 'icmp'), b.rule('fn-fwd', [b.matchNe(p('ip', 'saddr'), '10.0.0.1'), drop], 'v4 only'),
      b.rule('fn-fwd', [b.matchNe(p('ip6', 'version'), 4), b.matchNe(p('udp', 'sport'), 1), drop], 'v6 udp')];
    assert.deepEqual(runOk(cmds, { l4proto: 17, dport: 53 }).decidedBy, { chain: 'fn-fwd', ruleIndex: 3, comment: 'v4 only' });
    assert.deepEqual(runOk(cmds, { family: 6, saddr: 'fd00::1', daddr: 'fd00::2' }).decidedBy, { chain: 'fn-fwd', policy: true });
    assert.deepEqual(runOk(cmds, { family: 6, saddr: 'fd00::1', daddr: 'fd00::2', l4proto: 17 }).decidedBy, { chain: 'fn-fwd', ruleIndex: 4, comment: 'v6 udp' });
    assert.deepEqual(runOk(cmds, { family: 6, saddr: 'fd00::1', daddr: 'fd00::2', l4proto: 58, sport: undefined, dport: undefined, icmpType: 8, icmpCode: 0 }).decidedBy, { chain: 'fn-fwd', policy: true });
    assert.deepEqual(runOk(cmds, { l4proto: 1, sport: undefined, dport: undefined, icmpType: 8, icmpCode: 0 }).decidedBy, { chain: 'fn-fwd', ruleIndex: 1, comment: 'v4 not udp' });
  });

  test('a decision carried back as a mark: the policy accepts and markedBy names the rule that set it', () => {
    const ALLOW = 0x10000;
    const PASS = 0x20000;
    const cmds = [...head('accept'), b.chain('fn-pol'), b.chain('fn-prof'),
      b.rule('fn-fwd', [jump('fn-a')]),
      b.rule('fn-a', [b.clearMarks(ALLOW | PASS)], 'start'),
      b.rule('fn-a', [b.matchMarkLacks(ALLOW | PASS), jump('fn-pol')], 'tier 1'),
      b.rule('fn-a', [b.matchMarkHas(ALLOW), ret], 'tier 1 allowed'),
      b.rule('fn-a', [b.matchMarkLacks(PASS), drop], 'tier 1 end'),
      b.rule('fn-a', [b.clearMarks(ALLOW | PASS)], 'tier 1 passed'),
      b.rule('fn-a', [jump('fn-prof')]),
      b.rule('fn-a', [b.matchMarkHas(ALLOW), ret], 'profile allowed'),
      b.rule('fn-a', [drop], 'no profile allowed'),
      b.rule('fn-pol', [eq(p('tcp', 'dport'), 80), b.setMarkBits(ALLOW), ret], 'pol rule 0'),
      b.rule('fn-pol', [eq(p('tcp', 'dport'), 81), b.setMarkBits(PASS), ret], 'pol rule 1'),
      b.rule('fn-prof', [eq(p('tcp', 'dport'), 81), b.setMarkBits(ALLOW), ret], 'profile rule 0')];
    const i = prepare(cmds);
    const run = (dport: number, mark?: number) => E.getOrElseW((e: string) => assert.fail(e))(i.run({ ...tcp4, dport, ...(mark !== undefined ? { mark } : {}) }, 'forward'));
    assert.deepEqual(run(80), { verdict: 'accept', decidedBy: { chain: 'fn-fwd', policy: true }, logs: [], path: ['fn-fwd', 'fn-a', 'fn-pol'], markedBy: 'pol rule 0' });
    assert.deepEqual(run(81).markedBy, 'profile rule 0');
    assert.deepEqual(run(82), { verdict: 'drop', decidedBy: { chain: 'fn-a', ruleIndex: 3, comment: 'tier 1 end' }, logs: [], path: ['fn-fwd', 'fn-a', 'fn-pol'] });
    assert.equal(run(80, ALLOW | 0x5).markedBy, 'pol rule 0', 'other bits survive the clears and do not hide the deciding rule');
  });

  test('the arrival mark is readable, and a mark set in one base chain is seen by the next', () => {
    const two = [b.table(), b.baseChain('fn-early', { type: 'filter', hook: 'input', prio: -10, policy: 'accept' }),
      b.baseChain('fn-late', { type: 'filter', hook: 'input', prio: 10, policy: 'accept' }),
      b.rule('fn-early', [eq(meta('mark'), 7), drop], 'seven'),
      b.rule('fn-early', [b.setMarkBits(0x100)], 'tag'),
      b.rule('fn-late', [b.matchMarkHas(0x100), b.log('tagged ')])];
    assert.deepEqual(runOk(two, { mark: 7 }, 'input').decidedBy, { chain: 'fn-early', ruleIndex: 0, comment: 'seven' });
    const v = runOk(two, {}, 'input');
    assert.deepEqual([v.logs, v.markedBy], [['tagged '], 'tag']);
  });

  test('a missing interface name reads as the empty name, as in the kernel', () => {
    const cmds = [...head('accept'), b.rule('fn-fwd', [b.matchNe(meta('iifname'), 'lo'), eq(meta('oifname'), '@fn-none'), drop])];
    const withSet = [...cmds.slice(0, 4), b.set('fn-none', 'ifname', ['eth0']), ...cmds.slice(4)];
    assert.equal(runOk(withSet, { iifname: undefined }, 'output').verdict, 'accept');
    assert.equal(runOk(withSet, { iifname: undefined }).verdict, 'drop');
  });

  test('th ports on a packet without ports is refused, not guessed', () => {
    const r = prepare([...head(), b.rule('fn-fwd', [eq(p('th', 'dport'), 53), accept])]).run({ ...tcp4, l4proto: 1, sport: undefined, dport: undefined, icmpType: 8, icmpCode: 0 }, 'forward');
    assert.ok(E.isLeft(r) && /th dport on a packet without ports/.test(r.left));
  });

  test('a malformed packet is refused', () => {
    assert.ok(E.isLeft(interpret(b.document([...head()]), { ...tcp4, saddr: 'fd00::1' }, 'forward')));
    assert.ok(E.isLeft(interpret(b.document([...head()]), { ...tcp4, daddr: 'not an address' }, 'forward')));
  });

  test('a document the fold refuses cannot be interpreted', () =>
    assert.ok(E.isLeft(interpret(b.document([b.table(), b.rule('fn-a', [accept])]), tcp4, 'forward'))));

  test('the sample document: a workload on cali1 talking to a web port is accepted by policy a', () => {
    const doc = decodeNftDocument(sampleDocument());
    if (E.isLeft(doc)) assert.fail(doc.left.join('\n'));
    const v = interpret(doc.right, { ...tcp4, saddr: '10.65.0.9', daddr: '10.65.1.3', dport: 443 }, 'forward');
    assert.deepEqual(E.map((x: Verdict) => [x.verdict, x.decidedBy, x.path])(v), E.right(['accept', { chain: 'fn-pol-a', ruleIndex: 0, comment: 'policy a rule 0' }, ['fn-forward', 'fn-from-wl', 'fn-pol-a']]));
  });
});
