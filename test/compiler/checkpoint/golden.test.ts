// A tripwire for model drift. The golden file is a checkpoint written by an
// earlier build: the state after the first 61 events of the recorded incident
// (fixtures/incident/), which holds every kind of resource. Old checkpoints
// in users' logs are like it, so this code must either refuse it (as foreign)
// or restore from it exactly the state a fresh fold gives. If it restores a
// different state, a model changed meaning under the same CHECKPOINT_VERSION:
// bump the version (compiler/checkpoint/checkpoint.ts) so old checkpoints are
// ignored, then regenerate the golden file:
//   FOLDNET_UPDATE_GOLDEN=1 node --import tsx --test test/compiler/checkpoint/golden.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import { decodeCheckpoint, encodeCheckpoint, explainCheckpointError } from '../../../compiler/checkpoint/checkpoint';
import type { LoggedEvent } from '../../../compiler/events/event';
import { foldAll } from '../../../compiler/fold/fold';
import { stateHash } from '../../../compiler/fold/state';
import { sha256Hex } from '../../../compiler/hash/canonical';
import { repoRoot } from '../../helpers/seed-demo';

const AT = 61;
const GOLDEN = join(repoRoot(), 'test', 'compiler', 'checkpoint', 'golden', `incident-at-${AT}.checkpoint.json`);

const firstEvents = (n: number): LoggedEvent[] =>
  readFileSync(join(repoRoot(), 'fixtures', 'incident', 'events.jsonl'), 'utf8')
    .split('\n')
    .slice(0, n)
    .map((line, offset) => ({ ...(JSON.parse(line) as object), offset }) as LoggedEvent);

test('a checkpoint written by an earlier build is refused, or restores exactly what a fresh fold gives', () => {
  const events = firstEvents(AT);
  const fresh = foldAll(events);
  assert.ok(E.isRight(fresh));
  if (process.env.FOLDNET_UPDATE_GOLDEN === '1') {
    const c = encodeCheckpoint(fresh.right, events[AT - 1]!.id);
    assert.ok(E.isRight(c));
    writeFileSync(GOLDEN, `${c.right.text}\n`);
  }
  const text = readFileSync(GOLDEN, 'utf8').replace(/\n$/, '');
  const r = decodeCheckpoint({ sha256: sha256Hex(text), offset: AT, text });
  assert.ok(
    E.isRight(r),
    `this build refuses the golden checkpoint (${E.isLeft(r) ? explainCheckpointError(r.left) : ''}): that is safe (old checkpoints are ignored), but the tripwire is blind until the golden file is regenerated (FOLDNET_UPDATE_GOLDEN=1)`,
  );
  assert.equal(
    stateHash(r.right.state),
    stateHash(fresh.right),
    'an old checkpoint restores a state a fresh fold no longer gives: bump CHECKPOINT_VERSION, then regenerate the golden file (FOLDNET_UPDATE_GOLDEN=1)',
  );
});
