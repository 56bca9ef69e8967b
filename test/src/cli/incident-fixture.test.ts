// The recorded incident in fixtures/incident/ is what its committed generator
// writes, and it is the incident it claims to be: one event, and only that
// one, flips payments → postgres on TCP 5432.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import { fold } from '../../../compiler/fold/fold';
import { emptyState } from '../../../compiler/fold/state';
import type { Ip } from '../../../compiler/net/ip';
import { evaluate } from '../../../compiler/policy/reference';
import { BREAK_OFFSET, BREAK_TIME, EVENT_COUNT, fixtureFiles } from '../../../fixtures/incident/generate';
import { INCIDENT_DIR, incidentEvents } from './incident-harness';

describe('fixtures/incident', () => {
  test('the committed files are exactly what generate.ts writes', () => {
    for (const [name, text] of Object.entries(fixtureFiles()))
      assert.equal(readFileSync(join(INCIDENT_DIR, name), 'utf8'), text, `${name} is stale: run npx tsx fixtures/incident/generate.ts`);
  });

  test(`${EVENT_COUNT} events; the fold rejects none; payments-0 → postgres-0 TCP 5432 flips once, at event ${BREAK_OFFSET}`, () => {
    const events = incidentEvents();
    assert.equal(events.length, EVENT_COUNT);
    assert.equal(events[BREAK_OFFSET]!.time, BREAK_TIME);
    assert.equal(events[BREAK_OFFSET]!.actor, 'alice@ops');
    const packet = { src: '10.65.2.10' as Ip, dst: '10.65.3.10' as Ip, protocol: 6, srcPort: 40000, dstPort: 5432 };
    let s = emptyState();
    const verdicts = [evaluate(s, packet).allowed];
    for (const e of events) {
      const r = fold(s, e);
      assert.ok(E.isRight(r));
      assert.equal(r.right.rejection, undefined, `event ${e.offset} rejected: ${r.right.rejection?.reason}`);
      s = r.right.state;
      verdicts.push(evaluate(s, packet).allowed);
    }
    const flips = verdicts.flatMap((v, p) => (p > 0 && v !== verdicts[p - 1] ? [p - 1] : []));
    assert.deepEqual(flips, [BREAK_OFFSET]);
    assert.equal(verdicts[BREAK_OFFSET], true);
    assert.equal(verdicts[EVENT_COUNT], false);
  });
});
