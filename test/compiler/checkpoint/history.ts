// Test helper: arbitrary histories — a generated cluster put in order, then a
// run of edits drawn from a second generated cluster with the same names (so
// keys collide and resources change), removals of either (some of what is
// absent, so the fold rejects them), and IP clashes the fold refuses. The
// events are LoggedEvents with dense offsets from 0, as a log hands them out.
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import type { LoggedEvent } from '../../../compiler/events/event';
import { decodeResource } from '../../../compiler/resources/decode';
import { clusterDocs } from '../arbitraries/cluster';
import { conflictDocs } from '../arbitraries/service-conflicts';

type Op = { readonly op: 'put' | 'remove'; readonly list: 0 | 1; readonly index: number };

export const opArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom<'put' | 'remove'>('put', 'put', 'remove'),
  list: fc.constantFrom<0 | 1>(0, 1),
  index: fc.nat(40),
});

const event = (offset: number, body: { type: 'put'; kind: string; key: string; resource: Record<string, unknown> } | { type: 'remove'; kind: string; key: string }): LoggedEvent => ({
  offset,
  id: `h-${offset}`,
  time: new Date(Date.UTC(2026, 0, 1) + offset * 1000).toISOString(),
  actor: offset % 3 === 0 ? 'alice' : 'bob',
  schemaVersion: 1,
  ...body,
});

/** Builds the events for a base cluster and a list of edits. */
export const historyEvents = (lists: readonly [object[], object[]], ops: readonly Op[]): LoggedEvent[] => {
  const decoded = lists.map((docs) =>
    docs.map((d) => {
      const r = decodeResource(d);
      if (E.isLeft(r)) throw new Error(`generated document does not decode: ${r.left.join('; ')}`);
      return r.right;
    }),
  );
  const events: LoggedEvent[] = [];
  for (const r of decoded[0]!) events.push(event(events.length, { type: 'put', kind: r.kind, key: r.key, resource: r.resource as Record<string, unknown> }));
  for (const o of ops) {
    const list = decoded[o.list]!;
    const r = list[o.index % list.length]!;
    events.push(
      event(events.length, o.op === 'put' ? { type: 'put', kind: r.kind, key: r.key, resource: r.resource as Record<string, unknown> } : { type: 'remove', kind: r.kind, key: r.key }),
    );
  }
  return events;
};

/** A history of puts, edits and removals (some rejected), as logged events. */
export const historyArb: fc.Arbitrary<LoggedEvent[]> = fc
  .tuple(clusterDocs, clusterDocs, fc.array(opArb, { maxLength: 30 }))
  .map(([a, b, ops]) => historyEvents([a as object[], b as object[]], ops));

/** A history of services, endpoints, hosts, pools, host endpoints and Felix configuration that collide (many rejected). */
export const conflictHistoryArb: fc.Arbitrary<LoggedEvent[]> = fc
  .tuple(conflictDocs, conflictDocs, fc.array(opArb, { maxLength: 30 }))
  .map(([a, b, ops]) => historyEvents([a, b], ops));
