import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointYaml, said, SEED_DEMO, withWorkspace } from './cli-harness';

describe('foldnet delete', () => {
  test('by kind and name appends one remove per name, in one batch', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
      const r = await ws.run(['delete', 'wep', 'a', 'b', '-n', 'demo']);
      assert.equal(r.code, 0, said(r));
      assert.equal(r.stdout, 'workloadendpoint/demo/a deleted\nworkloadendpoint/demo/b deleted\n');
      const events = await ws.events();
      assert.deepEqual(events.slice(10).map((e) => [e.type, e.kind, e.key]), [
        ['remove', 'WorkloadEndpoint', 'demo/a'],
        ['remove', 'WorkloadEndpoint', 'demo/b'],
      ]);
      const left = await ws.run(['get', 'wep', '-n', 'demo', '-o', 'json']);
      assert.deepEqual((JSON.parse(left.stdout) as Array<{ metadata: { name: string } }>).map((d) => d.metadata.name), ['c', 'd', 'e']);
    }));

  test('by file removes what the file names, even where the file no longer validates', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
      const file = ws.write('gone.yaml', `${endpointYaml('c', '10.0.0.300')}---\napiVersion: foldnet.io/v1\nkind: Host\nmetadata: {name: host-2}\n`);
      const r = await ws.run(['delete', '-f', file]);
      assert.equal(r.code, 0, said(r));
      assert.equal(r.stdout, 'workloadendpoint/demo/c deleted\nhost/host-2 deleted\n');
      assert.deepEqual((await ws.events()).slice(10).map((e) => [e.type, e.key]), [['remove', 'demo/c'], ['remove', 'host-2']]);
    }));

  test('deleting what does not exist exits 1, names it, and appends nothing — even the names that do exist', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
      const r = await ws.run(['delete', 'wep', 'a', 'x', '-n', 'demo']);
      assert.equal(r.code, 1, said(r));
      assert.equal(r.stderr, 'Error: workloadendpoint demo/x not found\n');
      assert.equal((await ws.events()).length, 10);
    }));

  test('--ignore-not-found skips what does not exist and exits 0', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
      const r = await ws.run(['delete', 'wep', 'a', 'x', '-n', 'demo', '--ignore-not-found']);
      assert.equal(r.code, 0, said(r));
      assert.equal(r.stdout, 'workloadendpoint/demo/a deleted\n');
      assert.equal((await ws.events()).length, 11);
    }));

  test('the namespace defaults to "default"; NAMESPACE/NAME names another', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
      const r = await ws.run(['delete', 'wep', 'a']);
      assert.equal(r.code, 1, said(r));
      assert.equal(r.stderr, 'Error: workloadendpoint default/a not found\n');
      const s = await ws.run(['delete', 'wep', 'demo/a']);
      assert.equal(s.code, 0, said(s));
      assert.equal(s.stdout, 'workloadendpoint/demo/a deleted\n');
    }));

  test('--dry-run appends nothing; a removal the fold rejects exits 1 with its reason', () =>
    withWorkspace(async (ws) => {
      const file = ws.write('tier.yaml', `apiVersion: foldnet.io/v1
kind: Tier
metadata: {name: security}
spec: {order: 100}
---
apiVersion: foldnet.io/v1
kind: NetworkPolicy
metadata: {namespace: demo, name: p}
spec: {tier: security, ingress: [{action: Allow}]}
`);
      assert.equal((await ws.run(['apply', '-f', file])).code, 0);
      const dry = await ws.run(['delete', 'tier', 'security', '--dry-run']);
      assert.equal(dry.code, 1, said(dry));
      assert.match(dry.stdout, /^tier\/security rejected: tier security still holds policy NetworkPolicy:demo\/p \(dry run\)$/m);
      assert.equal((await ws.events()).length, 2);
      const real = await ws.run(['delete', 'tier', 'security']);
      assert.equal(real.code, 1, said(real));
      assert.match(real.stdout, /^tier\/security rejected: tier security still holds policy/m);
      assert.equal((await ws.events()).length, 3);
      // Deleting the file's resources together works: the policy goes before its tier.
      const both = await ws.run(['delete', '-f', file]);
      assert.equal(both.code, 0, said(both));
      assert.equal(both.stdout, 'tier/security deleted\nnetworkpolicy/demo/p deleted\n');
      assert.deepEqual((await ws.events()).slice(3).map((e) => e.kind), ['NetworkPolicy', 'Tier']);
    }));

  test('a translated endpoint cannot be deleted by itself; the message names the pod', () =>
    withWorkspace(async (ws) => {
      const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {nodeName: host-1}\nstatus: {podIP: 10.7.0.1}\n';
      assert.equal((await ws.run(['apply', '-f', ws.write('pod.yaml', pod)])).code, 0);
      const r = await ws.run(['delete', 'wep', 'web']);
      assert.equal(r.code, 1, said(r));
      assert.match(r.stderr, /^Error: workloadendpoint default\/web not found \(it is translated from v1\/Pod default\/web; delete that instead\)$/m);
      const p = await ws.run(['delete', 'pod', 'web']);
      assert.equal(p.stdout, 'pod/default/web deleted\n', said(p));
    }));
});
