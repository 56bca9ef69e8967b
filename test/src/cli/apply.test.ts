import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { endpointYaml, said, SEED_DEMO, withWorkspace } from './cli-harness';

const seedText = readFileSync(SEED_DEMO, 'utf8');

describe('foldnet apply', () => {
  test('applying the seed demo creates its 10 resources as 10 put events', () =>
    withWorkspace(async (ws) => {
      const r = await ws.run(['--actor', 'alice', 'apply', '-f', SEED_DEMO]);
      assert.equal(r.code, 0, said(r));
      const lines = r.stdout.trim().split('\n');
      assert.equal(lines.length, 10, said(r));
      assert.ok(lines.every((l) => l.endsWith(' created')), said(r));
      assert.ok(lines.includes('workloadendpoint/demo/a created'), said(r));
      assert.ok(lines.includes('host/host-1 created'), said(r));
      const events = await ws.events();
      assert.equal(events.length, 10);
      assert.deepEqual(events.map((e) => e.offset), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.ok(events.every((e) => e.type === 'put' && e.actor === 'alice'));
    }));

  test('applying the same files again appends nothing and reports every resource unchanged', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
      const again = await ws.run(['apply', '-f', SEED_DEMO]);
      assert.equal(again.code, 0, said(again));
      assert.equal(again.stdout.trim().split('\n').filter((l) => l.endsWith(' unchanged')).length, 10, said(again));
      assert.equal((await ws.events()).length, 10);
    }));

  test('changing one endpoint appends exactly one event, for that endpoint', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
      const changed = ws.write('seed.yaml', seedText.replace('192.168.1.5/32', '192.168.1.6/32'));
      const r = await ws.run(['apply', '-f', changed]);
      assert.equal(r.code, 0, said(r));
      assert.match(r.stdout, /^workloadendpoint\/demo\/e configured$/m);
      assert.equal(r.stdout.match(/ configured$/gm)?.length, 1, said(r));
      const events = await ws.events();
      assert.equal(events.length, 11);
      assert.equal(events[10]!.key, 'demo/e');
      assert.deepEqual((events[10]!.resource as { spec: { ipNetworks: string[] } }).spec.ipNetworks, ['192.168.1.6/32']);
    }));

  test('--dry-run reports what would change and appends nothing', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
      const extra = ws.write('f.yaml', endpointYaml('f', '192.168.1.9'));
      const r = await ws.run(['apply', '-f', extra, '--dry-run']);
      assert.equal(r.code, 0, said(r));
      assert.equal(r.stdout, 'workloadendpoint/demo/f created (dry run)\n');
      assert.equal((await ws.events()).length, 10);
    }));

  test('--dry-run on an empty log appends nothing (the log holds no events)', () =>
    withWorkspace(async (ws) => {
      const r = await ws.run(['apply', '-f', SEED_DEMO, '--dry-run']);
      assert.equal(r.code, 0, said(r));
      assert.equal(r.stdout.match(/ created \(dry run\)$/gm)?.length, 10, said(r));
      assert.deepEqual(await ws.events(), []);
    }));

  test('an event the fold rejects (an IP already held) exits 1 with the reason; the rejection is in the log', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', ws.write('x.yaml', endpointYaml('x', '10.1.0.1'))])).code, 0);
      const r = await ws.run(['apply', '-f', ws.write('y.yaml', endpointYaml('y', '10.1.0.1'))]);
      assert.equal(r.code, 1, said(r));
      assert.match(r.stdout, /^workloadendpoint\/demo\/y rejected: IP 10\.1\.0\.1 is already used by endpoint demo\/x$/m);
      assert.match(r.stderr, /^Error: 1 of 1 change was rejected by the fold$/m);
      const events = await ws.events();
      assert.equal(events.length, 2);
      assert.equal(events[1]!.rejected, 'IP 10.1.0.1 is already used by endpoint demo/x');
      const dry = await ws.run(['apply', '-f', 'y.yaml', '--dry-run']);
      assert.equal(dry.code, 1, said(dry));
      assert.match(dry.stdout, /rejected: IP 10\.1\.0\.1 is already used.*\(dry run\)$/m);
    }));

  test('a directory applies its .yaml/.yml/.json files in name order; a List spreads into its items; - reads stdin', () =>
    withWorkspace(async (ws) => {
      ws.write('b.yml', endpointYaml('b', '10.2.0.2'));
      const a = {
        apiVersion: 'foldnet.io/v1', kind: 'WorkloadEndpoint', metadata: { namespace: 'demo', name: 'a' },
        spec: { host: 'host-1', interfaceName: 'cali-a', ipNetworks: ['10.2.0.1/32'] },
      };
      ws.write('a.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [a] }));
      ws.write('notes.txt', 'not a resource');
      const r = await ws.run(['apply', '-f', '.']);
      assert.equal(r.code, 0, said(r));
      assert.equal(r.stdout, 'workloadendpoint/demo/a created\nworkloadendpoint/demo/b created\n');
      const s = await ws.run(['apply', '-f', '-'], { stdin: endpointYaml('c', '10.2.0.3') });
      assert.equal(s.code, 0, said(s));
      assert.equal(s.stdout, 'workloadendpoint/demo/c created\n');
    }));

  test('a policy before its tier in the input still applies: tiers are written first', () =>
    withWorkspace(async (ws) => {
      const file = ws.write('p.yaml', `apiVersion: foldnet.io/v1
kind: NetworkPolicy
metadata: {namespace: demo, name: p}
spec: {tier: security, selector: all(), ingress: [{action: Allow}]}
---
apiVersion: foldnet.io/v1
kind: Tier
metadata: {name: security}
spec: {order: 100}
`);
      const r = await ws.run(['apply', '-f', file]);
      assert.equal(r.code, 0, said(r));
      assert.equal(r.stdout, 'networkpolicy/demo/p created\ntier/security created\n');
      assert.deepEqual((await ws.events()).map((e) => e.kind), ['Tier', 'NetworkPolicy']);
    }));
});
