// `trace` and `reachability` to an anycast service, as a user runs them, on
// the anycast fixture: which backends a connection can reach, and the rules
// that decide on the way, by both engines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO, said, withWorkspace } from './cli-harness';

const ANYCAST = join(REPO, 'fixtures', 'anycast-demo.yaml');

test('trace to a service names every backend a connection can reach and the rule that decides for each', async () => {
  await withWorkspace(async (ws) => {
    assert.equal((await ws.run(['apply', '-f', ANYCAST])).code, 0);
    for (const to of ['demo/web', '10.96.0.10']) {
      const r = await ws.run(['trace', '--from', 'demo/client', '--to', to, '--protocol', 'TCP', '--port', '80']);
      assert.equal(r.code, 0, said(r));
      assert.match(r.stdout, /service demo\/web → backend demo\/web-1 on host-1 \(192\.168\.1\.1 port 80\): ALLOWED/);
      assert.match(r.stdout, /service demo\/web → backend demo\/web-2 on host-2 \(192\.168\.2\.1 port 80\): ALLOWED/);
      assert.match(r.stdout, /host host-3 forward cali-client → fn-uplink0: accept — decided by "profile client egress rule 0"/);
      assert.match(r.stdout, /host host-1 forward fn-uplink0 → cali-web1: accept — decided by "profile web ingress rule 0"/);
    }
    const json = await ws.run(['trace', '--from', 'demo/client', '--to', 'demo/web', '--protocol', 'TCP', '--port', '80', '--engine', 'reference', '-o', 'json']);
    assert.equal(json.code, 0, said(json));
    const v = JSON.parse(json.stdout) as { service: { outcomes: Array<{ backend: string; verdict: { allowed: boolean } }> } };
    assert.deepEqual(v.service.outcomes.map((o) => [o.backend, o.verdict.allowed]), [['demo/web-1', true], ['demo/web-2', true]]);
    const wrongPort = await ws.run(['trace', '--from', 'demo/client', '--to', 'demo/web', '--protocol', 'TCP', '--port', '81']);
    assert.equal(wrongPort.code, 1, said(wrongPort));
    assert.match(wrongPort.stdout, /on no port of it/);
  });
});

test('reachability --service: from every endpoint, which backends a new connection reaches', async () => {
  await withWorkspace(async (ws) => {
    assert.equal((await ws.run(['apply', '-f', ANYCAST])).code, 0);
    for (const engine of ['compiled', 'reference']) {
      const r = await ws.run(['reachability', '--protocol', 'TCP', '--port', '80', '--service', 'demo/web', '--engine', engine, '-o', 'json']);
      assert.equal(r.code, 0, said(r));
      assert.deepEqual(JSON.parse(r.stdout), {
        'demo/client': { 'demo/web-1': true, 'demo/web-2': true },
        // A backend's host translates to its own backend; the web profile takes connections from clients only.
        'demo/web-1': { 'demo/web-1': true },
        'demo/web-2': { 'demo/web-2': true },
      }, engine);
    }
    const table = await ws.run(['reachability', '--protocol', 'TCP', '--port', '80', '--service', 'demo/web']);
    assert.match(table.stdout, /demo\/client\s+yes\s+yes/);
    const missing = await ws.run(['reachability', '--protocol', 'TCP', '--port', '80', '--service', 'demo/nope']);
    assert.equal(missing.code, 1, said(missing));
    assert.match(missing.stderr, /--service: no anycast service "demo\/nope"/);
  });
});
