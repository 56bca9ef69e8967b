// The interpreter on what anycast services and host endpoints need: several
// base chains per hook (negative priorities too), nat chains run by the nat
// core at its own priority for new connections only, numgen chosen by the
// caller, and dnat rewriting the destination for the chains after it. The
// kernel agreeing on a real connection is kernel-dnat.test.ts's job.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { decodeNftDocument, NftCommand, NftHook } from '../../../compiler/nft/schema';
import { NftInterpreter, Packet, RunOptions, Verdict, prepareInterpreter } from '../../../compiler/nft/interpret';
import * as b from '../../../compiler/nft/build';

const { payload: p, meta, matchEq: eq, accept, drop, goTo, jump } = b;

const prepare = (cmds: NftCommand[]): NftInterpreter => {
  const doc = decodeNftDocument(b.document(cmds));
  if (E.isLeft(doc)) assert.fail(doc.left.join('\n'));
  const i = prepareInterpreter(doc.right);
  if (E.isLeft(i)) assert.fail(i.left);
  return i.right;
};
const runOn = (i: NftInterpreter, packet: Partial<Packet>, hook: NftHook, options?: RunOptions): Verdict => {
  const r = i.run({ ...toService, ...packet }, hook, options);
  if (E.isLeft(r)) assert.fail(r.left);
  return r.right;
};

const toService: Packet = { family: 4, iifname: 'eth0', saddr: '10.20.0.2', daddr: '10.96.0.10', l4proto: 6, sport: 40000, dport: 80, ctState: 'new' };
const nat = (name: string, hook: NftHook, prio: number) => b.baseChain(name, { type: 'nat', hook, prio, policy: 'accept' });
const filter = (name: string, hook: NftHook, prio: number, policy: 'accept' | 'drop' = 'accept') => b.baseChain(name, { type: 'filter', hook, prio, policy });
const tcp = eq(meta('l4proto'), 6);

/** A service 10.96.0.10:80 spread over three backends; c has no port mapping and is reached by jump. */
const service: NftCommand[] = [
  b.table(), b.chain('be-a'), b.chain('be-b'), b.chain('be-c'),
  nat('svc-pre', 'prerouting', -100),
  b.rule('be-a', [tcp, b.dnat('ip', '10.10.0.5', 8080)], 'backend a'),
  b.rule('be-b', [tcp, b.dnat('ip', '10.10.0.6', 8081)], 'backend b'),
  b.rule('be-c', [b.dnat('ip', '10.10.0.7')], 'backend c'),
  b.rule('svc-pre', [eq(p('ip', 'daddr'), '10.96.0.10'), eq(p('tcp', 'dport'), 80), b.vmap(b.numgen(3), [[0, goTo('be-a')], [1, goTo('be-b')], [2, jump('be-c')]])]),
  b.rule('svc-pre', [b.log('not translated ')]),
];

describe('interpret: nat, numgen and dnat', () => {
  test('numgen is the caller\'s choice (0 by default); every choice is reachable through numgenMods', () => {
    const i = prepare(service);
    const first = runOn(i, {}, 'prerouting');
    assert.deepEqual(first, { verdict: 'accept', decidedBy: { chain: 'be-a', ruleIndex: 0, comment: 'backend a' }, logs: [], path: ['svc-pre', 'be-a'], numgenMods: [3], translated: { daddr: '10.10.0.5', dport: 8080 } });
    const all = Array.from({ length: first.numgenMods![0]! }, (_, n) => runOn(i, {}, 'prerouting', { numgen: () => n }).translated);
    assert.deepEqual(all, [{ daddr: '10.10.0.5', dport: 8080 }, { daddr: '10.10.0.6', dport: 8081 }, { daddr: '10.10.0.7' }]);
  });

  test('a dnat in a jumped-to chain ends the base chain: the rules after the jump do not run', () => {
    const v = runOn(prepare(service), {}, 'prerouting', { numgen: () => 2 });
    assert.deepEqual([v.decidedBy, v.logs, v.path], [{ chain: 'be-c', ruleIndex: 0, comment: 'backend c' }, [], ['svc-pre', 'be-c']]);
  });

  test('numgen\'s offset is added to the draw; a range key covers several draws', () => {
    const i = prepare([b.table(), filter('fn-pre', 'prerouting', 0),
      b.rule('fn-pre', [b.vmap(b.numgen(4, 10), [[b.range(10, 12), accept], [13, drop]])])]);
    assert.deepEqual([0, 1, 2, 3].map((n) => runOn(i, {}, 'prerouting', { numgen: () => n }).verdict), ['accept', 'accept', 'accept', 'drop']);
  });

  test('a numgen choice outside 0..mod-1 is refused, not wrapped', () => {
    const r = prepare(service).run(toService, 'prerouting', { numgen: () => 3 });
    assert.ok(E.isLeft(r) && /numgen choice 3 for mod 3 is not an integer 0-2/.test(r.left), E.isLeft(r) ? r.left : 'accepted');
  });

  test('packets to other destinations consult no numgen and are not translated', () => {
    const v = runOn(prepare(service), { daddr: '10.96.0.11' }, 'prerouting');
    assert.deepEqual(v, { verdict: 'accept', decidedBy: { chain: 'svc-pre', policy: true }, logs: ['not translated '], path: ['svc-pre'] });
  });

  test('nat chains see only new connections: an established packet keeps its destination', () => {
    const v = runOn(prepare(service), { ctState: 'established' }, 'prerouting');
    assert.deepEqual(v, { verdict: 'accept', decidedBy: { hook: 'prerouting', noBaseChain: true }, logs: [], path: [] });
  });

  test('the nat core runs at -100 whatever the nat chain\'s priority; chains after it see the new destination', () => {
    const seen = (chain: string) => [b.rule(chain, [eq(p('ip', 'daddr'), '10.96.0.10'), b.log(`${chain} sees service `)]),
      b.rule(chain, [eq(p('ip', 'daddr'), '10.10.0.5'), eq(p('tcp', 'dport'), 8080), b.log(`${chain} sees backend `)])];
    const cmds = [b.table(), b.chain('be-a'), nat('svc-pre', 'prerouting', -10),
      filter('early', 'prerouting', -150), filter('mid', 'prerouting', -50), filter('late', 'prerouting', 50),
      b.rule('be-a', [tcp, b.dnat('ip', '10.10.0.5', 8080)]), b.rule('svc-pre', [eq(p('ip', 'daddr'), '10.96.0.10'), goTo('be-a')]),
      ...seen('early'), ...seen('mid'), ...seen('late')];
    const v = runOn(prepare(cmds), {}, 'prerouting');
    assert.deepEqual(v.path, ['early', 'svc-pre', 'be-a', 'mid', 'late']);
    assert.deepEqual(v.logs, ['early sees service ', 'mid sees backend ', 'late sees backend ']);
    assert.deepEqual(v.decidedBy, { chain: 'late', policy: true });
  });

  test('after a dnat the later nat chains of the hook do not run; before one, they do', () => {
    const cmds = [b.table(), nat('nat-1', 'output', -100), nat('nat-2', 'output', 50),
      b.rule('nat-1', [eq(p('tcp', 'dport'), 80), b.dnat('ip', '10.10.0.5', 8080)]), b.rule('nat-2', [b.log('nat-2 ran ')])];
    const i = prepare(cmds);
    assert.deepEqual(runOn(i, {}, 'output').path, ['nat-1']);
    assert.deepEqual(runOn(i, { dport: 443 }, 'output').logs, ['nat-2 ran ']);
  });

  test('a dnat of the other family does nothing and the chain goes on', () => {
    const cmds = [b.table(), nat('nat-1', 'prerouting', -100), b.rule('nat-1', [b.dnat('ip6', 'fd00::5')]), b.rule('nat-1', [b.dnat('ip', '10.10.0.5')], 'v4')];
    const i = prepare(cmds);
    assert.deepEqual(runOn(i, {}, 'prerouting').translated, { daddr: '10.10.0.5' });
    const v6 = runOn(i, { family: 6, saddr: 'fd00::2', daddr: 'fd00::10' }, 'prerouting');
    assert.deepEqual(v6.translated, { daddr: 'fd00::5' });
    assert.deepEqual(v6.decidedBy, { chain: 'nat-1', ruleIndex: 0 });
    assert.deepEqual(runOn(i, {}, 'prerouting').decidedBy, { chain: 'nat-1', ruleIndex: 1, comment: 'v4' });
  });

  test('a drop in a nat chain is final; the dropping chain decides', () => {
    const cmds = [b.table(), nat('nat-1', 'prerouting', -100), filter('late', 'prerouting', 0),
      b.rule('nat-1', [eq(p('tcp', 'dport'), 80), drop], 'no service'), b.rule('late', [accept])];
    assert.deepEqual(runOn(prepare(cmds), {}, 'prerouting'), { verdict: 'drop', decidedBy: { chain: 'nat-1', ruleIndex: 0, comment: 'no service' }, logs: [], path: ['nat-1'] });
  });

  test('host endpoints: two input chains run in priority order and the later one may drop', () => {
    const cmds = [b.table(), filter('fn-in', 'input', 0), filter('host-in', 'input', 10, 'drop'), filter('fn-out', 'output', 0),
      b.rule('fn-in', [accept], 'first'),
      b.rule('host-in', [eq(meta('iifname'), b.anonSet(['cali1', 'cali2'])), drop], 'from workloads'),
      b.rule('host-in', [eq(meta('iifname'), 'lo'), accept], 'loopback'),
      b.rule('fn-out', [b.matchNe(meta('oifname'), b.anonSet(['cali1', 'cali2'])), accept], 'not to workloads')];
    const i = prepare(cmds);
    assert.deepEqual(runOn(i, { iifname: 'cali2' }, 'input'), { verdict: 'drop', decidedBy: { chain: 'host-in', ruleIndex: 0, comment: 'from workloads' }, logs: [], path: ['fn-in', 'host-in'] });
    assert.deepEqual(runOn(i, { iifname: 'lo' }, 'input').decidedBy, { chain: 'host-in', ruleIndex: 1, comment: 'loopback' });
    assert.deepEqual(runOn(i, { iifname: 'eth0' }, 'input').decidedBy, { chain: 'host-in', policy: true });
    assert.equal(runOn(i, { iifname: 'eth0' }, 'input').verdict, 'drop');
    assert.deepEqual(runOn(i, { oifname: 'eth0' }, 'output').decidedBy, { chain: 'fn-out', ruleIndex: 0, comment: 'not to workloads' });
    assert.deepEqual(runOn(i, { oifname: 'cali1' }, 'output').decidedBy, { chain: 'fn-out', policy: true });
  });
});
