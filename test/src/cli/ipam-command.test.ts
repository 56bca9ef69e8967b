// `foldnet ipam`: blocks with pool, affine host and use; addresses with their
// endpoint, host and whether the host borrowed them. (main.ts registers the
// command; here it runs on a program of its own with a stubbed context.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import type { CliContext } from '../../../src/cli/context';
import { ipamView, registerIpamCommand } from '../../../src/cli/ipam-command';
import { host, pool, run, wep } from '../../compiler/ipam/docs';

const state = run([host('h1', '10.9.0.1'), host('h2', '10.9.0.2'), pool('v4', '10.0.0.0/29', 30),
  ...['a', 'b', 'c', 'd'].map((n) => wep(n, 'h1')), wep('x', 'h2'), wep('e', 'h1')]).state;

test('ipamView lists blocks in address order and marks the borrowed address', () => {
  const v = ipamView(state);
  assert.deepEqual(v.blocks, [
    { block: '10.0.0.0/30', pool: 'v4', host: 'h1', used: 4, size: 4 },
    { block: '10.0.0.4/30', pool: 'v4', host: 'h2', used: 2, size: 4 },
  ]);
  assert.deepEqual(v.allocations.filter((a) => a.borrowed), [{ address: '10.0.0.5', block: '10.0.0.4/30', endpoint: 'ns/e', host: 'h1', borrowed: true }]);
  assert.equal(v.allocations.length, 6);
});

test('the command prints both tables', async () => {
  let out = '';
  const ctx = { out: (s: string) => (out += s), openLog: () => ({}), loadState: async () => ({ state, end: state.offset, head: state.offset }) } as unknown as CliContext;
  const program = new Command().exitOverride();
  registerIpamCommand(program, ctx);
  await program.parseAsync(['node', 'foldnet', 'ipam']);
  assert.match(out, /^BLOCK\s+POOL\s+HOST\s+USED\n10\.0\.0\.0\/30\s+v4\s+h1\s+4\/4\n/);
  assert.match(out, /10\.0\.0\.5\s+ns\/e\s+h1\s+yes/);
});
