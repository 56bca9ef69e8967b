import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { compileHost } from '../../../compiler/compile/host';
import type { HostSnapshot } from '../../../compiler/compile/snapshot';
import { diffSnapshots, isEmptyDiff, type DatapathDiff } from '../../../compiler/diff/datapath-diff';
import { renderDatapathDiff } from '../../../compiler/diff/render-diff';
import type { ClusterState } from '../../../compiler/fold/state';
import { foldEvents, putEvents } from '../policy/build-state';
import { wep } from '../policy/docs';
import { fixtureDocs, seedDemoOpenedState, seedDemoState } from '../../helpers/seed-demo';

const snap = (s: ClusterState, host: string): HostSnapshot => {
  const r = compileHost(s, host);
  if (E.isLeft(r)) throw new Error(`no host ${host}`);
  return r.right;
};

const diff = (host: string, a: ClusterState, b: ClusterState): DatapathDiff => {
  const r = diffSnapshots(host, snap(a, host), snap(b, host));
  if (E.isLeft(r)) throw new Error(r.left.join('\n'));
  return r.right;
};

describe('datapath diff', () => {
  test('the same state gives an empty diff with equal hashes', () => {
    const d = diff('host-1', seedDemoState(), seedDemoState());
    assert.ok(isEmptyDiff(d));
    assert.equal(d.before, d.after);
    assert.deepEqual(renderDatapathDiff(d), []);
  });

  test('a new policy shows as an added policy chain whose rule names it, and new steps for the endpoint jumping to it', () => {
    const d = diff('host-1', seedDemoState(), seedDemoOpenedState());
    assert.ok(!isEmptyDiff(d));
    const added = d.nftables.chains.find((c) => c.name.includes('demo/a-to-c-http'));
    assert.ok(added, JSON.stringify(d.nftables.chains.map((c) => c.name)));
    assert.equal(added.change, 'added');
    assert.ok(added.lines.some((l) => l.op === '+' && /tcp dport 80/.test(l.line) && /a-to-c-http/.test(l.line)), JSON.stringify(added.lines));
    // C's ingress steps now jump to the policy: new steps (named by their content), and C's map element points there.
    const steps = d.nftables.chains.find((c) => c.name.startsWith('wl-is/') && c.change === 'added');
    assert.ok(steps?.lines.some((l) => l.op === '+' && /jump np-i\/demo\/a-to-c-http/.test(l.line)), JSON.stringify(d.nftables.chains));
    assert.ok(d.nftables.maps.some((m) => m.added.some((x) => x.startsWith('"cali-c" : jump wl-is/'))), JSON.stringify(d.nftables.maps));
    const text = renderDatapathDiff(d).join('\n');
    assert.match(text, /^nftables:$/m);
    assert.match(text, /chain np-i\/demo\/a-to-c-http \(added\):/);
    // host-2 has neither A nor C: its datapath does not change.
    assert.ok(isEmptyDiff(diff('host-2', seedDemoState(), seedDemoOpenedState())));
  });

  test('a new endpoint adds its route, its sysctls, its map elements and its address to the selector sets', () => {
    const docs = fixtureDocs('seed-demo.yaml');
    const before = foldEvents(putEvents(docs));
    const after = foldEvents(putEvents([wep('demo', 'f', { host: 'host-1', ips: ['192.168.1.6'], labels: { app: 'f' }, profiles: ['default'], interfaceName: 'cali-f' })], docs.length), before);
    const d = diff('host-1', before, after);
    assert.deepEqual(d.routes, { added: ['192.168.1.6/32 dev cali-f proto 88 scope link'], removed: [] });
    assert.ok(d.sysctls.some((s) => s.key === 'net.ipv4.conf.cali-f.proxy_arp' && s.after === '1' && s.before === undefined));
    assert.ok(d.nftables.maps.some((m) => m.added.some((x) => x.startsWith('"cali-f" : jump'))));
    assert.ok(d.nftables.sets.some((s) => s.change === 'changed' && s.added.includes('192.168.1.6') && s.comment?.startsWith('selector')), JSON.stringify(d.nftables.sets));
    assert.deepEqual(d.bird, []);
  });

  test('a host that does not exist at one end diffs against an empty datapath', () => {
    const r = diffSnapshots('host-1', undefined, snap(seedDemoState(), 'host-1'));
    assert.ok(E.isRight(r));
    assert.equal(r.right.before, undefined);
    assert.ok(r.right.routes.added.length > 0 && r.right.bird.length > 0);
    assert.ok(r.right.nftables.chains.every((c) => c.change === 'added'));
  });

  test('the BIRD config diff shows changed lines with context', () => {
    const before = seedDemoState();
    const after = foldEvents(putEvents([{ apiVersion: 'foldnet.io/v1', kind: 'BGPConfiguration', metadata: { name: 'default' }, spec: { asNumber: 65001 } }], before.offset), before);
    const d = diff('host-1', before, after);
    const lines = d.bird.flatMap((h) => h.ops);
    assert.ok(lines.some((l) => l.op === '+' && l.line.includes('65001')), JSON.stringify(d.bird));
    assert.ok(lines.some((l) => l.op === '-' && l.line.includes('64512')));
    assert.ok(lines.some((l) => l.op === ' '));
  });
});
