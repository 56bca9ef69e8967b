// The fold: resources become model, and an event that would break an
// invariant is rejected with its reason, deterministically (first writer
// wins), leaving the model as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { fold, foldAll } from '../../../compiler/fold/fold';
import { emptyState, stateHash } from '../../../compiler/fold/state';
import { LoggedEvent } from '../../../compiler/events/event';
import { putEvents } from '../policy/build-state';
import { fixtureDocs } from '../../helpers/seed-demo';

const wep = (name: string, ip: string) => ({
  apiVersion: 'foldnet.io/v1', kind: 'WorkloadEndpoint', metadata: { namespace: 'demo', name },
  spec: { host: 'host-1', interfaceName: `cali-${name}`, ipNetworks: [`${ip}/32`] },
});
const removeEvent = (offset: number, kind: string, key: string): LoggedEvent =>
  ({ offset, id: `rm-${offset}`, time: '2026-01-01T00:00:00.000Z', actor: 'test', schemaVersion: 1, type: 'remove', kind, key });

const foldOk = (events: LoggedEvent[]) => {
  const r = foldAll(events);
  assert.ok(E.isRight(r));
  return r.right;
};

test('the seed demo folds into five endpoints, two profiles, two hosts and no rejections', () => {
  const s = foldOk(putEvents(fixtureDocs('seed-demo.yaml')));
  assert.equal(s.offset, 10);
  assert.equal(s.endpoints.size, 5);
  assert.equal(s.profiles.size, 2);
  assert.equal(s.hosts.size, 2);
  assert.equal(s.rejections.size, 0);
  assert.equal(s.ipOwners.get('192.168.1.3'), 'demo/c');
});

test('two endpoints with the same IP: the second is rejected with the reason, the first keeps it', () => {
  const s = foldOk(putEvents([wep('a', '10.0.0.1'), wep('b', '10.0.0.1')]));
  assert.equal(s.endpoints.size, 1);
  assert.equal(s.rejections.get(1)?.reason, 'IP 10.0.0.1 is already used by endpoint demo/a');
  assert.equal(s.ipOwners.get('10.0.0.1'), 'demo/a');
});

test('an endpoint that moves to a new IP frees the old one', () => {
  const s = foldOk(putEvents([wep('a', '10.0.0.1'), wep('a', '10.0.0.2'), wep('b', '10.0.0.1')]));
  assert.equal(s.rejections.size, 0);
  assert.equal(s.ipOwners.get('10.0.0.1'), 'demo/b');
});

test('a policy in a tier that does not exist is rejected; the tier cannot be removed while it holds one', () => {
  const policy = { apiVersion: 'foldnet.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'demo', name: 'p' }, spec: { tier: 'security' } };
  const tier = { apiVersion: 'foldnet.io/v1', kind: 'Tier', metadata: { name: 'security' }, spec: {} };
  const s = foldOk([...putEvents([policy, tier, policy]), removeEvent(3, 'Tier', 'security')]);
  assert.equal(s.rejections.get(0)?.reason, 'tier security does not exist');
  assert.ok(s.policies.has('NetworkPolicy:demo/p'));
  assert.match(s.rejections.get(3)!.reason, /^tier security still holds policy/);
});

test('overlapping pools and a reused BGP address are rejected', () => {
  const s = foldOk(putEvents([
    { apiVersion: 'foldnet.io/v1', kind: 'IPPool', metadata: { name: 'a' }, spec: { cidr: '10.0.0.0/16' } },
    { apiVersion: 'foldnet.io/v1', kind: 'IPPool', metadata: { name: 'b' }, spec: { cidr: '10.0.128.0/17' } },
    { apiVersion: 'foldnet.io/v1', kind: 'Host', metadata: { name: 'h1' }, spec: { bgp: { ipv4Address: '10.99.0.1/24' } } },
    { apiVersion: 'foldnet.io/v1', kind: 'Host', metadata: { name: 'h2' }, spec: { bgp: { ipv4Address: '10.99.0.1/16' } } },
  ]));
  assert.equal(s.rejections.get(1)?.reason, 'pool 10.0.128.0/17 overlaps pool a (10.0.0.0/16)');
  assert.equal(s.rejections.get(3)?.reason, 'BGP address 10.99.0.1 is already used by host h1');
});

test('removing what does not exist is rejected; removing what does frees it', () => {
  const s = foldOk([...putEvents([wep('a', '10.0.0.1')]), removeEvent(1, 'WorkloadEndpoint', 'demo/zz'), removeEvent(2, 'WorkloadEndpoint', 'demo/a')]);
  assert.equal(s.rejections.get(1)?.reason, 'WorkloadEndpoint demo/zz does not exist');
  assert.equal(s.endpoints.size, 0);
  assert.equal(s.ipOwners.size, 0);
});

test('a rejected event leaves the model exactly as it was', () => {
  const before = foldOk(putEvents([wep('a', '10.0.0.1')]));
  const r = fold(before, putEvents([wep('b', '10.0.0.1')], 1)[0]!);
  assert.ok(E.isRight(r) && r.right.rejection);
  assert.equal(r.right.state.endpoints, before.endpoints);
  assert.equal(r.right.changes.length, 0);
});

test('an event out of order is an error, not a rejection', () => {
  const r = fold(emptyState(), putEvents([wep('a', '10.0.0.1')], 5)[0]!);
  assert.ok(E.isLeft(r));
  assert.deepEqual(r.left, { _tag: 'OutOfOrder', expected: 0, got: 5 });
});

test('the fold reports what changed, with before and after', () => {
  const s0 = foldOk(putEvents([wep('a', '10.0.0.1')]));
  const r = fold(s0, putEvents([wep('a', '10.0.0.2')], 1)[0]!);
  assert.ok(E.isRight(r));
  const [c] = r.right.changes;
  assert.equal(c?.entity, 'endpoint');
  assert.deepEqual((c?.before as { ips: string[] }).ips, ['10.0.0.1']);
  assert.deepEqual((c?.after as { ips: string[] }).ips, ['10.0.0.2']);
});

test('pods become endpoints with Calico interface names; deleting the pod removes the endpoint', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'prod' }, spec: { nodeName: 'host-1' }, status: { podIPs: [{ ip: '10.1.0.5' }] } };
  const s = foldOk(putEvents([pod]));
  const ep = s.endpoints.get('prod/web')!;
  assert.match(ep.interfaceName, /^cali[0-9a-f]{11}$/);
  assert.deepEqual(ep.profiles, ['kns.prod']);
  const gone = foldOk([...putEvents([pod]), removeEvent(1, 'Pod', 'prod/web')]);
  assert.equal(gone.endpoints.size, 0);
});

test('the state hash is the same for the same events and differs when they differ', () => {
  const events = putEvents(fixtureDocs('seed-demo.yaml'));
  assert.equal(stateHash(foldOk(events)), stateHash(foldOk(putEvents(fixtureDocs('seed-demo.yaml')))));
  assert.notEqual(stateHash(foldOk(events)), stateHash(foldOk(events.slice(0, 9))));
});
