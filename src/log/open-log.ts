// Turns the `--log` / FOLDNET_LOG string into an open EventLog: `file:PATH`,
// `file:///abs/path` or a bare path open the embedded SQLite log; nothing at
// all means ./.foldnet/log.db. Kafka and etcd URLs are recognised but not
// served yet. Reading flags and environment is the CLI's job, not this one's.
import { fileURLToPath } from 'node:url';
import { type EventLog, LogError } from './event-log';
import { SqliteLog, type SqliteLogOptions } from './sqlite-log';

export const DEFAULT_LOG_PATH = './.foldnet/log.db';

export type LogLocation =
  | { readonly backend: 'file'; readonly path: string }
  | { readonly backend: 'kafka' | 'etcd'; readonly url: string };

/** Where a log URL points, without opening anything; throws `unsupported-url`. */
export function parseLogUrl(url: string | undefined): LogLocation {
  const text = (url ?? '').trim();
  if (text === '') return { backend: 'file', path: DEFAULT_LOG_PATH };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) return { backend: 'file', path: text };
  if (scheme === 'file') {
    const path = text.startsWith('file://') ? fromFileUrl(text) : text.slice('file:'.length);
    if (path === '') throw new LogError('unsupported-url', `log URL ${text} names no file`);
    return { backend: 'file', path };
  }
  if (scheme === 'kafka' || scheme === 'etcd') return { backend: scheme, url: text };
  throw new LogError(
    'unsupported-url',
    `log URL ${text}: unknown scheme "${scheme}:" (use file:PATH, a path, kafka://... or etcd://...)`,
  );
}

/** Opens the log `url` names; throws a LogError when it cannot. */
export function openLog(url?: string, options: SqliteLogOptions = {}): EventLog {
  const where = parseLogUrl(url);
  switch (where.backend) {
    case 'file':
      return new SqliteLog(where.path, options);
    case 'kafka':
    case 'etcd':
      throw new LogError(
        'unsupported-url',
        `log URL ${where.url}: the ${where.backend} backend is not supported yet; use file:PATH`,
      );
  }
}

function fromFileUrl(text: string): string {
  try {
    return fileURLToPath(text);
  } catch (e) {
    throw new LogError('unsupported-url', `log URL ${text} is not a valid local file URL`, { cause: e });
  }
}
