// The benchmark's event logs, generated once into a cache directory and
// reused: an embedded (SQLite) log holding the generated cluster and its
// churn. A log is written under a temporary name and renamed when complete,
// so an interrupted run never leaves a short log that looks whole.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteLog } from '../src/log/sqlite-log';
import { ClusterShape } from './cluster-gen';
import { benchSteps, draftOf } from './events-gen';

const FORMAT = 1;

export const logPath = (cacheDir: string, shape: ClusterShape, events: number): string =>
  join(cacheDir, `log-v${FORMAT}-s${shape.seed}-e${shape.endpoints}-h${shape.hosts}-p${shape.policies}-n${events}.db`);

/** The path of a log of `events` events for `shape`, writing it first if the cache lacks it. */
export async function ensureLog(cacheDir: string, shape: ClusterShape, events: number, progress: (line: string) => void = () => undefined): Promise<string> {
  const path = logPath(cacheDir, shape, events);
  if (existsSync(path)) return path;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${path}.partial-${process.pid}`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(tmp + suffix, { force: true });
  const log = new SqliteLog(tmp, { synchronous: 'normal' });
  try {
    let batch = [];
    let offset = 0;
    for (const step of benchSteps(shape, events)) {
      batch.push(draftOf(step, offset++));
      if (batch.length === 2000) {
        await log.append(batch);
        batch = [];
        if (offset % 100_000 === 0) progress(`  writing the benchmark log: ${offset} / ${events} events`);
      }
    }
    if (batch.length > 0) await log.append(batch);
  } finally {
    await log.close();
  }
  // Closing the last connection checkpoints the WAL into the main file and removes it.
  if (existsSync(`${tmp}-wal`)) throw new Error(`${tmp}: the WAL outlived the log's last connection`);
  renameSync(tmp, path);
  for (const suffix of ['-wal', '-shm']) rmSync(tmp + suffix, { force: true });
  return path;
}
