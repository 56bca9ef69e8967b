import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointYaml, said, SEED_DEMO, withWorkspace } from './cli-harness';

const HOST = `apiVersion: foldnet.io/v1
kind: Host
metadata: {name: host-9}
spec: {bgp: {ipv4Address: 10.99.0.9/24}}
`;

/** Each case: a file whose second document is bad, and the line the CLI must print for it. */
const CASES: ReadonlyArray<{ name: string; bad: string; expect: RegExp }> = [
  {
    name: 'malformed YAML',
    bad: 'apiVersion: foldnet.io/v1\nkind: Host\nmetadata: {name: [oops\nspec: {}\n',
    expect: /^Error: bad\.yaml: document 2: line \d+, column \d+: .+$/m,
  },
  {
    name: 'an unknown kind',
    bad: 'apiVersion: foldnet.io/v1\nkind: Gadget\nmetadata: {name: g}\n',
    expect: /^Error: bad\.yaml: document 2 \(Gadget g\): kind: unknown kind "Gadget"/m,
  },
  {
    name: 'an unknown field',
    bad: endpointYaml('u', '10.3.0.1').replace('interfaceName:', 'interfaceNmae:'),
    expect: /^Error: bad\.yaml: document 2 \(WorkloadEndpoint demo\/u\): spec\.interfaceNmae: unknown field "interfaceNmae"/m,
  },
  {
    name: 'a bad CIDR',
    bad: endpointYaml('c', '10.0.0.300'),
    expect: /^Error: bad\.yaml: document 2 \(WorkloadEndpoint demo\/c\): spec\.ipNetworks\[0\]: expected a CIDR .*got "10\.0\.0\.300\/32"$/m,
  },
  {
    name: 'a bad selector',
    bad: 'apiVersion: foldnet.io/v1\nkind: GlobalNetworkPolicy\nmetadata: {name: p}\nspec: {selector: "app == ", ingress: [{action: Allow}]}\n',
    expect: /^Error: bad\.yaml: document 2 \(GlobalNetworkPolicy p\): spec\.selector: .+$/m,
  },
  {
    name: 'port 0',
    bad: 'apiVersion: foldnet.io/v1\nkind: GlobalNetworkPolicy\nmetadata: {name: p}\nspec:\n  ingress: [{action: Allow, protocol: TCP, destination: {ports: [0]}}]\n',
    expect: /^Error: bad\.yaml: document 2 \(GlobalNetworkPolicy p\): spec\.ingress\[0\]\.destination\.ports\[0\]: expected a port 1-65535, got 0$/m,
  },
];

describe('foldnet apply refuses bad input whole', () => {
  for (const c of CASES) {
    test(`${c.name}: exit 2, the file, document and field named, nothing appended`, () =>
      withWorkspace(async (ws) => {
        assert.equal((await ws.run(['apply', '-f', SEED_DEMO])).code, 0);
        // The good first document must not be applied either.
        const file = ws.write('bad.yaml', `${HOST}---\n${c.bad}`);
        const r = await ws.run(['apply', '-f', file]);
        assert.equal(r.code, 2, said(r));
        assert.match(r.stderr, c.expect, said(r));
        assert.match(r.stderr, /^Error: the input has \d+ problems?; nothing was written to the log$/m);
        assert.equal(r.stdout, '');
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
        assert.equal((await ws.events()).length, 10);
      }));
  }

  test('every problem in every file is reported at once, in input order', () =>
    withWorkspace(async (ws) => {
      ws.write('one.yaml', `${endpointYaml('a', '10.0.0.300')}---\n${endpointYaml('b', '10.4.0.2').replace('host:', 'hots:')}`);
      ws.write('two.yaml', 'kind: Nope\n');
      const r = await ws.run(['apply', '-f', 'one.yaml', '-f', 'missing.yaml', '-f', 'two.yaml']);
      assert.equal(r.code, 2, said(r));
      const lines = r.stderr.trim().split('\n');
      assert.match(lines[0]!, /^Error: one\.yaml: document 1 \(WorkloadEndpoint demo\/a\): spec\.ipNetworks\[0\]/);
      assert.ok(lines.some((l) => /^Error: one\.yaml: document 2 \(WorkloadEndpoint demo\/b\): spec\.hots: unknown field/.test(l)), said(r));
      assert.ok(lines.some((l) => /^Error: one\.yaml: document 2 \(WorkloadEndpoint demo\/b\): spec\.host: required field "host" is missing/.test(l)), said(r));
      const missing = lines.findIndex((l) => l === 'Error: missing.yaml: no such file or directory');
      const two = lines.findIndex((l) => /^Error: two\.yaml: document 1 \(Nope\): kind: unknown kind "Nope"/.test(l));
      assert.ok(missing > 0 && two > missing, said(r));
    }));

  test('the same resource twice in the input is an error naming both places', () =>
    withWorkspace(async (ws) => {
      const file = ws.write('dup.yaml', `${endpointYaml('a', '10.5.0.1')}---\n${endpointYaml('a', '10.5.0.2')}`);
      const r = await ws.run(['apply', '-f', file]);
      assert.equal(r.code, 2, said(r));
      assert.match(r.stderr, /^Error: dup\.yaml: document 2 \(WorkloadEndpoint demo\/a\): duplicate: the same resource is also at dup\.yaml: document 1$/m);
    }));

  test('invalid input is refused before the log is opened: no log file appears', () =>
    withWorkspace(async (ws) => {
      const r = await ws.run(['apply', '-f', ws.write('bad.yaml', endpointYaml('c', '10.0.0.300'))]);
      assert.equal(r.code, 2, said(r));
      const get = await ws.run(['get', 'wep', '-A']);
      assert.equal(get.code, 3, said(get));
      assert.match(get.stderr, /^Error: no log at .*log\.db/m);
    }));

  test('usage errors exit 2: unknown kind, unknown command, bad option value, no -f', () =>
    withWorkspace(async (ws) => {
      for (const args of [['get', 'gadgets'], ['frobnicate'], ['get', 'wep', '-o', 'xml'], ['apply'], ['get', 'wep', '-n', 'x', '-A']]) {
        const r = await ws.run(args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${said(r)}`);
        assert.match(r.stderr, /^Error: /m, `${args.join(' ')}: ${said(r)}`);
      }
    }));
});
