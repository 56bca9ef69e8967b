// The text renderer's output, exactly, for small documents; whether nft loads
// it into the same ruleset is the kernel round-trip test's job.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderNftText, statementText } from '../../../compiler/nft/render-text';
import * as b from '../../../compiler/nft/build';

describe('renderNftText', () => {
  test('a plain document renders as one table block, then what the block cannot hold', () => {
    const doc = b.document([
      b.table(),
      { set: { family: 'inet', table: 'foldnet', name: 'fn-s', type: 'ipv4_addr', flags: ['interval'], elem: [b.prefix('10.0.0.0', 8), b.range('192.168.0.1', '192.168.0.9')], comment: 'pods' } },
      b.verdictMap('fn-m', 'ifname', [['cali1', b.jump('fn-wl')]]),
      b.baseChain('fn-fwd', { type: 'filter', hook: 'forward', prio: -5, policy: 'drop' }),
      b.chain('fn-wl'),
      b.rule('fn-fwd', [b.vmap(b.meta('iifname'), '@fn-m')]),
      b.rule('fn-wl', [b.matchEq(b.payload('ip', 'saddr'), '@fn-s'), b.log('ok '), b.accept], 'policy x rule 0'),
      b.element('fn-m', [['cali2', b.goTo('fn-wl')]]),
    ]);
    assert.equal(
      renderNftText(doc),
      [
        'table inet foldnet {',
        '\tset fn-s {',
        '\t\t# pods',
        '\t\ttype ipv4_addr',
        '\t\tflags interval',
        '\t\telements = { 10.0.0.0/8, 192.168.0.1-192.168.0.9 }',
        '\t}',
        '',
        '\tmap fn-m {',
        '\t\ttype ifname : verdict',
        '\t\telements = { "cali1" : jump fn-wl }',
        '\t}',
        '',
        '\tchain fn-fwd {',
        '\t\ttype filter hook forward priority -5; policy drop;',
        '\t\tiifname vmap @fn-m',
        '\t}',
        '',
        '\tchain fn-wl {',
        '\t\tip saddr @fn-s log prefix "ok " accept comment "policy x rule 0"',
        '\t}',
        '}',
        'add element inet foldnet fn-m { "cali2" : goto fn-wl }',
        '',
      ].join('\n'),
    );
  });

  test('a transaction renders one command per line', () => {
    const tx = b.document([
      b.flushChain('fn-wl'),
      b.add(b.rule('fn-wl', [b.matchNe(b.payload('tcp', 'dport'), b.anonSet([22, b.range(80, 81)])), b.drop])),
      b.add(b.set('fn-if', 'ifname', ['eth0'])),
      b.deleteElements('fn-if', ['eth0']),
      b.deleteElements('fn-m', [['cali1', b.accept]]),
      b.add(b.baseChain('fn-out', { type: 'filter', hook: 'output', prio: 0, policy: 'accept' })),
      { delete: { rule: { family: 'inet', table: 'foldnet', chain: 'fn-wl', handle: 12 } } },
      b.deleteTable(),
    ]);
    assert.equal(
      renderNftText(tx),
      [
        'flush chain inet foldnet fn-wl',
        'add rule inet foldnet fn-wl tcp dport != { 22, 80-81 } drop',
        'add set inet foldnet fn-if { type ifname; elements = { "eth0" }; }',
        'delete element inet foldnet fn-if { "eth0" }',
        'delete element inet foldnet fn-m { "cali1" }',
        'add chain inet foldnet fn-out { type filter hook output priority 0; policy accept; }',
        'delete rule inet foldnet fn-wl handle 12',
        'delete table inet foldnet',
        '',
      ].join('\n'),
    );
  });

  test('ct state spells equality, leaves flag tests bare, and joins flag lists with commas', () => {
    assert.equal(statementText(b.matchEq(b.ctState(), 'new')), 'ct state == new');
    assert.equal(statementText(b.match('in', b.ctState(), 'new')), 'ct state new');
    assert.equal(statementText(b.ctStateIn('established', 'related')), 'ct state established,related');
    assert.equal(statementText(b.matchNe(b.ctState(), b.anonSet(['new', 'invalid']))), 'ct state != { new, invalid }');
  });

  test('marks render as nft prints them, with the bitwise comparison spelled out', () => {
    assert.equal(statementText(b.setMarkBits(0x10000)), 'meta mark set meta mark | 0x00010000');
    assert.equal(statementText(b.clearMarks(0x30000)), 'meta mark set meta mark & 0xfffcffff');
    assert.equal(statementText(b.matchMarkLacks(0x30000)), 'meta mark & 0x00030000 == 0x00000000');
    assert.equal(statementText({ mangle: { key: { meta: { key: 'mark' } }, value: 42 } }), 'meta mark set 0x0000002a');
  });

  test('nat base chains, numgen vmaps and dnat render as nft lists them', () => {
    const doc = b.document([b.table(), b.chain('a'), b.baseChain('svc-pre', { type: 'nat', hook: 'prerouting', prio: -100, policy: 'accept' }),
      b.rule('svc-pre', [b.vmap(b.numgen(3), [[0, b.goTo('a')], [1, b.goTo('b')], [2, b.jump('c')]])])]);
    assert.match(renderNftText(doc), /\tchain svc-pre \{\n\t\ttype nat hook prerouting priority -100; policy accept;\n\t\tnumgen random mod 3 vmap \{ 0 : goto a, 1 : goto b, 2 : jump c \}\n/);
    assert.equal(statementText(b.vmap(b.numgen(2, 5), [[5, b.accept], [b.range(6, 6), b.drop]])), 'numgen random mod 2 offset 5 vmap { 5 : accept, 6-6 : drop }');
    assert.equal(statementText(b.dnat('ip', '10.10.0.5', 8080)), 'dnat ip to 10.10.0.5:8080');
    assert.equal(statementText(b.dnat('ip6', 'fd00::5', 8080)), 'dnat ip6 to [fd00::5]:8080');
    assert.equal(statementText(b.dnat('ip', '10.10.0.6')), 'dnat ip to 10.10.0.6');
    assert.equal(statementText(b.dnat('ip6', 'fd00::6')), 'dnat ip6 to fd00::6');
    assert.equal(statementText(b.matchEq(b.meta('iifname'), 'lo')), 'iifname "lo"');
  });

  test('interface names are quoted; addresses, ports and symbols are not', () => {
    assert.equal(statementText(b.matchEq(b.meta('oifname'), b.anonSet(['cali1', 'tap0']))), 'oifname { "cali1", "tap0" }');
    assert.equal(statementText(b.matchEq(b.meta('l4proto'), 'tcp')), 'meta l4proto tcp');
    assert.equal(statementText(b.match('>=', b.payload('ip6', 'daddr'), 'fd00::1')), 'ip6 daddr >= fd00::1');
    assert.equal(statementText({ log: { prefix: 'p ', level: 'info' } }), 'log prefix "p " level info');
    assert.equal(statementText({ counter: { packets: 1, bytes: 2 } }), 'counter packets 1 bytes 2');
  });
});
