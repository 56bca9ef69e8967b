import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { endpointYaml, said, withWorkspace } from './cli-harness';

describe('foldnet main', () => {
  test('--help lists the commands and ends with the exit codes; every command has --help', () =>
    withWorkspace(async (ws) => {
      const r = await ws.run(['--help']);
      assert.equal(r.code, 0, said(r));
      for (const command of ['apply', 'delete', 'get', 'log']) assert.match(r.stdout, new RegExp(`^  ${command} `, 'm'));
      assert.match(r.stdout, /Exit codes:\n  0 +success\n  1 +the operation ran but failed.*\n  2 +bad input or usage.*\n  3 +the log could not be opened/);
      for (const command of ['apply', 'delete', 'get', 'log']) {
        const h = await ws.run([command, '--help']);
        assert.equal(h.code, 0, said(h));
        assert.match(h.stdout, new RegExp(`^Usage: foldnet ${command} `, 'm'));
      }
    }));

  test('--version prints the package version', () =>
    withWorkspace(async (ws) => {
      const r = await ws.run(['--version']);
      assert.equal(r.code, 0, said(r));
      assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
    }));

  test('the log is --log, else FOLDNET_LOG, else ./.foldnet/log.db; the actor --actor, else FOLDNET_ACTOR', () =>
    withWorkspace(async (ws) => {
      const file = ws.write('x.yaml', endpointYaml('x', '10.10.0.1'));
      const viaEnv = await ws.run(['apply', '-f', file], { noLogFlag: true, env: { FOLDNET_LOG: ws.logUrl, FOLDNET_ACTOR: 'env-actor' } });
      assert.equal(viaEnv.code, 0, said(viaEnv));
      const [e] = await ws.events();
      assert.equal(e!.actor, 'env-actor');
      assert.equal(existsSync(join(ws.dir, '.foldnet')), false);
      const byDefault = await ws.run(['apply', '-f', file], { noLogFlag: true, env: { USER: 'carol' } });
      assert.equal(byDefault.stdout, 'workloadendpoint/demo/x created\n', said(byDefault));
      assert.equal(existsSync(join(ws.dir, '.foldnet', 'log.db')), true);
      // The default actor is $USER@hostname.
      const listed = await ws.run(['log', '-o', 'json'], { noLogFlag: true });
      assert.match((JSON.parse(listed.stdout) as Array<{ actor: string }>)[0]!.actor, /^carol@/);
    }));

  test('a log that cannot be opened exits 3 with one Error line and no stack trace', () =>
    withWorkspace(async (ws) => {
      writeFileSync(join(ws.dir, 'junk.db'), 'this is not a database, and it is long enough to have a header\n'.repeat(20));
      const cases: string[][] = [
        ['--log', `file:${join(ws.dir, 'junk.db')}`, 'get', 'wep'],
        ['--log', `file:${join(ws.dir, 'absent.db')}`, 'log'],
        ['--log', 'kafka://broker:9092/foldnet', 'apply', '-f', ws.write('x.yaml', endpointYaml('x', '10.10.0.2'))],
      ];
      for (const args of cases) {
        const r = await ws.run(args, { noLogFlag: true });
        assert.equal(r.code, 3, `${args.join(' ')}: ${said(r)}`);
        assert.match(r.stderr, /^Error: \S.*\n$/, `${args.join(' ')}: ${said(r)}`);
      }
    }));
});
