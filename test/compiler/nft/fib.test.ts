// The reverse-path check (`fib saddr . iif oif missing`), foldnet's
// anti-spoofing: decoded only in the one form foldnet emits, rendered as nft
// text, refused where the kernel refuses it (hooks other than prerouting,
// input and forward), and answered by the interpreter from the routes its
// caller gives — an error without them, never a guess.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { decodeNftDocument, NftCommand, NftHook } from '../../../compiler/nft/schema';
import { foldNftDocument } from '../../../compiler/nft/ruleset';
import { Packet, prepareInterpreter, ReversePathQuery } from '../../../compiler/nft/interpret';
import { ruleText } from '../../../compiler/nft/render-text';
import * as b from '../../../compiler/nft/build';

const docOf = (cmds: NftCommand[]) => {
  const doc = decodeNftDocument(b.document(cmds));
  if (E.isLeft(doc)) assert.fail(doc.left.join('\n'));
  return doc.right;
};
const antiSpoof = (hook: NftHook): NftCommand[] => [
  b.table(),
  b.baseChain('fn-base', { type: 'filter', hook, prio: 0, policy: 'accept' }),
  b.chain('fn-steps'),
  b.rule('fn-base', [b.jump('fn-steps')]),
  b.rule('fn-steps', [b.reversePath(false), b.drop], 'anti-spoofing'),
];
const udp: Packet = { family: 4, iifname: 'cali-a', oifname: 'eth0', saddr: '10.65.0.2', daddr: '10.65.1.3', l4proto: 17, sport: 1, dport: 2, ctState: 'new' };
/** A host where 10.65.0.2 is routed to cali-a and nothing else to a workload. */
const routes = (q: ReversePathQuery): boolean => q.saddr === '10.65.0.2' && q.iifname === 'cali-a';

describe('fib saddr . iif oif', () => {
  test('decodes in the form nft lists it, and only that form', () => {
    assert.ok(E.isRight(decodeNftDocument(b.document(antiSpoof('forward')))));
    const bad = (expr: unknown) => decodeNftDocument({ nftables: [{ table: { family: 'inet', name: 'foldnet' } }, { rule: { family: 'inet', table: 'foldnet', chain: 'c', expr: [expr] } }] });
    const fib = (f: unknown, right: unknown = false) => ({ match: { op: '==', left: { fib: f }, right } });
    for (const [expr, where] of [
      [fib({ result: 'oif', flags: ['daddr', 'iif'] }), /flags/],
      [fib({ result: 'oifname', flags: ['saddr', 'iif'] }), /result/],
      [fib({ result: 'oif', flags: ['saddr', 'iif'] }, 'missing'), /right/],
      [fib({ result: 'oif', flags: ['saddr', 'iif'], extra: 1 }), /extra/],
    ] as const) {
      const r = bad(expr);
      assert.ok(E.isLeft(r), JSON.stringify(expr));
      assert.match(r.left.join('\n'), where);
    }
  });

  test('renders as nft text', () => {
    assert.equal(ruleText({ family: 'inet', table: 'foldnet', chain: 'c', expr: [b.reversePath(false), b.drop] }), 'fib saddr . iif oif missing drop');
    assert.equal(ruleText({ family: 'inet', table: 'foldnet', chain: 'c', expr: [b.reversePath(true), b.accept] }), 'fib saddr . iif oif exists accept');
  });

  test('reached from output or postrouting it is refused with the route that reaches it; forward, input, prerouting take it', () => {
    for (const hook of ['output', 'postrouting'] as const) {
      const r = foldNftDocument(docOf(antiSpoof(hook)));
      assert.ok(E.isLeft(r), hook);
      assert.match(r.left.join('\n'), new RegExp(`fib saddr \\. iif needs hook prerouting, input or forward, but chain fn-base \\(hook ${hook}\\) reaches it: fn-base -> fn-steps`));
    }
    for (const hook of ['forward', 'input', 'prerouting'] as const) assert.ok(E.isRight(foldNftDocument(docOf(antiSpoof(hook)))), hook);
  });

  test('the interpreter drops a source the host routes elsewhere and passes one routed back by the input interface', () => {
    const i = prepareInterpreter(docOf(antiSpoof('forward')));
    if (E.isLeft(i)) assert.fail(i.left);
    const run = (p: Partial<Packet>) => i.right.run({ ...udp, ...p }, 'forward', { reversePath: routes });
    assert.deepEqual(E.map((v: { verdict: string }) => v.verdict)(run({})), E.right('accept'));
    const spoofed = run({ saddr: '10.65.0.9' });
    assert.ok(E.isRight(spoofed) && spoofed.right.verdict === 'drop');
    assert.deepEqual(E.isRight(spoofed) && spoofed.right.decidedBy, { chain: 'fn-steps', ruleIndex: 0, comment: 'anti-spoofing' });
    const otherInterface = run({ iifname: 'cali-b' });
    assert.ok(E.isRight(otherInterface) && otherInterface.right.verdict === 'drop');
  });

  test('without routes the interpreter says it cannot decide', () => {
    const i = prepareInterpreter(docOf(antiSpoof('forward')));
    if (E.isLeft(i)) assert.fail(i.left);
    const r = i.right.run(udp, 'forward');
    assert.ok(E.isLeft(r));
    assert.match(r.left, /needs the host's routes/);
  });
});
