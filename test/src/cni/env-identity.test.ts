// The runtime's environment and who a container becomes: CNI_* checked as the
// spec describes them, and endpoint names and interface names derived the way
// Calico derives them, always valid and never shared by two containers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sha1Hex } from '../../../compiler/hash/sha1';
import { podInterfaceName } from '../../../compiler/model/from-k8s';
import { parseNetConf } from '../../../src/cni/config';
import { parseCniArgs, readCniEnv } from '../../../src/cni/env';
import { CniError } from '../../../src/cni/errors';
import { identify } from '../../../src/cni/identity';

const ENV = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'abc', CNI_NETNS: '/var/run/netns/x', CNI_IFNAME: 'eth0' };
const conf = parseNetConf('{"cniVersion":"1.0.0","name":"n","namespace":"team"}');

const envCode = (env: Record<string, string>): number | undefined => {
  try {
    readCniEnv(env);
    return undefined;
  } catch (e) {
    return e instanceof CniError ? e.code : -1;
  }
};

describe('readCniEnv', () => {
  test('reads the variables; DEL may come without a namespace', () => {
    const e = readCniEnv({ ...ENV, CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAME=web', CNI_PATH: '/a:/b' });
    assert.deepEqual([e.command, e.containerId, e.netns, e.ifname, e.args, e.path], ['ADD', 'abc', '/var/run/netns/x', 'eth0', { IgnoreUnknown: '1', K8S_POD_NAME: 'web' }, ['/a', '/b']]);
    assert.equal(readCniEnv({ ...ENV, CNI_COMMAND: 'DEL', CNI_NETNS: '' }).netns, '');
  });

  test('a missing or malformed variable is error 4', () => {
    assert.equal(envCode({ ...ENV, CNI_COMMAND: 'GC' }), 4);
    assert.equal(envCode({ ...ENV, CNI_CONTAINERID: '' }), 4);
    assert.equal(envCode({ ...ENV, CNI_CONTAINERID: '-x' }), 4);
    assert.equal(envCode({ ...ENV, CNI_NETNS: '' }), 4);
    assert.equal(envCode({ ...ENV, CNI_IFNAME: 'a-name-far-too-long' }), 4);
    assert.equal(envCode({ ...ENV, CNI_IFNAME: 'e/0' }), 4);
  });

  test('CNI_ARGS pairs split on ";" and the first "="', () => {
    assert.deepEqual(parseCniArgs('A=1;B=x=y;;C'), { A: '1', B: 'x=y' });
  });
});

describe('identify', () => {
  test('without Kubernetes arguments: namespace from the config, name from the container id, cali + sha1(id)[:11]', () => {
    const id = identify(readCniEnv(ENV), conf);
    assert.deepEqual([id.namespace, id.name, id.key, id.hostInterface], ['team', 'abc', 'team/abc', `cali${sha1Hex('abc').slice(0, 11)}`]);
  });

  test('with K8S_POD_NAMESPACE and K8S_POD_NAME: the pod, with Calico\'s interface name', () => {
    const id = identify(readCniEnv({ ...ENV, CNI_ARGS: 'K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web-0' }), conf);
    assert.deepEqual([id.key, id.hostInterface], ['shop/web-0', podInterfaceName('shop', 'web-0')]);
  });

  test('names that are not DNS-1123 are made valid and kept apart by a hash', () => {
    const a = identify(readCniEnv({ ...ENV, CNI_ARGS: 'K8S_POD_NAME=quirky_euler' }), conf);
    const b = identify(readCniEnv({ ...ENV, CNI_ARGS: 'K8S_POD_NAME=quirky-euler' }), conf);
    assert.match(a.name, /^quirky-euler-[0-9a-f]{8}$/);
    assert.equal(b.name, 'quirky-euler');
    assert.equal(identify(readCniEnv({ ...ENV, CNI_ARGS: 'K8S_POD_NAME=___' }), conf).name.length, 9);
  });
});
