// `foldnet plan` and `foldnet sync` as an operator runs them on a host: a
// separate process inside the host's network namespace, against a log that
// holds the seed demo.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { kernelTestsUnavailable, NetnsHost, withNetnsHost } from '../applier/netns-host';
import { SEED_DEMO } from './cli-harness';

const skip = kernelTestsUnavailable();
const fromSource = __filename.endsWith('.ts');
const REPO = join(__dirname, fromSource ? '../../..' : '../../../..');
const entry = (): string[] =>
  fromSource ? ['--import', pathToFileURL(require.resolve('tsx')).href, join(REPO, 'src', 'cli', 'main.ts')] : [join(REPO, 'dist', 'src', 'cli', 'main.js')];

const foldnet = (h: NetnsHost, ...args: string[]) => {
  const env: NodeJS.ProcessEnv = { ...process.env, FOLDNET_LOG: `file:${join(h.dir, 'log.db')}` };
  delete env.NODE_OPTIONS;
  const r = spawnSync('ip', ['netns', 'exec', h.name, process.execPath, ...entry(), ...args], { encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, said: `exit ${r.status}\n${r.stdout}\n${r.stderr}` };
};

const birdArgs = (h: NetnsHost): string[] => ['--bird-config', join(h.dir, 'bird.conf')];

describe('foldnet plan / sync', { skip }, () => {
  test('plan shows the whole table on a bare host; sync applies it; plan then shows no changes', () =>
    withNetnsHost(['cali-a', 'cali-b', 'cali-c'], async (h) => {
      assert.equal(foldnet(h, 'apply', '-f', SEED_DEMO).code, 0);
      const before = foldnet(h, 'plan', '--host', 'host-1', ...birdArgs(h));
      assert.equal(before.code, 0, before.said);
      assert.match(before.stdout, /^# host host-1 at offset 10 \(snapshot [0-9a-f]{12}\): nft \d+ commands, routes \+3 -0, sysctls 10, BIRD config$/m);
      assert.match(before.stdout, /^add table inet foldnet$/m);
      assert.match(before.stdout, /^ip route replace 192\.168\.1\.3\/32 dev cali-c scope link proto 88$/m);
      const json = JSON.parse(foldnet(h, 'plan', '--host', 'host-1', '-o', 'json', ...birdArgs(h)).stdout) as { size: number; plan: { routes: { add: unknown[] } } };
      assert.ok(json.size > 0);
      assert.equal(json.plan.routes.add.length, 3);
      const sync = foldnet(h, 'sync', '--host', 'host-1', ...birdArgs(h));
      assert.equal(sync.code, 0, sync.said);
      assert.match(sync.stdout, /^applied in \d+ ms$/m);
      const after = foldnet(h, 'plan', '--host', 'host-1', ...birdArgs(h));
      assert.match(after.stdout, /: no changes\nno changes\n$/);
      assert.match(foldnet(h, 'sync', '--host', 'host-1', ...birdArgs(h)).stdout, /no changes \(0 changes\)/);
    }));

  test('sync exits 1 and names the step when a step fails', () =>
    withNetnsHost(['cali-a', 'cali-b'], async (h) => {
      assert.equal(foldnet(h, 'apply', '-f', SEED_DEMO).code, 0);
      const r = foldnet(h, 'sync', '--host', 'host-1', ...birdArgs(h));
      assert.equal(r.code, 1, r.said);
      assert.match(r.stderr, /^Error: step routes failed: .*cali-c/m);
      assert.match(r.stderr, /steps applied before it: nft/);
    }));

  test('an unknown host is an error, and nothing is read or changed', () =>
    withNetnsHost([], async (h) => {
      assert.equal(foldnet(h, 'apply', '-f', SEED_DEMO).code, 0);
      const r = foldnet(h, 'sync', '--host', 'host-9', ...birdArgs(h));
      assert.equal(r.code, 1, r.said);
      assert.match(r.stderr, /host host-9 does not exist \(hosts: host-1, host-2\)/);
      assert.equal(h.sh('nft', 'list', 'tables'), '');
    }));
});
