// Replay: events per second from the embedded log — read (SQLite page
// queries), decode (each row's JSON, each resource through its io-ts codec in
// the fold) and fold — over the first `n` events of a cached log.
import * as E from 'fp-ts/Either';
import { fold } from '../compiler/fold/fold';
import { emptyState } from '../compiler/fold/state';
import { SqliteLog } from '../src/log/sqlite-log';
import { round, timedAsync } from './stats';

export interface ReplayFigure {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly rejected: number;
}

export async function measureReplay(path: string, n: number): Promise<ReplayFigure> {
  const log = new SqliteLog(path, { synchronous: 'normal', pageSize: 2000 });
  try {
    let state = emptyState();
    let rejected = 0;
    const { ms } = await timedAsync(async () => {
      for await (const e of log.read(0, n)) {
        const r = fold(state, e);
        if (E.isLeft(r)) throw new Error(`out of order at ${e.offset}`);
        if (r.right.rejection) rejected++;
        state = r.right.state;
      }
    });
    if (state.offset !== n) throw new Error(`the log holds ${state.offset} events, not ${n}`);
    return { events: n, seconds: round(ms / 1000, 2), eventsPerSecond: Math.round(n / (ms / 1000)), rejected };
  } finally {
    await log.close();
  }
}
