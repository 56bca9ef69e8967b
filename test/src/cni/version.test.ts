// VERSION: answered by bin/foldnet-cni with shell builtins (no node), and by
// src/cni/version.ts when main.js is run directly; both must give the same
// answer, in the version the runtime asked for when we speak it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SUPPORTED_VERSIONS, versionReply } from '../../../src/cni/version';
import { repoRoot } from '../../helpers/seed-demo';

const script = (stdin: string): unknown => {
  const r = spawnSync(join(repoRoot(), 'bin/foldnet-cni'), [], { input: stdin, env: { PATH: process.env.PATH, CNI_COMMAND: 'VERSION' }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
};

const INPUTS = ['{"cniVersion":"0.3.0"}', '{"cniVersion": "0.3.1"}', '{\n  "cniVersion" : "0.4.0"\n}', '{"cniVersion":"1.0.0"}', '{"cniVersion":"1.1.0"}', '{"name":"x"}', '', 'not json'];

describe('VERSION', () => {
  test('answers in the asked version when supported, else in 1.0.0, listing 0.3.0, 0.3.1, 0.4.0 and 1.0.0', () => {
    assert.deepEqual(SUPPORTED_VERSIONS, ['0.3.0', '0.3.1', '0.4.0', '1.0.0']);
    assert.deepEqual(versionReply('{"cniVersion":"0.4.0"}'), { cniVersion: '0.4.0', supportedVersions: SUPPORTED_VERSIONS });
    assert.equal(versionReply('{"cniVersion":"1.1.0"}').cniVersion, '1.0.0');
    assert.equal(versionReply('').cniVersion, '1.0.0');
  });

  test('the shell fast path in bin/foldnet-cni answers exactly as version.ts does', () => {
    for (const input of INPUTS) assert.deepEqual(script(input), JSON.parse(JSON.stringify(versionReply(input))), `input ${JSON.stringify(input)}`);
  });
});
