// IPAM laws over any sequence of allocations and releases on several hosts:
// endpoints come and go (asking for one family, the other, or both, or naming
// an address themselves), hosts are removed and come back, a pool is
// disabled and re-enabled, another is removed and recreated. The pools are
// small, so blocks fill, hosts borrow and requests are refused. Every law is
// checked after every step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ClusterState } from '../../../compiler/fold/state';
import { blockAddresses, blockAt, poolBlockCount } from '../../../compiler/ipam/blocks';
import { borrowedAddresses, ownedBlocks } from '../../../compiler/ipam/query';
import { Cidr, cidrContains, cidrLength, cidrsOverlap, compareIp, familyOf, Ip } from '../../../compiler/net/ip';
import { host, pool, run, Run, Step, wep } from './docs';

const HOSTS = [host('h1', '10.9.0.1'), host('h2', '10.9.0.2'), host('h3', '10.9.0.3')];
// Two blocks of four per family for three hosts: the third host to ask must borrow.
const V4 = (disabled: boolean) => pool('v4', '10.0.0.0/29', 30, disabled);
const V6 = pool('v6', 'fd00::/125', 126);
const NAMES = Array.from({ length: 14 }, (_, i) => `e${i}`);
const FAMILY_ANNOTATIONS = [undefined, 'IPv4', 'IPv6', 'IPv4,IPv6'];

const action: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ n: fc.constantFrom(...NAMES), h: fc.constantFrom('h1', 'h2', 'h3'), f: fc.constantFrom(...FAMILY_ANNOTATIONS) })
    .map(({ n, h, f }) => wep(n, h, f === undefined ? {} : { annotations: { 'foldnet.io/ipFamilies': f } })) },
  { weight: 1, arbitrary: fc.record({ n: fc.constantFrom(...NAMES), h: fc.constantFrom('h1', 'h2'), a: fc.integer({ min: 0, max: 7 }) })
    .map(({ n, h, a }) => wep(n, h, { ipNetworks: [`10.0.0.${a}/32`] })) },
  { weight: 5, arbitrary: fc.constantFrom(...NAMES).map((n): Step => ({ remove: `ns/${n}`, kind: 'WorkloadEndpoint' })) },
  { weight: 1, arbitrary: fc.constantFrom('h1', 'h2', 'h3').map((h): Step => ({ remove: h, kind: 'Host' })) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTS) },
  { weight: 1, arbitrary: fc.boolean().map(V4) },
  { weight: 1, arbitrary: fc.constantFrom<Step>({ remove: 'v6', kind: 'IPPool' }, V6) },
);

const histories = fc.array(action, { maxLength: 70 }).map((steps) => run([...HOSTS, V4(false), V6, ...steps]));

const states = (r: Run): ClusterState[] => [...r.before, r.state];

const taken = (s: ClusterState, ip: Ip): boolean => s.ipOwners.has(ip) || s.allocations.has(ip);
const hasFree = (s: ClusterState, block: Cidr): boolean => blockAddresses(block).some((ip) => !taken(s, ip));

test('no address is ever held by two endpoints, and ipOwners names each holder', () => {
  fc.assert(fc.property(histories, (r) => {
    for (const s of states(r)) {
      const held = [...s.endpoints.values()].flatMap((ep) => ep.ips.map((ip) => [ip, ep.key] as const));
      assert.equal(new Set(held.map(([ip]) => ip)).size, held.length, 'an address is held twice');
      for (const [ip, key] of held) assert.equal(s.ipOwners.get(ip), key);
      assert.equal(s.ipOwners.size, held.length);
    }
  }));
});

test('every IPAM address is held by its endpoint and lies in a block its host owns, or one it borrowed from', () => {
  fc.assert(fc.property(histories, (r) => {
    for (const s of states(r)) {
      for (const a of s.allocations.values()) {
        const ep = s.endpoints.get(a.endpoint);
        assert.ok(ep !== undefined && ep.ips.includes(a.ip), `${a.ip} is allocated to ${a.endpoint}, which does not hold it`);
        const block = s.blocks.get(a.block);
        assert.ok(block !== undefined && cidrContains(block.cidr, a.ip), `${a.ip} is outside its block ${a.block}`);
        if (block.host === ep.host) assert.ok(ownedBlocks(s, ep.host).includes(block.cidr), `${ep.host} owns ${block.cidr} but its index does not say so`);
        else assert.ok(borrowedAddresses(s, ep.host).includes(a.ip), `${a.ip} is in a block ${ep.host} does not own, yet is not listed as borrowed`);
      }
    }
  }));
});

test('an address is borrowed only when its host has no free address in its blocks and the pool has no free block', () => {
  fc.assert(fc.property(histories, (r) => {
    r.results.forEach((res, i) => {
      const before = r.before[i]!;
      for (const c of res.changes) {
        if (c.entity !== 'allocation' || c.before !== undefined || c.after === undefined) continue;
        const a = c.after as { ip: Ip; block: Cidr; endpoint: string };
        const holderHost = res.state.endpoints.get(a.endpoint)!.host;
        const block = res.state.blocks.get(a.block)!;
        if (block.host === holderHost) continue;
        const p = before.pools.get(block.pool)!;
        for (const own of before.blockAffinities.get(holderHost) ?? [])
          if (before.blocks.get(own)!.pool === p.name) assert.ok(!hasFree(before, own), `${holderHost} borrowed ${a.ip} with room in its block ${own}`);
        for (let k = 0n; k < poolBlockCount(p); k++) {
          const cidr = blockAt(p, k);
          assert.ok(before.blocks.has(cidr) || !hasFree(before, cidr), `${holderHost} borrowed ${a.ip} while block ${cidr} was free`);
        }
      }
    });
  }));
});

test('blocks never overlap, and each lies in its pool with the pool\'s block size', () => {
  fc.assert(fc.property(histories, (r) => {
    for (const s of states(r)) {
      const blocks = [...s.blocks.values()];
      for (const b of blocks) {
        const p = s.pools.get(b.pool);
        assert.ok(p !== undefined, `block ${b.cidr} outlives its pool ${b.pool}`);
        assert.ok(cidrsOverlap(p.cidr, b.cidr) && cidrLength(b.cidr) === p.blockSize);
        for (const o of blocks) if (o !== b) assert.ok(!cidrsOverlap(o.cidr, b.cidr), `${b.cidr} overlaps ${o.cidr}`);
      }
    }
  }));
});

test('the bookkeeping agrees: use counts and bitmaps, the affinity index, and IPAM endpoints holding exactly their allocations', () => {
  fc.assert(fc.property(histories, (r) => {
    for (const s of states(r)) {
      for (const b of s.blocks.values()) {
        const mine = [...s.allocations.values()].filter((a) => a.block === b.cidr).map((a) => a.ip);
        assert.equal(b.used, mine.length, `use count of ${b.cidr}`);
        assert.deepEqual(blockAddresses(b.cidr).filter((_, i) => b.allocated[i] === '1'), [...mine].sort(compareIp), `bitmap of ${b.cidr}`);
        assert.ok(b.used > 0 || b.host !== undefined, `the empty block ${b.cidr} has no host and was not freed`);
      }
      const index = [...s.blockAffinities.entries()].flatMap(([h, cidrs]) => cidrs.map((c) => `${h} ${c}`)).sort();
      const byHost = [...s.blocks.values()].filter((b) => b.host !== undefined).map((b) => `${b.host} ${b.cidr}`).sort();
      assert.deepEqual(index, byHost);
      for (const ep of s.endpoints.values()) {
        const explicit = (s.resources.get(`WorkloadEndpoint|${ep.key}`)?.resource.spec as { ipNetworks?: unknown }).ipNetworks !== undefined;
        const allocated = ep.ips.filter((ip) => s.allocations.get(ip)?.endpoint === ep.key);
        assert.deepEqual(allocated, explicit ? [] : ep.ips);
        if (!explicit) assert.ok(new Set(ep.ips.map(familyOf)).size === ep.ips.length, 'one address per family');
      }
    }
  }));
});
