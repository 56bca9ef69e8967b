// Replay depends on these laws: the same events give the same state and the
// same snapshot bytes in any process, locale or time zone; and the order of
// unrelated events never changes what a host compiles to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { compileHost, snapshotBytes, snapshotHash } from '../../../compiler/compile/host';
import { stateHash } from '../../../compiler/fold/state';
import { clusterDocs } from '../arbitraries/cluster';
import { stateFrom } from '../policy/build-state';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);

const hashesHere = (docs: object[]): Record<string, string> => {
  const state = stateFrom(docs);
  const out: Record<string, string> = { state: stateHash(state) };
  for (const h of [...state.hosts.keys()].sort()) {
    const s = compileHost(state, h);
    if (E.isRight(s)) out[h] = snapshotHash(s.right);
  }
  return out;
};

const hashesInChild = (docs: object[], env: Record<string, string>): Record<string, string> => {
  const ext = path.extname(__filename);
  const worker = path.join(__dirname, 'fixtures', `hash-worker${ext}`);
  const r = spawnSync(process.execPath, [...process.execArgv, worker], { input: JSON.stringify(docs), encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, string>;
};

test('the same events give the same state and snapshot hashes in a fresh process, whatever the locale and time zone', () => {
  const samples = fc.sample(clusterDocs, { numRuns: 5, seed: 20261127 });
  for (const docs of samples) {
    const here = hashesHere(docs);
    assert.deepEqual(hashesInChild(docs, { LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8', TZ: 'Pacific/Chatham' }), here);
    assert.deepEqual(hashesInChild(docs, { LANG: 'C', LC_ALL: 'C', TZ: 'UTC' }), here);
  }
});

/** Shuffles documents, keeping those that others refer to (hosts, namespaces, tiers) in front. */
const reorder = (docs: object[], keys: number[]): object[] => {
  const first = (d: object) => ['Host', 'Namespace', 'Tier'].includes((d as { kind: string }).kind);
  const shuffled = docs.map((d, i) => ({ d, k: keys[i % keys.length]! + i / 1000 })).sort((a, b) => a.k - b.k).map((x) => x.d);
  return [...shuffled.filter(first), ...shuffled.filter((d) => !first(d))];
};

test('compiling a host never depends on the order of unrelated events', () => {
  fc.assert(
    fc.property(clusterDocs, fc.array(fc.nat(1000), { minLength: 1, maxLength: 30 }), (docs, keys) => {
      const a = stateFrom(docs);
      const b = stateFrom(reorder(docs, keys));
      for (const h of [...a.hosts.keys()]) {
        const sa = compileHost(a, h);
        const sb = compileHost(b, h);
        assert.ok(E.isRight(sa) && E.isRight(sb));
        assert.equal(snapshotBytes(sb.right), snapshotBytes(sa.right));
      }
    }),
    { numRuns: RUNS },
  );
});

test('compiling twice in one process gives the same bytes', () => {
  fc.assert(
    fc.property(clusterDocs, (docs) => {
      const state = stateFrom(docs);
      for (const h of [...state.hosts.keys()]) {
        const one = compileHost(state, h);
        const two = compileHost(state, h);
        assert.ok(E.isRight(one) && E.isRight(two));
        assert.equal(snapshotBytes(two.right), snapshotBytes(one.right));
      }
    }),
    { numRuns: RUNS },
  );
});
