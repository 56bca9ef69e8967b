import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointYaml, said, SEED_DEMO, withWorkspace } from './cli-harness';

describe('foldnet log', () => {
  test('-o json is an array of events with offset, time, actor, type, kind, key, and rejected when it was', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['--actor', 'bob', 'apply', '-f', ws.write('x.yaml', endpointYaml('x', '10.8.0.1'))])).code, 0);
      assert.equal((await ws.run(['--actor', 'eve', 'apply', '-f', ws.write('y.yaml', endpointYaml('y', '10.8.0.1'))])).code, 1);
      const events = await ws.events();
      assert.equal(events.length, 2);
      for (const e of events) {
        assert.equal(typeof e.offset, 'number');
        assert.match(e.time as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        for (const field of ['actor', 'type', 'kind', 'key']) assert.equal(typeof e[field], 'string', field);
      }
      assert.deepEqual(events.map((e) => [e.offset, e.actor, e.type, e.kind, e.key]), [
        [0, 'bob', 'put', 'WorkloadEndpoint', 'demo/x'],
        [1, 'eve', 'put', 'WorkloadEndpoint', 'demo/y'],
      ]);
      assert.equal('rejected' in events[0]!, false);
      assert.equal(events[1]!.rejected, 'IP 10.8.0.1 is already used by endpoint demo/x');
    }));

  test('the table has OFFSET TIME ACTOR TYPE KIND KEY STATUS, STATUS saying why an event was rejected', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', ws.write('x.yaml', endpointYaml('x', '10.8.0.1'))])).code, 0);
      assert.equal((await ws.run(['apply', '-f', ws.write('y.yaml', endpointYaml('y', '10.8.0.1'))])).code, 1);
      const r = await ws.run(['log']);
      assert.equal(r.code, 0, said(r));
      const lines = r.stdout.trim().split('\n');
      assert.deepEqual(lines[0]!.split(/\s+/), ['OFFSET', 'TIME', 'ACTOR', 'TYPE', 'KIND', 'KEY', 'STATUS']);
      assert.match(lines[1]!, /^0\s+\S+\s+\S+\s+put\s+WorkloadEndpoint\s+demo\/x$/);
      assert.match(lines[2]!, /^1\s+\S+\s+\S+\s+put\s+WorkloadEndpoint\s+demo\/y\s+rejected: IP 10\.8\.0\.1 is already used by endpoint demo\/x$/);
    }));

  test('--kind, --name and -n narrow the history', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
      assert.equal((await ws.run(['delete', 'wep', 'a', '-n', 'demo'])).code, 0);
      const keys = async (args: string[]): Promise<string[]> => {
        const r = await ws.run(['log', '-o', 'json', ...args]);
        assert.equal(r.code, 0, said(r));
        return (JSON.parse(r.stdout) as Array<{ type: string; key: string }>).map((e) => `${e.type} ${e.key}`);
      };
      assert.deepEqual(await keys(['--kind', 'host']), ['put host-1', 'put host-2']);
      assert.deepEqual(await keys(['--kind', 'wep', '--name', 'a']), ['put demo/a', 'remove demo/a']);
      assert.deepEqual(await keys(['--name', 'default']), ['put default']);
      assert.deepEqual(await keys(['-n', 'demo', '--name', 'e']), ['put demo/e']);
      assert.deepEqual(await keys(['-n', 'elsewhere']), []);
      assert.equal((await keys(['-n', 'demo'])).length, 6);
    }));

  test('--since and --until select by event time; a malformed time is a usage error', () =>
    withWorkspace(async (ws) => {
      assert.equal((await ws.run(['apply', '-f', ws.write('x.yaml', endpointYaml('x', '10.9.0.1'))])).code, 0);
      assert.equal((await ws.run(['apply', '-f', ws.write('y.yaml', endpointYaml('y', '10.9.0.2'))])).code, 0);
      const [x, y] = await ws.events();
      const keys = async (args: string[]): Promise<unknown[]> => (JSON.parse((await ws.run(['log', '-o', 'json', ...args])).stdout) as Array<{ key: unknown }>).map((e) => e.key);
      assert.deepEqual(await keys(['--since', y!.time as string]), ['demo/y']);
      assert.deepEqual(await keys(['--until', x!.time as string]), ['demo/x']);
      assert.deepEqual(await keys(['--since', '2000-01-01T00:00:00+02:00', '--until', '2000-01-02T00:00:00Z']), []);
      const bad = await ws.run(['log', '--since', 'yesterday']);
      assert.equal(bad.code, 2, said(bad));
      assert.match(bad.stderr, /^Error: --since: expected an RFC 3339 time/m);
    }));
});
