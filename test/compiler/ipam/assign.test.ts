// IPAM in the fold, scenario by scenario: blocks claimed lowest first and kept
// affine, lowest free address, release and reuse, dual stack and requests,
// borrowing, exhaustion as a rejection, and what host and pool removal do.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ownedBlocks, borrowedAddresses } from '../../../compiler/ipam/query';
import { host, ipsOf, pool, rejection, run, wep } from './docs';

const H1 = host('h1', '10.9.0.1');
const H2 = host('h2', '10.9.0.2');
const V4 = pool('v4', '10.0.0.0/28', 30); // four blocks of four
const V6 = pool('v6', 'fd00::/120', 126);

describe('blocks and addresses', () => {
  test('the first endpoint on a host claims the lowest block and gets its lowest address (the network address included)', () => {
    const r = run([H1, V4, wep('a', 'h1'), wep('b', 'h1')]);
    assert.deepEqual(ipsOf(r.state, 'a'), ['10.0.0.0']);
    assert.deepEqual(ipsOf(r.state, 'b'), ['10.0.0.1']);
    assert.deepEqual(ownedBlocks(r.state, 'h1'), ['10.0.0.0/30']);
    assert.equal(r.state.blocks.get('10.0.0.0/30')?.used, 2);
    assert.equal(r.state.ipOwners.get('10.0.0.1'), 'ns/b');
  });

  test('a second host claims the next block; a full block makes its host claim another', () => {
    const r = run([H1, H2, V4, ...['a', 'b', 'c', 'd', 'e'].map((n) => wep(n, 'h1')), wep('x', 'h2')]);
    assert.deepEqual(ipsOf(r.state, 'e'), ['10.0.0.4']);
    assert.deepEqual(ownedBlocks(r.state, 'h1'), ['10.0.0.0/30', '10.0.0.4/30']);
    assert.deepEqual(ipsOf(r.state, 'x'), ['10.0.0.8']);
    assert.deepEqual(ownedBlocks(r.state, 'h2'), ['10.0.0.8/30']);
  });

  test('a released address is the next one handed out, and the empty block stays with its host', () => {
    const r = run([H1, H2, V4, wep('a', 'h1'), wep('b', 'h1'), { remove: 'ns/a', kind: 'WorkloadEndpoint' }, { remove: 'ns/b', kind: 'WorkloadEndpoint' }, wep('x', 'h2'), wep('c', 'h1')]);
    assert.deepEqual(ownedBlocks(r.state, 'h1'), ['10.0.0.0/30']);
    assert.deepEqual(ipsOf(r.state, 'x'), ['10.0.0.4'], 'h2 does not get h1\'s empty block');
    assert.deepEqual(ipsOf(r.state, 'c'), ['10.0.0.0']);
    assert.equal(r.state.allocations.has('10.0.0.1'), false);
  });

  test('a put that changes only labels keeps the addresses; a move to another host renumbers', () => {
    const r = run([H1, H2, V4, wep('a', 'h1'), wep('b', 'h1'), wep('a', 'h1', { labels: { app: 'web' } })]);
    assert.deepEqual(ipsOf(r.state, 'a'), ['10.0.0.0']);
    const moved = run([wep('a', 'h2')], r.state);
    assert.deepEqual(ipsOf(moved.state, 'a'), ['10.0.0.4']);
    assert.equal(moved.state.allocations.has('10.0.0.0'), false);
  });

  test('IPAM skips addresses that endpoints name explicitly', () => {
    const r = run([H1, V4, wep('fixed', 'h1', { ipNetworks: ['10.0.0.0/32'] }), wep('a', 'h1')]);
    assert.deepEqual(ipsOf(r.state, 'a'), ['10.0.0.1']);
    assert.equal(r.state.allocations.has('10.0.0.0'), false);
  });

  test('an endpoint that switches to explicit addresses gives its IPAM address back', () => {
    const r = run([H1, V4, wep('a', 'h1'), wep('a', 'h1', { ipNetworks: ['10.5.0.1/32'] }), wep('b', 'h1')]);
    assert.deepEqual(ipsOf(r.state, 'b'), ['10.0.0.0']);
    assert.equal(r.state.blocks.get('10.0.0.0/30')?.used, 1);
  });
});

describe('families and requests', () => {
  test('with an IPv4 and an IPv6 pool an endpoint gets one address of each', () => {
    const r = run([H1, V4, V6, wep('a', 'h1')]);
    assert.deepEqual(ipsOf(r.state, 'a'), ['10.0.0.0', 'fd00::']);
    assert.deepEqual(ownedBlocks(r.state, 'h1'), ['10.0.0.0/30', 'fd00::/126']);
  });

  test('foldnet.io/ipFamilies narrows the request to one family', () => {
    const r = run([H1, V4, V6, wep('a', 'h1', { annotations: { 'foldnet.io/ipFamilies': 'IPv6' } })]);
    assert.deepEqual(ipsOf(r.state, 'a'), ['fd00::']);
  });

  test('asking for a family without an enabled pool is rejected', () => {
    const r = run([H1, V4, wep('a', 'h1', { annotations: { 'foldnet.io/ipFamilies': 'IPv4,IPv6' } })]);
    assert.equal(rejection(r, 2), 'no enabled IPv6 pool to assign an address from');
    assert.equal(r.state.endpoints.has('ns/a'), false);
    assert.equal(r.state.allocations.size, 0, 'the IPv4 address it would have had is not taken');
  });

  test('foldnet.io/ipPools picks the pool; a pool that does not exist is rejected', () => {
    const r = run([H1, V4, pool('other', '10.1.0.0/24'), wep('a', 'h1', { annotations: { 'foldnet.io/ipPools': 'other' } }), wep('b', 'h1', { annotations: { 'foldnet.io/ipPools': 'nope' } })]);
    assert.deepEqual(ipsOf(r.state, 'a'), ['10.1.0.0']);
    assert.equal(rejection(r, 4), 'foldnet.io/ipPools names nope: no such IP pool');
  });

  test('a malformed family annotation is rejected with the annotation named', () => {
    const r = run([H1, V4, wep('a', 'h1', { annotations: { 'foldnet.io/ipFamilies': 'IPv5' } })]);
    assert.match(rejection(r, 2) ?? '', /foldnet\.io\/ipFamilies.*IPv5/);
  });

  test('a disabled pool hands out nothing new, and its holders keep their addresses', () => {
    const r = run([H1, V4, wep('a', 'h1'), pool('v4', '10.0.0.0/28', 30, true), wep('a', 'h1', { labels: { x: 'y' } }), wep('b', 'h1')]);
    assert.deepEqual(ipsOf(r.state, 'a'), ['10.0.0.0']);
    assert.equal(rejection(r, 5), 'no enabled IP pool to assign an address from');
  });

  test('an endpoint on a host that does not exist is rejected', () => {
    const r = run([V4, wep('a', 'ghost')]);
    assert.match(rejection(r, 1) ?? '', /^host ghost does not exist/);
  });
});

describe('pool uses and service addresses', () => {
  const usePool = (name: string, cidr: string, allowedUses: string[], blockSize = 30) => ({ ...pool(name, cidr, blockSize), spec: { cidr, blockSize, allowedUses } });
  const service = (addresses: string[]) => ({
    apiVersion: 'foldnet.io/v1', kind: 'AnycastService', metadata: { namespace: 'ns', name: 'svc' },
    spec: { addresses, selector: 'all()', ports: [{ port: 53 }] },
  });

  test('IPAM never hands out addresses of a pool that allows only Service, even the lowest pool', () => {
    const r = run([H1, usePool('svcs', '10.0.0.0/28', ['Service']), usePool('pods', '10.1.0.0/28', ['Workload']), wep('a', 'h1')]);
    assert.deepEqual(ipsOf(r.state, 'a'), ['10.1.0.0']);
    assert.deepEqual(ownedBlocks(r.state, 'h1'), ['10.1.0.0/30']);
  });

  test('with only Service pools the request is refused, and the reason says so', () => {
    const r = run([H1, usePool('svcs', '10.0.0.0/28', ['Service']), wep('a', 'h1'), wep('b', 'h1', { annotations: { 'foldnet.io/ipFamilies': 'IPv4' } })]);
    assert.equal(rejection(r, 2), 'no enabled IP pool to assign an address from (svcs allows only Service)');
    assert.equal(rejection(r, 3), 'no enabled IPv4 pool to assign an address from (svcs allows only Service)');
    assert.equal(r.state.blocks.size, 0);
  });

  test('a pool for both uses hands out every address except those services announce', () => {
    const r = run([H1, usePool('both', '10.0.0.0/28', ['Workload', 'Service']), service(['10.0.0.0', '10.0.0.2']), wep('a', 'h1'), wep('b', 'h1'), wep('c', 'h1')]);
    assert.equal(rejection(r, 2), undefined);
    assert.deepEqual(['a', 'b', 'c'].map((n) => ipsOf(r.state, n)), [['10.0.0.1'], ['10.0.0.3'], ['10.0.0.4']]);
  });

  test('a pool that stops allowing Workload keeps its holders\' addresses but hands out no more', () => {
    const r = run([H1, usePool('p', '10.0.0.0/28', ['Workload']), wep('a', 'h1'), usePool('p', '10.0.0.0/28', ['Service']), wep('a', 'h1', { labels: { x: 'y' } }), wep('b', 'h1')]);
    assert.deepEqual(ipsOf(r.state, 'a'), ['10.0.0.0']);
    assert.equal(rejection(r, 5), 'no enabled IP pool to assign an address from (p allows only Service)');
  });
});

describe('borrowing and exhaustion', () => {
  test('with its blocks full and no free block left, a host borrows the lowest free address of another host\'s block', () => {
    const small = pool('v4', '10.0.0.0/29', 30); // two blocks
    const r = run([H1, H2, small, wep('a', 'h1'), wep('x', 'h2'), wep('b', 'h1'), wep('c', 'h1'), wep('d', 'h1'), wep('e', 'h1')]);
    assert.deepEqual(ipsOf(r.state, 'e'), ['10.0.0.5'], 'h1 borrows from h2\'s block 10.0.0.4/30');
    assert.deepEqual(borrowedAddresses(r.state, 'h1'), ['10.0.0.5']);
    assert.deepEqual(ownedBlocks(r.state, 'h1'), ['10.0.0.0/30'], 'borrowing claims no block');
  });

  test('when every address is taken the event is rejected with the pool named, and nothing changes', () => {
    const tiny = pool('v4', '10.0.0.0/30', 31);
    const r = run([H1, H2, tiny, wep('a', 'h1'), wep('b', 'h1'), wep('c', 'h2'), wep('d', 'h2'), wep('e', 'h1')]);
    assert.equal(rejection(r, 7), 'no free IPv4 address: every block of pool v4 (10.0.0.0/30) is full');
    assert.equal(r.results[7]?.changes.length, 0);
    assert.equal(r.state.allocations.size, 4);
  });

  test('the compiler gives the owner a blackhole for its block and the borrower a host route', async () => {
    const { compileHost } = await import('../../../compiler/compile/host');
    const small = pool('v4', '10.0.0.0/29', 30);
    const r = run([H1, H2, small, ...['a', 'b', 'c', 'd'].map((n) => wep(n, 'h1')), wep('x', 'h2'), wep('e', 'h1')]);
    const routes = (h: string) => {
      const s = compileHost(r.state, h);
      if (s._tag === 'Left') throw new Error('unknown host');
      return s.right.routes.map((rt) => `${rt.type} ${rt.dst}${rt.dev ? ` ${rt.dev}` : ''}`);
    };
    assert.ok(routes('h2').includes('blackhole 10.0.0.4/30'));
    assert.ok(routes('h1').includes('unicast 10.0.0.5/32 c-e'));
    assert.ok(routes('h1').includes('blackhole 10.0.0.0/30'));
    assert.ok(!routes('h1').includes('blackhole 10.0.0.4/30'));
  });
});

describe('host and pool removal', () => {
  test('removing a host frees its empty blocks; a block still in use loses its affinity and goes with its last address', () => {
    const r = run([H1, H2, V4, wep('a', 'h1'), wep('b', 'h1'), wep('c', 'h1'), wep('d', 'h1'), wep('e', 'h1'),
      { remove: 'ns/e', kind: 'WorkloadEndpoint' }, { remove: 'h1', kind: 'Host' }]);
    assert.equal(r.state.blocks.has('10.0.0.4/30'), false, 'the empty block is free again');
    assert.equal(r.state.blocks.get('10.0.0.0/30')?.host, undefined);
    assert.equal('host' in r.state.blocks.get('10.0.0.0/30')!, false);
    assert.deepEqual(ownedBlocks(r.state, 'h1'), []);
    const later = run(['a', 'b', 'c', 'd'].map((n) => ({ remove: `ns/${n}`, kind: 'WorkloadEndpoint' })), r.state);
    assert.equal(later.state.blocks.size, 0);
    const next = run([wep('x', 'h2')], later.state);
    assert.deepEqual(ipsOf(next.state, 'x'), ['10.0.0.0']);
  });

  test('a pool cannot be removed or recut while IPAM addresses in it are held; once empty its blocks go with it', () => {
    const r = run([H1, V4, wep('a', 'h1'), { remove: 'v4', kind: 'IPPool' }, pool('v4', '10.0.0.0/28', 29)]);
    assert.match(rejection(r, 3) ?? '', /^pool v4 cannot be removed while IPAM addresses in it are held \(1 in 10\.0\.0\.0\/30\)/);
    assert.match(rejection(r, 4) ?? '', /^pool v4 cannot change its CIDR or block size/);
    const after = run([{ remove: 'ns/a', kind: 'WorkloadEndpoint' }, { remove: 'v4', kind: 'IPPool' }], r.state);
    assert.equal(after.results[1]?.rejection, undefined);
    assert.equal(after.state.blocks.size, 0);
    assert.deepEqual(ownedBlocks(after.state, 'h1'), []);
  });
});

describe('what the fold reports', () => {
  test('an assignment reports the block claimed, the allocation and the endpoint', () => {
    const r = run([H1, V4, wep('a', 'h1')]);
    const changes = r.results[2]!.changes.map((c) => `${c.entity} ${c.key} ${c.before === undefined ? '+' : '~'}`);
    assert.deepEqual(changes, ['block 10.0.0.0/30 +', 'allocation 10.0.0.0 +', 'endpoint ns/a +']);
  });

  test('a put that frees one address of a block and takes another reports the block once', () => {
    const r = run([H1, V4, V6, wep('a', 'h1'), wep('a', 'h1', { annotations: { 'foldnet.io/ipFamilies': 'IPv6' } })]);
    const changes = r.results[4]!.changes.map((c) => `${c.entity} ${c.key}`);
    assert.deepEqual(changes, ['allocation 10.0.0.0', 'block 10.0.0.0/30', 'endpoint ns/a']);
  });

  test('a removal reports the allocation freed', () => {
    const r = run([H1, V4, wep('a', 'h1'), { remove: 'ns/a', kind: 'WorkloadEndpoint' }]);
    const changes = r.results[3]!.changes.map((c) => `${c.entity} ${c.key} ${c.after === undefined ? '-' : '~'}`);
    assert.deepEqual(changes, ['allocation 10.0.0.0 -', 'block 10.0.0.0/30 ~', 'endpoint ns/a -']);
  });
});
