// planNft on hand-made cases: what a plan touches (elements, not rewrites;
// only the chains that differ) and that every plan folds, in order, into
// exactly the desired ruleset (foldNftDocument refuses what the kernel refuses).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as b from '../../../compiler/nft/build';
import { NftDocument } from '../../../compiler/nft/schema';
import { planNft } from '../../../compiler/plan/nft-plan';
import { planHost } from '../../../compiler/plan/host-plan';
import { fixtureDocs } from '../../helpers/seed-demo';
import { afterPlan, assertSameRuleset, commandKinds, kernelOf, normalised, snapshotFrom } from './plan-helpers';

const seed = (): object[] => fixtureDocs('seed-demo.yaml');

const endpoint = (name: string, ip: string, opts: { host?: string; labels?: Record<string, string>; profiles?: string[] } = {}): object => ({
  apiVersion: 'foldnet.io/v1',
  kind: 'WorkloadEndpoint',
  metadata: { namespace: 'demo', name, labels: { app: name, ...opts.labels } },
  spec: { host: opts.host ?? 'host-1', interfaceName: `cali-${name}`, ipNetworks: [`${ip}/32`], profiles: opts.profiles ?? ['default'] },
});

/** Replaces the document of endpoint `name` in `docs`. */
const withEndpoint = (docs: readonly object[], name: string, doc: object): object[] =>
  docs.map((d) => ((d as { kind: string; metadata: { name: string } }).kind === 'WorkloadEndpoint' && (d as { metadata: { name: string } }).metadata.name === name ? doc : d));

const clientsOfA = {
  apiVersion: 'foldnet.io/v1',
  kind: 'GlobalNetworkPolicy',
  metadata: { name: 'clients-to-a' },
  spec: { selector: "app == 'a'", types: ['Ingress'], ingress: [{ action: 'Allow', source: { selector: "role == 'client'" } }] },
};

/** Plans actual → desired over whole documents and checks the plan lands exactly on desired. */
const planBetween = (actualDoc: unknown, desiredDoc: unknown) => {
  const actual = normalised(actualDoc);
  const desired = normalised(desiredDoc);
  const nft = planNft(actual, desired);
  assertSameRuleset(afterPlan(actual, { nft, routes: { add: [], remove: [] }, sysctls: [] }), desired);
  return { nft, kinds: commandKinds({ nft, routes: { add: [], remove: [] }, sysctls: [] }) };
};

describe('planNft on compiled snapshots', () => {
  test('a missing table is created whole, chains declared before rules and map elements', () => {
    const want = kernelOf(snapshotFrom(seed()));
    const plan = planHost({ nft: undefined, routes: [], sysctls: [], bird: undefined }, snapshotFrom(seed()));
    const kinds = commandKinds(plan);
    assert.equal(kinds[0], 'add table');
    assert.ok(kinds.every((k) => k.startsWith('add ')), kinds.join(', '));
    assert.ok(kinds.lastIndexOf('add chain') < kinds.indexOf('add map') && kinds.indexOf('add map') < kinds.indexOf('add rule'));
    assertSameRuleset(afterPlan(undefined, plan), want.nft!);
  });

  test('a ruleset planned against itself needs no command', () => {
    const s = snapshotFrom(seed());
    assert.deepEqual(planHost(kernelOf(s), s).nft, []);
  });

  test('an endpoint of this host joining a selector changes one set element, no rule', () => {
    const before = snapshotFrom([...seed(), clientsOfA]);
    const after = snapshotFrom(withEndpoint([...seed(), clientsOfA], 'b', endpoint('b', '192.168.1.2', { labels: { role: 'client' } })));
    const plan = planHost(kernelOf(before), after);
    assert.deepEqual(commandKinds(plan), ['add element']);
    assert.deepEqual((plan.nft[0] as { add: { element: { elem: unknown[] } } }).add.element.elem, ['192.168.1.2']);
    assertSameRuleset(afterPlan(kernelOf(before).nft, plan), kernelOf(after).nft!);
  });

  test('an endpoint of another host leaving a selector removes one set element, no rule', () => {
    const docs = withEndpoint([...seed(), clientsOfA], 'd', endpoint('d', '192.168.1.4', { host: 'host-2', labels: { role: 'client' } }));
    const before = snapshotFrom(docs);
    const after = snapshotFrom([...seed(), clientsOfA]);
    const plan = planHost(kernelOf(before), after);
    assert.deepEqual(commandKinds(plan), ['delete element']);
    assertSameRuleset(afterPlan(kernelOf(before).nft, plan), kernelOf(after).nft!);
  });

  test('a new endpoint like others adds only elements — its set and verdict-map elements, 3 objects here — no chain, no rule', () => {
    const before = snapshotFrom(seed());
    const after = snapshotFrom([...seed(), endpoint('f', '192.168.1.6')]);
    const plan = planHost(kernelOf(before), after);
    const kinds = commandKinds(plan);
    assert.deepEqual([...new Set(kinds)], ['add element'], 'its policy steps are those of A and B, already there');
    assert.equal(kinds.length, 3, 'the default group set and the two verdict maps');
    const objects = (plan.nft as Array<{ add: { element: { elem: unknown[] } } }>).reduce((n, c) => n + c.add.element.elem.length, 0);
    assert.equal(objects, 3);
    assertSameRuleset(afterPlan(kernelOf(before).nft, plan), kernelOf(after).nft!);
  });

  test('a removed endpoint like others loses its map and set elements only, in an order the kernel accepts', () => {
    const before = snapshotFrom([...seed(), endpoint('f', '192.168.1.6')]);
    const after = snapshotFrom(seed());
    const plan = planHost(kernelOf(before), after);
    assert.deepEqual([...new Set(commandKinds(plan))], ['delete element']);
    assertSameRuleset(afterPlan(kernelOf(before).nft, plan), kernelOf(after).nft!);
  });

  test('a policy that applies to an endpoint gives it new steps and rewrites no chain', () => {
    const open = {
      apiVersion: 'foldnet.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'demo', name: 'a-to-c' },
      spec: { selector: "app == 'c'", types: ['Ingress'], ingress: [{ action: 'Allow', protocol: 'TCP', source: { selector: "app == 'a'" }, destination: { ports: [80] } }] },
    };
    const before = snapshotFrom(seed());
    const after = snapshotFrom([...seed(), open]);
    const plan = planHost(kernelOf(before), after);
    const flushed = (plan.nft as Array<{ flush?: { chain: { name: string } } }>).flatMap((c) => (c.flush ? [c.flush.chain.name] : []));
    assert.deepEqual(flushed.filter((n) => !n.startsWith('wl-is/')), [], 'only C\'s old steps are emptied, on their way out');
    // C's steps differ now: new steps jump to the policy's chain, and C's ingress element points to them.
    const added = (plan.nft as Array<{ add?: { chain?: { name: string } } }>).flatMap((c) => (c.add?.chain ? [c.add.chain.name] : []));
    assert.equal(added.filter((n) => n.startsWith('wl-is/')).length, 1, added.join(', '));
    assert.ok(added.includes('np-i/demo/a-to-c'), added.join(', '));
    assertSameRuleset(afterPlan(kernelOf(before).nft, plan), kernelOf(after).nft!);
  });
});

const base = (policy: 'accept' | 'drop', hook: 'forward' | 'input' = 'forward') => b.baseChain('fw-main', { type: 'filter', hook, prio: 0, policy });

describe('planNft on hand-made rulesets', () => {
  test('a base chain whose policy changes is declared again, its rules left alone', () => {
    const rule = b.rule('fw-main', [b.matchEq(b.meta('iifname'), 'lo'), b.accept]);
    const { kinds } = planBetween(b.document([b.table(), base('accept'), rule]), b.document([b.table(), base('drop'), rule]));
    assert.deepEqual(kinds, ['add chain']);
  });

  test('a base chain moved to another hook is emptied, deleted and declared again', () => {
    const rule = (c: string) => b.rule(c, [b.matchEq(b.meta('iifname'), 'lo'), b.accept]);
    const { kinds } = planBetween(b.document([b.table(), base('accept'), rule('fw-main')]), b.document([b.table(), base('accept', 'input'), rule('fw-main')]));
    assert.deepEqual(kinds, ['flush chain', 'delete chain', 'add chain', 'add rule']);
  });

  test('a set whose flags change is recreated, and the chains that look it up are refilled', () => {
    const lookup = b.rule('x', [b.matchEq(b.payload('ip', 'saddr'), '@s'), b.accept]);
    const other = b.rule('y', [b.accept]);
    const { kinds } = planBetween(
      b.document([b.table(), b.chain('x'), b.chain('y'), b.set('s', 'ipv4_addr', ['10.0.0.1']), lookup, other]),
      b.document([b.table(), b.chain('x'), b.chain('y'), b.set('s', 'ipv4_addr', [b.prefix('10.0.0.0', 24)], { interval: true }), lookup, other]),
    );
    assert.deepEqual(kinds, ['flush chain', 'delete set', 'add set', 'add rule']);
  });

  test('a chain that goes while a kept map still jumps to it: the element goes first', () => {
    const map = (elems: Array<[string, ReturnType<typeof b.jump>]>) => b.verdictMap('m', 'ifname', elems);
    const use = b.rule('fw-main', [b.vmap(b.meta('iifname'), '@m')]);
    planBetween(
      b.document([b.table(), base('accept'), b.chain('x'), b.chain('y'), map([['a', b.jump('x')], ['b', b.jump('y')]]), use, b.rule('x', [b.jump('y')])]),
      b.document([b.table(), base('accept'), b.chain('y'), map([['b', b.jump('y')]]), use]),
    );
  });

  test('a map that goes with the chains its verdicts name, and the rule that used it', () => {
    planBetween(
      b.document([b.table(), base('accept'), b.chain('x'), b.verdictMap('m', 'ifname', [['a', b.jump('x')]]), b.rule('fw-main', [b.vmap(b.meta('iifname'), '@m')]), b.rule('x', [b.drop])]),
      b.document([b.table(), base('accept'), b.rule('fw-main', [b.accept])]),
    );
  });

  test('a map key whose verdict changes is deleted and added again in the same transaction', () => {
    const { kinds } = planBetween(
      b.document([b.table(), b.chain('x'), b.chain('y'), b.verdictMap('m', 'ifname', [['a', b.jump('x')]])]),
      b.document([b.table(), b.chain('x'), b.chain('y'), b.verdictMap('m', 'ifname', [['a', b.jump('y')]])]),
    );
    assert.deepEqual(kinds, ['delete element', 'add element']);
  });

  test('a name that moves from set to map: the set goes before the map comes', () => {
    planBetween(
      b.document([b.table(), b.chain('x'), b.set('s', 'ifname', ['a']), b.rule('x', [b.matchEq(b.meta('iifname'), '@s'), b.accept])]),
      b.document([b.table(), b.chain('x'), b.verdictMap('s', 'ifname', [['a', b.accept]]), b.rule('x', [b.vmap(b.meta('iifname'), '@s')])]),
    );
  });

  test('a regular chain that becomes a base chain is recreated once nothing jumps to it', () => {
    planBetween(
      b.document([b.table(), b.chain('x'), b.chain('fw-main'), b.rule('x', [b.jump('fw-main')]), b.rule('fw-main', [b.drop])]),
      b.document([b.table(), b.chain('x'), base('accept'), b.rule('x', [b.drop]), b.rule('fw-main', [b.drop])]),
    );
  });

  test('a table that cannot be read is replaced whole in one transaction', () => {
    const want = normalised(b.document([b.table(), b.chain('x'), b.rule('x', [b.drop])]));
    const nft = planNft(undefined, want, { replaceTable: true });
    assert.deepEqual(commandKinds({ nft, routes: { add: [], remove: [] }, sysctls: [] }), ['delete table', 'add table', 'add chain', 'add rule']);
    const junk: NftDocument = normalised(b.document([b.table(), b.chain('junk'), b.rule('junk', [b.accept])]));
    assertSameRuleset(afterPlan(junk, { nft, routes: { add: [], remove: [] }, sysctls: [] }), want);
  });

  test('a desired state without the table deletes it', () => {
    const have = normalised(b.document([b.table(), b.chain('x')]));
    assert.deepEqual(planNft(have, { nftables: [] }), [b.deleteTable()]);
    assert.deepEqual(planNft(undefined, { nftables: [] }), []);
  });
});
