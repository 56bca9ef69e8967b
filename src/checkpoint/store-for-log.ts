// Which checkpoint store goes with a log: the embedded log keeps its
// checkpoints in its own SQLite file. Other backends (Kafka, etcd) have no
// file; they get a DirectoryCheckpointStore when whoever opens them wires
// one in (a directory per log). A store that cannot be opened means none:
// replays are then full, never failed.
import type { EventLog } from '../log/event-log';
import { SqliteLog } from '../log/sqlite-log';
import type { CheckpointStore } from './checkpoint-store';
import { replayTo, type Replayed } from './replay';
import { SqliteCheckpointStore } from './sqlite-store';

export function openCheckpointStore(log: EventLog): CheckpointStore | undefined {
  if (!(log instanceof SqliteLog)) return undefined;
  try {
    return new SqliteCheckpointStore(log.path);
  } catch {
    return undefined;
  }
}

/** Replays `log` to `end` through the log's own checkpoint store, opened for the call. */
export async function replayWithCheckpoints(log: EventLog, end: number): Promise<Replayed> {
  const store = openCheckpointStore(log);
  try {
    return await replayTo(log, end, { store });
  } finally {
    await store?.close();
  }
}
