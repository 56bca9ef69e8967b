// The network config on stdin: defaults, the fields foldnet-cni reads, and
// the spec's error codes for what it cannot use.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LOG, parseNetConf } from '../../../src/cni/config';
import { CniError } from '../../../src/cni/errors';

const codeOf = (stdin: string): number => {
  try {
    parseNetConf(stdin);
  } catch (e) {
    if (e instanceof CniError) return e.code;
    throw e;
  }
  return 0;
};

describe('parseNetConf', () => {
  test('applies the defaults and ignores fields runtimes add', () => {
    const c = parseNetConf(JSON.stringify({ cniVersion: '0.4.0', name: 'n', type: 'foldnet-cni', runtimeConfig: {}, args: { x: 1 } }));
    assert.equal(c.log, DEFAULT_LOG);
    assert.equal(c.namespace, 'default');
    assert.equal(c.timeoutMs, 10_000);
    assert.deepEqual(c.profiles, []);
    assert.equal(c.host, undefined);
    assert.equal(c.ipFamilies, undefined);
  });

  test('reads its own fields', () => {
    const c = parseNetConf(JSON.stringify({
      cniVersion: '1.0.0', name: 'n', log: 'file:/x.db', host: 'h1', namespace: 'ns', profiles: ['p'], labels: { a: 'b' },
      ipFamilies: ['IPv6'], ipPools: ['v6'], timeoutMs: 500, dns: { nameservers: ['10.0.0.10'] }, prevResult: { ips: [] },
    }));
    assert.deepEqual(
      [c.log, c.host, c.namespace, c.profiles, c.labels, c.ipFamilies, c.ipPools, c.timeoutMs, c.dns, c.prevResult],
      ['file:/x.db', 'h1', 'ns', ['p'], { a: 'b' }, ['IPv6'], ['v6'], 500, { nameservers: ['10.0.0.10'] }, { ips: [] }],
    );
  });

  test('not JSON is 6, an unsupported cniVersion 1, a bad field 7', () => {
    assert.equal(codeOf('{'), 6);
    assert.equal(codeOf('[]'), 6);
    assert.equal(codeOf('{"cniVersion":"1.1.0","name":"n"}'), 1);
    assert.equal(codeOf('{"name":"n"}'), 1);
    assert.equal(codeOf('{"cniVersion":"1.0.0"}'), 7);
    assert.equal(codeOf('{"cniVersion":"1.0.0","name":"n","ipFamilies":["IPv5"]}'), 7);
    assert.equal(codeOf('{"cniVersion":"1.0.0","name":"n","timeoutMs":-1}'), 7);
    assert.equal(codeOf('{"cniVersion":"1.0.0","name":"n","labels":{"a":1}}'), 7);
  });
});
