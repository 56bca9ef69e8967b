// Hosts' BGP addresses through any history of host puts and removals drawn
// from a few names and a few addresses (so that they clash): the fold keeps
// them unique, `hostAddresses` is exactly the index of hosts by address, and
// a host that would reuse an address is rejected naming the first clashing
// host in key order and the first of its addresses it uses — what a scan of
// every host in key order answers (the reference below).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { LoggedEvent } from '../../../compiler/events/event';
import { fold } from '../../../compiler/fold/fold';
import { ClusterState, emptyState } from '../../../compiler/fold/state';
import { cidrAddress } from '../../../compiler/net/ip';
import { putEvents } from '../policy/build-state';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);

type Op = { kind: 'put'; name: string; v4?: string; v6?: string } | { kind: 'remove'; name: string };
const name = fc.constantFrom('h-a', 'h-b', 'h-c', 'h-d');
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('put' as const), name, v4: fc.constantFrom('10.9.0.1/24', '10.9.0.1/16', '10.9.0.2/24', '10.9.0.3/32'), v6: fc.option(fc.constantFrom('fd00::1/64', 'fd00::2/64'), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), name }) },
);

const eventOf = (o: Op, offset: number): LoggedEvent => {
  if (o.kind === 'remove') return { offset, id: `rm-${offset}`, time: '2026-01-01T00:00:00.000Z', actor: 'test', schemaVersion: 1, type: 'remove', kind: 'Host', key: o.name };
  const bgp = { ...(o.v4 ? { ipv4Address: o.v4 } : {}), ...(o.v6 ? { ipv6Address: o.v6 } : {}) };
  return putEvents([{ apiVersion: 'foldnet.io/v1', kind: 'Host', metadata: { name: o.name }, spec: { bgp } }], offset)[0]!;
};

const addresses = (h: { ipv4?: string; ipv6?: string }): string[] => [h.ipv4, h.ipv6].flatMap((p) => (p ? [cidrAddress(p as never)] : []));

/** The reference: every other host, in key order; the first that shares an address, and the first such address of the new host's. */
const expectedClash = (s: ClusterState, o: Op & { kind: 'put' }): string | undefined => {
  const mine = addresses({ ipv4: o.v4, ipv6: o.v6 });
  for (const key of [...s.hosts.keys()].sort()) {
    const other = s.hosts.get(key)!;
    if (other.name === o.name) continue;
    const used = mine.find((a) => addresses(other).includes(a));
    if (used !== undefined) return `BGP address ${used} is already used by host ${other.name}`;
  }
  return undefined;
};

test('hosts keep unique BGP addresses, hostAddresses indexes them exactly, and a clash names what a full scan finds', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
      let s = emptyState();
      ops.forEach((o, i) => {
        const r = fold(s, eventOf(o, i));
        assert.ok(E.isRight(r));
        if (o.kind === 'put') assert.equal(r.right.rejection?.reason, expectedClash(s, o));
        s = r.right.state;
        const index = new Map<string, string[]>();
        for (const [key, h] of s.hosts) for (const a of addresses(h)) index.set(a, [...(index.get(a) ?? []), key].sort());
        assert.deepEqual(new Map([...s.hostAddresses.entries()].map(([a, keys]) => [a, [...keys]])), index);
        for (const keys of index.values()) assert.equal(keys.length, 1, 'two hosts share a BGP address');
      });
    }),
    { numRuns: RUNS * 3 },
  );
});
