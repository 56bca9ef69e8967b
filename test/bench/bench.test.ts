// The benchmark's own checks (no timings asserted): its generator is
// deterministic and produces what the fold accepts, and a --quick run writes
// every figure the issue asks for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterDocs, shapeFor } from '../../bench/cluster-gen';
import { stateOf } from '../../bench/cluster-state';
import { benchSteps, draftOf } from '../../bench/events-gen';
import { benchAndWrite, parseArgs, USAGE } from '../../bench/main';
import { missingFigures } from '../../bench/report';

test('the same shape and seed give the same cluster and events; another seed another', () => {
  const shape = shapeFor(1000);
  assert.deepEqual(clusterDocs(shape), clusterDocs(shape));
  const events = (s: typeof shape) => [...benchSteps(s, clusterDocs(s).length + 300)].map((st, i) => draftOf(st, i));
  assert.deepEqual(events(shape), events(shape));
  assert.notDeepEqual(clusterDocs(shapeFor(1000, 7)), clusterDocs(shape));
});

test('the generated cluster and its churn fold without a rejection', () => {
  const shape = shapeFor(1000);
  const state = stateOf(clusterDocs(shape));
  assert.equal(state.endpoints.size, 1000);
  assert.equal(state.policies.size, shape.policies);
  assert.equal(state.hosts.size, shape.hosts);
});

test('--help prints the usage and measures nothing (no results file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'foldnet-bench-help-'));
  try {
    // Built (dist/bench/main.js), or from source under tsx; run in an empty directory, where results would land.
    const built = join(__dirname, '..', '..', 'bench', 'main.js');
    const main = existsSync(built) ? [built] : ['--import', require.resolve('tsx'), join(__dirname, '..', '..', 'bench', 'main.ts')];
    const r = spawnSync(process.execPath, [...main, '--help'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, USAGE);
    assert.equal(existsSync(join(dir, 'bench-results.json')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a --quick run writes every figure to its JSON file', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'foldnet-bench-test-'));
  try {
    const out = join(dir, 'results.json');
    const lines: string[] = [];
    await benchAndWrite(parseArgs(['--quick', '--out', out, '--cache-dir', join(dir, 'cache')]), (l) => lines.push(l));
    const written = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(written.mode, 'quick');
    assert.deepEqual(missingFigures(written), []);
    assert.ok(lines.some((l) => l.startsWith('replay 100,000 events')), lines.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
