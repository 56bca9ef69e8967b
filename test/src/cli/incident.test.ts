// The incident commands on the recorded incident of fixtures/incident/: one
// policy edit (event 287, alice@ops, 03:11:42) breaks payments → postgres on
// TCP 5432 among 330 events of churn.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { INCIDENT_DIR, INCIDENT_EVENTS, said, withIncidentWorkspace } from './incident-harness';

const PATH = ['--from', 'payments/payments-0', '--to', 'db/postgres-0', '--protocol', 'TCP', '--port', '5432'];

describe('foldnet bisect on the recorded incident', () => {
  test('names event 287: who, when, what (the selector line that changed), and the rule deciding before and after', () =>
    withIncidentWorkspace(INCIDENT_EVENTS, async (ws) => {
      const r = await ws.run(['bisect', ...PATH]);
      assert.equal(r.code, 0, said(r));
      assert.match(r.stdout, /the verdict flipped at event 287 /);
      assert.match(r.stdout, /^ {2}time {4}2026-11-26T03:11:42\.000Z$/m);
      assert.match(r.stdout, /^ {2}actor {3}alice@ops$/m);
      assert.match(r.stdout, /^ {2}change {2}put NetworkPolicy db\/postgres-ingress$/m);
      assert.match(r.stdout, /^ +-\s+selector: app == 'payments'$/m);
      assert.match(r.stdout, /^ +\+\s+selector: app == 'payments-api'$/m);
      assert.match(r.stdout, /before it \(after event 286\): ALLOWED\n(.*\n)*.*accept — decided by "np db\/postgres-ingress ingress rule 0"/);
      assert.match(r.stdout, /after it \(after event 287\): DENIED\n(.*\n)*.*drop — decided by "tier default: end of tier ingress"/);
    }));

  test('-o json carries the event, the verdicts before and after, and the points probed; the reference engine agrees', () =>
    withIncidentWorkspace(INCIDENT_EVENTS, async (ws) => {
      for (const engine of ['compiled', 'reference']) {
        const r = await ws.run(['bisect', ...PATH, '--engine', engine, '-o', 'json']);
        assert.equal(r.code, 0, said(r));
        const j = JSON.parse(r.stdout) as { kind: string; event: { offset: number; actor: string }; before: { allowed: boolean }; after: { allowed: boolean }; probes: number };
        assert.equal(j.kind, 'flip');
        assert.equal(j.event.offset, 287);
        assert.equal(j.event.actor, 'alice@ops');
        assert.deepEqual([j.before.allowed, j.after.allowed], [true, false]);
        assert.ok(j.probes <= 20, `${j.probes} probes`);
      }
    }));

  test('--good and --bad take offsets and times; the same verdict at both ends exits 1', () =>
    withIncidentWorkspace(INCIDENT_EVENTS, async (ws) => {
      const json = async (args: string[]) => {
        const r = await ws.run(['bisect', ...PATH, '-o', 'json', ...args]);
        return { code: r.code, j: JSON.parse(r.stdout) as { kind: string; event?: { offset: number } } };
      };
      assert.equal((await json(['--good', '100', '--bad', '300'])).j.event?.offset, 287);
      assert.equal((await json(['--bad', '2026-11-26T03:12:00Z'])).j.event?.offset, 287);
      const same = await json(['--good', '290', '--bad', '300']);
      assert.deepEqual([same.code, same.j.kind], [1, 'same']);
      const bad = await ws.run(['bisect', ...PATH, '--good', '300', '--bad', '290']);
      assert.equal(bad.code, 2, said(bad));
      assert.match(bad.stderr, /--good \(after event 300\) must come before --bad/);
    }));

  test('a path whose verdict never changed: no flip found, exit 1', () =>
    withIncidentWorkspace(INCIDENT_EVENTS, async (ws) => {
      const r = await ws.run(['bisect', '--from', 'monitoring/prometheus-0', '--to', 'db/postgres-0', '--protocol', 'TCP', '--port', '9100']);
      assert.equal(r.code, 1, said(r));
      assert.match(r.stdout, /ALLOWED after event 329, and at every point probed back to the empty log/);
    }));
});

describe('foldnet diff on the recorded incident', () => {
  test('across event 287, on postgres-0’s host, shows the changed rule of the policy chain and names the event', () =>
    withIncidentWorkspace(INCIDENT_EVENTS, async (ws) => {
      const r = await ws.run(['diff', '--host', 'node-3', '--from', '280', '--to', '290']);
      assert.equal(r.code, 0, said(r));
      assert.match(r.stdout, /^host node-3: after event 280 \(snapshot [0-9a-f]{12}\) → after event 290 \(snapshot [0-9a-f]{12}\)$/m);
      assert.match(r.stdout, /chain np-i\/db\/postgres-ingress \(changed\):\n\s+@@ -1 \+1 @@\n\s+-ip saddr @sel4-\S+ tcp dport 5432 .*comment "np db\/postgres-ingress ingress rule 0"/);
      assert.match(r.stdout, /^\s+\+ip saddr @sel4-\S+ tcp dport 5432 .*ingress rule 0"$/m);
      assert.match(r.stdout, /set sel4-\S+ \(added; selector nssel:kubernetes\.io\/metadata\.name == "payments"\|app == "payments-api"\)/);
      assert.match(r.stdout, /events in between that changed node-3's datapath \(\d+ of 10\):/);
      assert.match(r.stdout, /^\s+287\s+2026-11-26T03:11:42\.000Z\s+alice@ops\s+put\s+NetworkPolicy\s+db\/postgres-ingress\s+nftables$/m);
    }));

  test('-o json: the chain diff as data and the causing events; a host it does not concern shows no change', () =>
    withIncidentWorkspace(INCIDENT_EVENTS, async (ws) => {
      const r = await ws.run(['diff', '--host', 'node-3', '--from', '286', '--to', '287', '-o', 'json']);
      assert.equal(r.code, 0, said(r));
      const j = JSON.parse(r.stdout) as { nftables: { chains: Array<{ name: string; lines: Array<{ op: string; line: string }> }> }; events: Array<{ offset: number; changed: string[] }> };
      const chain = j.nftables.chains.find((c) => c.name === 'np-i/db/postgres-ingress');
      assert.ok(chain?.lines.some((l) => l.op === '-' && l.line.includes('ingress rule 0')));
      assert.deepEqual(j.events.map((e) => [e.offset, e.changed]), [[287, ['nftables']]]);
      const other = await ws.run(['diff', '--host', 'node-2', '--from', '286', '--to', '287']);
      assert.match(other.stdout, /the datapath is the same at both points/);
      assert.match(other.stdout, /none of the 1 events in between changed node-2's datapath/);
      const unknown = await ws.run(['diff', '--host', 'node-9', '--from', '0']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /host node-9 exists at neither point/);
    }));
});

describe('foldnet what-if on the recorded incident', () => {
  test('of the revert: the path is restored (denied → allowed) and the log is unchanged', () =>
    withIncidentWorkspace(INCIDENT_EVENTS, async (ws) => {
      const before = readFileSync(ws.logPath);
      const r = await ws.run(['what-if', '-f', join(INCIDENT_DIR, 'revert.yaml')]);
      assert.equal(r.code, 0, said(r));
      assert.match(r.stdout, /networkpolicy\/db\/postgres-ingress configured/);
      assert.match(r.stdout, /^reachability on TCP 5432 \(named by the change\):$/m);
      assert.match(r.stdout, /^ {2}payments\/payments-0 → db\/postgres-0 {3}TCP 5432 {3}denied → allowed$/m);
      assert.match(r.stdout, /^host node-3: snapshot/m);
      const db = new Database(ws.logPath, { readonly: true });
      try {
        assert.equal(db.prepare('SELECT count(*) FROM events').pluck().get(), 330);
      } finally {
        db.close();
      }
      assert.ok(readFileSync(ws.logPath).equals(before), 'the log file is byte for byte the same');
    }));

  test('of the breaking change, before it happened: it would have shown the path breaking', async () => {
    const lines = readFileSync(join(INCIDENT_DIR, 'events.jsonl'), 'utf8').split('\n').slice(0, 287).join('\n');
    await withIncidentWorkspace(undefined, async (ws) => {
      assert.equal((await ws.run(['import-events', '-f', ws.write('before.jsonl', lines)])).code, 0);
      const r = await ws.run(['what-if', '-f', join(INCIDENT_DIR, 'breaking-change.yaml'), '--host', 'node-3', '-o', 'json']);
      assert.equal(r.code, 0, said(r));
      const j = JSON.parse(r.stdout) as { hosts: Array<{ host: string }>; reachability: Array<{ from: string; to: string; before: string; after: string; port: number }> };
      assert.deepEqual(j.hosts.map((h) => h.host), ['node-3']);
      assert.ok(j.reachability.some((c) => c.from === 'payments/payments-0' && c.to === 'db/postgres-0' && c.port === 5432 && c.before === 'allowed' && c.after === 'denied'));
    });
  });

  test('a change the fold would reject exits 1 and says why', () =>
    withIncidentWorkspace(INCIDENT_EVENTS, async (ws) => {
      const f = ws.write('bad.yaml', 'apiVersion: foldnet.io/v1\nkind: NetworkPolicy\nmetadata: {namespace: db, name: x}\nspec: {tier: nope, selector: all()}\n');
      const r = await ws.run(['what-if', '-f', f]);
      assert.equal(r.code, 1, said(r));
      assert.match(r.stdout, /networkpolicy\/db\/x rejected: tier nope does not exist/);
    }));
});

describe('foldnet log --touching', () => {
  test('postgres-0: its namespace, its own spec, the policies selecting it — and none of the web or batch churn', () =>
    withIncidentWorkspace(INCIDENT_EVENTS, async (ws) => {
      const r = await ws.run(['log', '--touching', 'db/postgres-0', '-o', 'json']);
      assert.equal(r.code, 0, said(r));
      const events = JSON.parse(r.stdout) as Array<{ offset: number; key: string }>;
      assert.deepEqual(
        events.map((e) => `${e.offset} ${e.key}`),
        ['7 db', '13 platform.allow-monitoring', '14 db/postgres-0', '19 db/postgres-ingress', '120 db/postgres-ingress', '150 platform.allow-monitoring', '200 db/postgres-ingress', '287 db/postgres-ingress'],
      );
      const bad = await ws.run(['log', '--touching', 'postgres-0']);
      assert.equal(bad.code, 2, said(bad));
    }));
});

describe('foldnet checkpoint and import-events', () => {
  test('checkpoints are written at the spacing set, verified, and a corrupted one is reported and not used', () =>
    withIncidentWorkspace(INCIDENT_EVENTS, async (ws) => {
      const expected = (await ws.run(['compile', '--host', 'node-3', '--at', '220', '-o', 'hash'])).stdout;
      const w = await ws.run(['checkpoint', '--every', '50']);
      assert.equal(w.code, 0, said(w));
      assert.match(w.stdout, /every 50 events: wrote 6 checkpoints \(50, 100, 150, 200, 250, 300\)/);
      const v = await ws.run(['checkpoint', '--verify']);
      assert.equal(v.code, 0, said(v));
      assert.equal(v.stdout.match(/ valid$/gm)?.length, 6);
      const db = new Database(ws.logPath);
      db.prepare(`UPDATE checkpoints SET sha256 = ? WHERE "offset" = 200`).run('f'.repeat(64));
      db.close();
      const bad = await ws.run(['checkpoint', '--verify']);
      assert.equal(bad.code, 1, said(bad));
      assert.match(bad.stdout, /^200 .* invalid: .*corrupted/m);
      assert.equal((await ws.run(['compile', '--host', 'node-3', '--at', '220', '-o', 'hash'])).stdout, expected);
    }));

  test('importing the same events twice appends nothing the second time', () =>
    withIncidentWorkspace(INCIDENT_EVENTS, async (ws) => {
      const again = await ws.run(['import-events', '-f', INCIDENT_EVENTS]);
      assert.notEqual(again.code, 0, said(again));
      assert.match(again.stderr, /duplicate event id/);
      const r = await ws.run(['log', '-o', 'json']);
      assert.equal((JSON.parse(r.stdout) as unknown[]).length, 330);
    }));
});
