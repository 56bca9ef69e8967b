// diff's attribution of datapath changes to events, exact over short ranges
// and pruned over long ones, on the recorded incident.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributeEvents } from '../../../src/cli/incident-attribute';
import { StateLoader } from '../../../src/cli/incident-points';
import { SqliteLog } from '../../../src/log/sqlite-log';
import { INCIDENT_EVENTS, withIncidentWorkspace } from './incident-harness';

test('halving long ranges finds a subset of the exact attribution, the rest lying in skipped stretches, and never misses the breaking edit', () =>
  withIncidentWorkspace(INCIDENT_EVENTS, async (ws) => {
    const log = new SqliteLog(ws.logPath);
    const loader = new StateLoader(log);
    try {
      for (const host of ['node-1', 'node-3']) {
        const exact = await attributeEvents(log, loader, { from: 0, to: 330 }, host, undefined, 10_000);
        const pruned = await attributeEvents(log, loader, { from: 0, to: 330 }, host, undefined, 8);
        assert.equal(exact.skipped, 0);
        const exactOffsets = exact.events.map((e) => e.event.offset);
        const prunedOffsets = pruned.events.map((e) => e.event.offset);
        assert.ok(prunedOffsets.every((o) => exactOffsets.includes(o)), `${host}: ${prunedOffsets} ⊄ ${exactOffsets}`);
        assert.ok(exactOffsets.length - prunedOffsets.length <= pruned.skipped);
        assert.deepEqual(prunedOffsets, [...prunedOffsets].sort((a, b) => a - b));
        if (host === 'node-3') assert.ok(prunedOffsets.includes(287));
      }
    } finally {
      await loader.close();
      await log.close();
    }
  }));
