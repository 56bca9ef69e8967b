// Test helper: an embedded log in a fresh temp directory holding given
// events, removed afterwards even when the test fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventDraft, LoggedEvent } from '../../../compiler/events/event';
import { SqliteLog } from '../../../src/log/sqlite-log';

export const draftOf = (e: LoggedEvent): EventDraft => {
  const { offset: _offset, ...draft } = e;
  return draft as EventDraft;
};

export async function withTempLog<T>(events: readonly LoggedEvent[], body: (log: SqliteLog, dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'foldnet-ckpt-'));
  const log = new SqliteLog(join(dir, 'log.db'), { synchronous: 'normal' });
  try {
    for (let i = 0; i < events.length; i += 500) await log.append(events.slice(i, i + 500).map(draftOf));
    return await body(log, dir);
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
