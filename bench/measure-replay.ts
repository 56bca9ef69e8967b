// Replay: events per second from the embedded log — read (SQLite page
// queries), decode (each row's JSON, each resource through its io-ts codec in
// the fold) and fold — over the first `n` events of a cached log. It replays
// the way every reader of history does (src/log/fold-range.ts: pages folded
// with foldAll), from the empty state.
import { emptyState } from '../compiler/fold/state';
import { foldLogRange } from '../src/log/fold-range';
import { SqliteLog } from '../src/log/sqlite-log';
import { round, timedAsync } from './stats';

export interface ReplayFigure {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly rejected: number;
}

export async function measureReplay(path: string, n: number): Promise<ReplayFigure> {
  const log = new SqliteLog(path, { synchronous: 'normal' });
  try {
    // foldLogRange throws unless the log holds all `n` events, in order.
    const { value, ms } = await timedAsync(() => foldLogRange(log, emptyState(), n));
    const rejected = value.state.rejections.size;
    return { events: n, seconds: round(ms / 1000, 2), eventsPerSecond: Math.round(n / (ms / 1000)), rejected };
  } finally {
    await log.close();
  }
}
