// Laws of the incident commands, over the recorded incident of
// fixtures/incident/ (330 events, checkpoints every 16 events in the log
// these tests share) and random points, packets and changes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import YAML from 'yaml';
import type { LoggedEvent } from '../../../compiler/events/event';
import { fold } from '../../../compiler/fold/fold';
import { emptyState } from '../../../compiler/fold/state';
import type { Ip } from '../../../compiler/net/ip';
import { evaluate } from '../../../compiler/policy/reference';
import { firstFlipByScan } from '../../../compiler/diff/bisect';
import { packetFor } from '../../../src/cli/incident-points';
import { clusterDocs } from '../../compiler/arbitraries/cluster';
import { foldnet, INCIDENT_DIR, INCIDENT_EVENTS, incidentEvents, said, type Ran } from './incident-harness';

let dir = '';
let full = '';
const events: LoggedEvent[] = incidentEvents();
const run = (log: string, args: readonly string[]): Promise<Ran> => foldnet(['--log', `file:${log}`, ...args]);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'foldnet-incident-prop-'));
  full = join(dir, 'full.db');
  assert.equal((await run(full, ['import-events', '-f', INCIDENT_EVENTS])).code, 0);
  assert.equal((await run(full, ['checkpoint', '--every', '16'])).code, 0);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const truncatedLogs = new Map<number, string>();

/** A log of the first n ≥ 1 events of the incident (made once per n: runs and shrinking repeat values). */
const truncated = async (n: number): Promise<string> => {
  const made = truncatedLogs.get(n);
  if (made !== undefined) return made;
  const path = join(dir, `first-${n}.db`);
  truncatedLogs.set(n, path);
  const file = join(dir, `first-${n}.jsonl`);
  writeFileSync(file, readFileSync(INCIDENT_EVENTS, 'utf8').split('\n').slice(0, n).join('\n'));
  assert.equal((await run(path, ['import-events', '-f', file])).code, 0);
  return path;
};

describe('incident properties', () => {
  test('compile --at N equals compiling a log truncated after event N (with checkpoints every 16 events)', async () => {
    const hosts = ['node-1', 'node-2', 'node-3', 'node-4'];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: events.length - 1 }), fc.constantFrom(...hosts), async (n, host) => {
        const atN = await run(full, ['compile', '--host', host, '--at', String(n), '-o', 'json']);
        const cut = await run(await truncated(n + 1), ['compile', '--host', host, '-o', 'json']);
        assert.equal(atN.code, cut.code, `${said(atN)}\n${said(cut)}`);
        assert.equal(atN.stdout, cut.stdout);
        assert.equal(atN.stderr, cut.stderr);
      }),
      { numRuns: 12 },
    );
  });

  test("bisect's answer is the flip a linear scan finds, when the verdict flips exactly once between good and bad", async () => {
    // Reference verdicts at every point for a packet, by one incremental fold.
    const verdictCache = new Map<string, boolean[]>();
    const verdictsFor = (src: string, dst: string, port: number): boolean[] => {
      const key = `${src}>${dst}:${port}`;
      const hit = verdictCache.get(key);
      if (hit !== undefined) return hit;
      const packet = packetFor(src as Ip, dst as Ip, 6, port);
      let s = emptyState();
      const v = [evaluate(s, packet).allowed];
      for (const e of events) {
        const r = fold(s, e);
        assert.ok(E.isRight(r));
        s = r.right.state;
        v.push(evaluate(s, packet).allowed);
      }
      verdictCache.set(key, v);
      return v;
    };
    const point = (end: number): string => (end === 0 ? 'start' : String(end - 1));
    const sources = ['10.65.2.10', '10.65.4.10', '10.65.1.12', '10.65.5.11'];
    const targets = ['10.65.3.10', '10.65.3.11', '10.65.1.10', '10.65.1.13', '10.65.1.20', '10.65.5.12'];
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...sources),
        fc.constantFrom(...targets),
        fc.constantFrom(5432, 8080, 9100, 9090),
        fc.integer({ min: 0, max: events.length }),
        fc.integer({ min: 0, max: events.length }),
        async (src, dst, port, a, b) => {
          fc.pre(a !== b);
          const [good, bad] = a < b ? [a, b] : [b, a];
          const v = verdictsFor(src, dst, port);
          let flips = 0;
          for (let p = good; p < bad; p++) if (v[p] !== v[p + 1]) flips++;
          const r = await run(full, ['bisect', '--from', src, '--to', dst, '--protocol', 'TCP', '--port', String(port), '--good', point(good), '--bad', point(bad), '--engine', 'reference', '-o', 'json']);
          const j = JSON.parse(r.stdout) as { kind: string; event?: { offset: number } };
          if (flips === 0) assert.deepEqual([r.code, j.kind], [1, 'same']);
          else if (flips === 1) {
            checked++;
            assert.equal(r.code, 0, said(r));
            assert.equal(j.event?.offset, firstFlipByScan(good, bad, (p) => v[p]!));
          } else if (flips % 2 === 1) {
            assert.equal(j.kind, 'flip');
            assert.notEqual(v[j.event!.offset], v[j.event!.offset + 1]);
          } else assert.equal(j.kind, 'same');
        },
      ),
      { numRuns: 60 },
    );
    assert.ok(checked > 0, 'some runs had exactly one flip');
  });

  test('what-if changes nothing in the log, whatever the change', async () => {
    const eventsDigest = (): string => {
      const db = new Database(full, { readonly: true });
      try {
        return createHash('sha256').update(JSON.stringify(db.prepare('SELECT * FROM events ORDER BY "offset"').all())).digest('hex');
      } finally {
        db.close();
      }
    };
    const known = [readFileSync(join(INCIDENT_DIR, 'revert.yaml'), 'utf8'), readFileSync(join(INCIDENT_DIR, 'breaking-change.yaml'), 'utf8')];
    const digest = eventsDigest();
    await fc.assert(
      fc.asyncProperty(clusterDocs, fc.subarray(known), fc.nat(), async (docs, fixed, seed) => {
        const some = docs.filter((_, i) => (seed >> i % 30) & 1);
        const text = [...fixed, ...some.map((d) => YAML.stringify(d))].join('---\n');
        fc.pre(text.trim() !== '');
        const file = join(dir, 'change.yaml');
        writeFileSync(file, text);
        const r = await run(full, ['what-if', '-f', file]);
        assert.ok([0, 1, 2].includes(r.code), said(r));
        assert.equal(eventsDigest(), digest);
      }),
      { numRuns: 10 },
    );
  });
});
