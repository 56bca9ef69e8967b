// `compile`, `trace` and `reachability` as a user runs them, on the seed demo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO, SEED_DEMO, said, withWorkspace } from './cli-harness';

const OPEN_A_TO_C = join(REPO, 'fixtures', 'seed-demo-open-a-to-c.yaml');
const GROUPS: Record<string, string> = { 'demo/a': 'default', 'demo/b': 'default', 'demo/d': 'default', 'demo/c': 'group-a', 'demo/e': 'group-a' };

test('reachability of the seed demo: inside a group allowed, across groups denied, by both engines', async () => {
  await withWorkspace(async (ws) => {
    assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
    for (const engine of ['compiled', 'reference']) {
      const r = await ws.run(['reachability', '--protocol', 'TCP', '--port', '80', '--engine', engine, '-o', 'json']);
      assert.equal(r.code, 0, said(r));
      const m = JSON.parse(r.stdout) as Record<string, Record<string, boolean>>;
      assert.deepEqual(Object.keys(m), Object.keys(GROUPS).sort());
      for (const a of Object.keys(GROUPS)) for (const b of Object.keys(GROUPS)) assert.equal(m[a]![b], GROUPS[a] === GROUPS[b], `${engine}: ${a} → ${b}`);
    }
  });
});

test('trace exits 0 when allowed and 1 when denied, naming the rule that decided', async () => {
  await withWorkspace(async (ws) => {
    await ws.run(['apply', '-f', SEED_DEMO]);
    const denied = await ws.run(['trace', '--from', 'demo/a', '--to', 'demo/c', '--protocol', 'TCP', '--port', '80']);
    assert.equal(denied.code, 1, said(denied));
    assert.match(denied.stdout, /decided by "ingress: no profile allowed \(profiles group-a\)"/);
    assert.match(denied.stdout, /DENIED/);
    await ws.run(['apply', '-f', OPEN_A_TO_C]);
    const allowed = await ws.run(['trace', '--from', 'demo/a', '--to', 'demo/c', '--protocol', 'TCP', '--port', '80']);
    assert.equal(allowed.code, 0, said(allowed));
    assert.match(allowed.stdout, /decided by "np demo\/a-to-c-http ingress rule 0"/);
    const other = await ws.run(['trace', '--from', 'demo/a', '--to', 'demo/c', '--protocol', 'TCP', '--port', '443', '--engine', 'reference']);
    assert.equal(other.code, 1, said(other));
    const past = await ws.run(['trace', '--from', '192.168.1.1', '--to', '192.168.1.3', '--protocol', 'TCP', '--port', '80', '--at', '9']);
    assert.equal(past.code, 1, `before the change (offset 9) A → C was denied\n${said(past)}`);
    const cross = await ws.run(['trace', '--from', 'demo/a', '--to', 'demo/d', '--protocol', 'TCP', '--port', '80', '-o', 'json']);
    assert.equal(cross.code, 0, said(cross));
    const hops = (JSON.parse(cross.stdout) as { hops: Array<{ host: string }> }).hops.map((h) => h.host);
    assert.deepEqual(hops, ['host-1', 'host-2'], 'egress on the sending host, ingress on the receiving one');
  });
});

test('compile prints each part of the snapshot, and the same hash twice', async () => {
  await withWorkspace(async (ws) => {
    await ws.run(['apply', '-f', SEED_DEMO]);
    const json = await ws.run(['compile', '--host', 'host-1']);
    assert.equal(json.code, 0, said(json));
    const snap = JSON.parse(json.stdout) as { host: string; hash: string; routes: Array<{ dst: string }>; bird: string };
    assert.equal(snap.host, 'host-1');
    assert.deepEqual(snap.routes.map((r) => r.dst), ['192.168.1.1/32', '192.168.1.2/32', '192.168.1.3/32']);
    const hash = await ws.run(['compile', '--host', 'host-1', '-o', 'hash']);
    assert.equal(hash.stdout.trim(), snap.hash);
    const nft = await ws.run(['compile', '--host', 'host-1', '-o', 'nft']);
    assert.match(nft.stdout, /^table inet foldnet \{/m);
    assert.match(nft.stdout, /"cali-a" : jump wl-es\/[0-9a-f]{12}/);
    assert.match(nft.stdout, /fib saddr \. iif oif missing drop/);
    const bird = await ws.run(['compile', '--host', 'host-2', '-o', 'bird']);
    assert.match(bird.stdout, /router id 10\.99\.0\.2;/);
    const missing = await ws.run(['compile', '--host', 'host-9']);
    assert.equal(missing.code, 1, said(missing));
    assert.match(missing.stderr, /host host-9 does not exist \(hosts: host-1, host-2\)/);
  });
});

test('bad trace arguments are usage errors', async () => {
  await withWorkspace(async (ws) => {
    await ws.run(['apply', '-f', SEED_DEMO]);
    const noPort = await ws.run(['trace', '--from', 'demo/a', '--to', 'demo/b', '--protocol', 'TCP']);
    assert.equal(noPort.code, 2, said(noPort));
    const badProto = await ws.run(['trace', '--from', 'demo/a', '--to', 'demo/b', '--protocol', 'bogus', '--port', '1']);
    assert.equal(badProto.code, 2, said(badProto));
    assert.match(badProto.stderr, /--protocol/);
    const unknown = await ws.run(['trace', '--from', 'demo/zz', '--to', 'demo/b', '--protocol', 'TCP', '--port', '1']);
    assert.equal(unknown.code, 1, said(unknown));
    assert.match(unknown.stderr, /--from: "demo\/zz" is neither/);
  });
});
