// Answers a LogQuery on any backend: through the backend's own indexed
// `query` when it has one, otherwise by reading the whole log in pages and
// filtering. Both give the same events in the same (offset) order; only the
// cost differs. What to show of them is the caller's business (the CLI).
import type { LoggedEvent } from '../../compiler/events/event';
import { type EventLog, type LogQuery, LogError } from './event-log';
import { timeArgument } from './log-time';

export function queryLog(log: EventLog, q: LogQuery): AsyncIterable<LoggedEvent> {
  return log.query !== undefined ? log.query(q) : scan(log, q);
}

async function* scan(log: EventLog, q: LogQuery): AsyncIterable<LoggedEvent> {
  const since = q.since === undefined ? undefined : timeArgument(q.since, 'query: since');
  const until = q.until === undefined ? undefined : timeArgument(q.until, 'query: until');
  const limit = q.limit ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0) || (Number.isFinite(limit) && !Number.isInteger(limit))) {
    throw new LogError('invalid-argument', `query: limit must be a non-negative integer, got ${q.limit}`);
  }
  let count = 0;
  if (count >= limit) return;
  for await (const e of log.read(0)) {
    if (since !== undefined && e.time < since) continue;
    if (until !== undefined && e.time > until) continue;
    if (q.kind !== undefined && e.kind !== q.kind) continue;
    if (q.key !== undefined && e.key !== q.key) continue;
    yield e;
    if (++count >= limit) return;
  }
}
