// The spawn helper runs commands as spawning them directly would — exit
// status, stdout, stderr, stdin, commands that cannot start, several at once
// — keeps its parent alive only while it awaits an answer, and when it dies
// a command in flight fails and the commands after are run directly.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SpawnHelper } from '../../../src/applier/spawn-helper';
import { spawnRunner } from '../../../src/applier/host-io';

const SCRIPT = 'read x; echo "out:$x"; echo "err" >&2; exit 3';

describe('SpawnHelper', () => {
  test('a command through the helper gives what spawning it directly gives', async () => {
    const h = new SpawnHelper();
    try {
      const via = await h.run('sh', ['-c', SCRIPT], { input: 'hello\n' });
      const direct = await spawnRunner('sh', ['-c', SCRIPT], { input: 'hello\n' });
      assert.deepEqual(via, direct);
      assert.deepEqual(via, { status: 3, stdout: 'out:hello\n', stderr: 'err\n' });
    } finally {
      h.close();
    }
  });

  test('a command that cannot start is refused, as spawning it directly is', async () => {
    const h = new SpawnHelper();
    try {
      await assert.rejects(h.run('/nonexistent/foldnet-no-such-command', []), /ENOENT/);
      await assert.rejects(spawnRunner('/nonexistent/foldnet-no-such-command', []), /ENOENT/);
    } finally {
      h.close();
    }
  });

  test('commands in flight at once each get their own answer', async () => {
    const h = new SpawnHelper();
    try {
      const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => h.run('sh', ['-c', `sleep 0.0${i % 5}; echo ${i}`])));
      assert.deepEqual(rs.map((r) => r.stdout.trim()), Array.from({ length: 20 }, (_, i) => String(i)));
    } finally {
      h.close();
    }
  });

  test('when the helper dies, a command in flight fails (it may have run), later ones run directly, and the fallback is said once', async () => {
    const why: string[] = [];
    const h = new SpawnHelper((w) => why.push(w));
    try {
      const pid = (await h.run('sh', ['-c', 'echo $PPID'])).stdout.trim();
      assert.notEqual(Number(pid), process.pid, 'the first command ran in the helper');
      const inFlight = h.run('sh', ['-c', 'sleep 0.3; echo late']);
      process.kill(Number(pid), 'SIGKILL');
      await assert.rejects(inFlight, /in flight .* may or may not have run/);
      const after = await h.run('sh', ['-c', 'echo $PPID']);
      assert.equal(Number(after.stdout.trim()), process.pid, 'spawned directly now');
      assert.equal(why.length, 1, why.join('; '));
    } finally {
      h.close();
    }
  });

  test('a process awaiting an answer stays alive for it, and an idle helper does not keep it alive', () => {
    const here = __filename.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const helper = join(__dirname, '..', '..', '..', 'src', 'applier', `spawn-helper${__filename.endsWith('.ts') ? '.ts' : '.js'}`);
    const program = `const { SpawnHelper } = require(${JSON.stringify(helper)});
      const h = new SpawnHelper();
      h.run('sh', ['-c', 'sleep 0.3; echo done']).then((r) => process.stdout.write(r.stdout));`;
    const r = spawnSync(process.execPath, [...here, '-e', program], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(r.error, undefined, 'the process must exit by itself once answered');
    assert.equal(r.stdout, 'done\n', r.stderr);
  });
});
