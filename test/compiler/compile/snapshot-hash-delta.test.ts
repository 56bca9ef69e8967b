// A delta that cannot be what changed since the hasher's last snapshot —
// its counts do not add up to the new snapshot's (a caller that skipped a
// delta, say) — is not trusted: the snapshot hashes as a fresh hasher hashes
// it, instead of by the sums the delta would carry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostSnapshot, RouteModel, SysctlModel } from '../../../compiler/compile/snapshot';
import { SnapshotHasher, snapshotHash } from '../../../compiler/compile/snapshot-hash';
import type { ElementDelta, SnapshotDelta } from '../../../compiler/incremental/snapshot-delta';
import { Cidr } from '../../../compiler/net/ip';

const route = (dst: string): RouteModel => ({ dst: dst as Cidr, type: 'unicast', dev: 'cali0', scope: 'link', protocol: 80 });
const sysctl = (key: string): SysctlModel => ({ key, value: '1' });
const set = (elem: string[]) => ({ set: { family: 'inet', table: 'foldnet', name: 's', type: 'ipv4_addr', elem } });

const snapshot = (parts: { routes?: RouteModel[]; sysctls?: SysctlModel[]; elem?: string[] }): HostSnapshot => ({
  host: 'h', offset: 0, bird: '', routes: parts.routes ?? [], sysctls: parts.sysctls ?? [], nftables: { nftables: [set(parts.elem ?? ['10.0.0.1'])] },
});

const delta = (parts: { setElements?: Map<string, ElementDelta> }): SnapshotDelta => ({
  chains: { added: new Set(), removed: new Set(), rewritten: new Set() },
  sets: { added: new Set(), removed: new Set(), elements: parts.setElements ?? new Map() },
  maps: new Map(), routes: new Map(), sysctls: new Map(), bird: false,
});

const afterStale = (before: HostSnapshot, after: HostSnapshot, d: SnapshotDelta): void => {
  const hasher = new SnapshotHasher();
  hasher.hash(before);
  assert.equal(hasher.hash(after, d), snapshotHash(after));
};

test('a route the delta does not name is not lost from the hash', () => {
  afterStale(snapshot({ routes: [route('10.0.0.1/32')] }), snapshot({ routes: [route('10.0.0.1/32'), route('10.0.0.2/32')] }), delta({}));
});

test('a sysctl the delta does not name is not lost from the hash', () => {
  afterStale(snapshot({ sysctls: [sysctl('a')] }), snapshot({ sysctls: [sysctl('a'), sysctl('b')] }), delta({}));
});

test('a set element the delta does not name is not lost from the hash', () => {
  const moved = new Map([['s', { add: new Map([['"10.0.0.2"', '10.0.0.2']]), del: new Map() }]]);
  afterStale(snapshot({ elem: ['10.0.0.1'] }), snapshot({ elem: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] }), delta({ setElements: moved }));
});
