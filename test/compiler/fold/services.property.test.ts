// Invariants of services, host endpoints and pool uses that hold after every
// fold step of any history, however its puts and removals collide (the fold
// rejects what would break them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { fold, FoldResult } from '../../../compiler/fold/fold';
import { ClusterState, emptyState } from '../../../compiler/fold/state';
import type { AllocationModel } from '../../../compiler/ipam/types';
import { cidrAddress, cidrContains, Ip } from '../../../compiler/net/ip';
import { conflictHistoryArb } from '../checkpoint/history';

interface Step { readonly before: ClusterState; readonly result: FoldResult }

const steps = conflictHistoryArb.map((events) => {
  const out: Step[] = [];
  let s = emptyState();
  for (const e of events) {
    const r = fold(s, e);
    if (E.isLeft(r)) throw new Error('out of order');
    out.push({ before: s, result: r.right });
    s = r.right.state;
  }
  return out;
});

const after = (x: Step): ClusterState => x.result.state;
const serviceIps = (s: ClusterState): Array<[Ip, string]> =>
  [...s.services.values()].flatMap((svc) => svc.addresses.map((ip): [Ip, string] => [ip, svc.key]));

test('no service address is ever an endpoint\'s address or a host\'s BGP address', () => {
  fc.assert(fc.property(steps, (xs) => {
    for (const s of xs.map(after)) {
      const bgp = new Set([...s.hosts.values()].flatMap((h) => [h.ipv4, h.ipv6].flatMap((p) => (p === undefined ? [] : [cidrAddress(p)]))));
      for (const [ip, key] of serviceIps(s)) {
        assert.equal(s.ipOwners.get(ip), undefined, `${key} and an endpoint hold ${ip}`);
        assert.equal(s.allocations.get(ip), undefined, `IPAM handed out ${key}'s ${ip}`);
        assert.ok(!bgp.has(ip), `${key} holds a BGP address ${ip}`);
      }
    }
  }));
});

test('services on one address never share a (protocol, port)', () => {
  fc.assert(fc.property(steps, (xs) => {
    for (const s of xs.map(after)) {
      const taken = new Map<string, string>();
      for (const svc of s.services.values())
        for (const ip of svc.addresses)
          for (const p of svc.ports) {
            const k = `${ip} ${p.protocol} ${p.port}`;
            assert.equal(taken.get(k), undefined, `${svc.key} and ${taken.get(k)} both serve ${k}`);
            taken.set(k, svc.key);
          }
    }
  }));
});

test('no service address lies in a pool that does not allow Service', () => {
  fc.assert(fc.property(steps, (xs) => {
    for (const s of xs.map(after))
      for (const [ip, key] of serviceIps(s))
        for (const p of s.pools.values())
          if (cidrContains(p.cidr, ip)) assert.ok(p.allowedUses.includes('Service'), `${key}'s ${ip} is in pool ${p.name} (${p.allowedUses.join(',')})`);
  }));
});

test('serviceAddresses is exactly the index of services by address, keys sorted', () => {
  fc.assert(fc.property(steps, (xs) => {
    for (const s of xs.map(after)) {
      const expected = new Map<string, string[]>();
      for (const [ip, key] of serviceIps(s)) expected.set(ip, [...(expected.get(ip) ?? []), key].sort());
      assert.deepEqual(new Map([...s.serviceAddresses.entries()].map(([ip, keys]) => [ip, [...keys]])), expected);
    }
  }));
});

test('no two host endpoints take one interface of one host', () => {
  fc.assert(fc.property(steps, (xs) => {
    for (const s of xs.map(after)) {
      const pairs = [...s.hostEndpoints.values()].map((h) => `${h.host}|${h.interfaceName}`);
      assert.equal(new Set(pairs).size, pairs.length, pairs.join(' '));
    }
  }));
});

test('every address IPAM hands out comes from a pool that allows Workload, and is no service\'s', () => {
  fc.assert(fc.property(steps, (xs) => {
    for (const x of xs)
      for (const c of x.result.changes) {
        if (c.entity !== 'allocation' || c.before !== undefined || c.after === undefined) continue;
        const a = c.after as AllocationModel;
        const pool = x.result.state.pools.get(x.result.state.blocks.get(a.block)!.pool)!;
        assert.ok(pool.allowedUses.includes('Workload'), `${a.ip} from pool ${pool.name} (${pool.allowedUses.join(',')})`);
        assert.equal(x.before.serviceAddresses.get(a.ip), undefined);
      }
  }));
});
