import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { AGENT_STATE_FILE, readAgentState, writeAgentState } from '../../../src/agent/agent-state-file';

const withDir = async (f: (dir: string) => Promise<void>): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'fn-agent-state-'));
  try {
    await f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('agent state file', () => {
  test('a directory without a state file reads as no state', () =>
    withDir(async (dir) => assert.equal(await readAgentState(dir), undefined)));

  test('what is written is read back, and the last write wins', () =>
    withDir(async (dir) => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.record({ offset: fc.nat(), hash: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }) }), { minLength: 1, maxLength: 5 }), async (states) => {
          for (const s of states) await writeAgentState(dir, { ...s, appliedAt: '2026-01-01T00:00:00.000Z' });
          const last = states[states.length - 1]!;
          assert.deepEqual(await readAgentState(dir), { ...last, appliedAt: '2026-01-01T00:00:00.000Z' });
        }),
        { numRuns: 30 },
      );
    }));

  test('writing leaves only the state file behind (the temp file is renamed over it)', () =>
    withDir(async (dir) => {
      await writeAgentState(join(dir, 'nested'), { offset: 3, hash: 'ab', appliedAt: 'x' });
      assert.deepEqual(readdirSync(join(dir, 'nested')), [AGENT_STATE_FILE]);
    }));

  test('a file that is not an agent state is an error, not a fresh start', () =>
    withDir(async (dir) => {
      writeFileSync(join(dir, AGENT_STATE_FILE), '{"offset":-1,"hash":"x","appliedAt":"y"}');
      await assert.rejects(readAgentState(dir), /is not an agent state/);
    }));
});
