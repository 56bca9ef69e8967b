// Turns the `--log` / FOLDNET_LOG string into an open EventLog: `file:PATH`,
// `file:///abs/path` or a bare path open the embedded SQLite log (nothing at
// all means ./.foldnet/log.db); `kafka://HOST:PORT[,…]/TOPIC[?…]` the Kafka
// log (kafka-url.ts); `etcd://HOST:PORT[,…]/PREFIX[?tls=1]` the etcd log
// (etcd-url.ts). Opening never touches the network: Kafka and etcd connect on
// first use. Reading flags and environment (TLS, SASL: log-env.ts) is the
// caller's job, not this one's.
import { fileURLToPath } from 'node:url';
import type { EtcdLogOptions } from './etcd-log';
import { type EtcdLocation, parseEtcdUrl } from './etcd-url';
import { type EventLog, LogError } from './event-log';
import type { KafkaLogOptions } from './kafka-log';
import { type KafkaLocation, parseKafkaUrl } from './kafka-url';
import type { BackendSecurity } from './log-env';
import { SqliteLog, type SqliteLogOptions } from './sqlite-log';

export const DEFAULT_LOG_PATH = './.foldnet/log.db';

export type LogLocation =
  | { readonly backend: 'file'; readonly path: string }
  | { readonly backend: 'kafka'; readonly url: string; readonly kafka: KafkaLocation }
  | { readonly backend: 'etcd'; readonly url: string; readonly etcd: EtcdLocation };

/** Options for every backend; each takes its own part. SQLite's sit at the top level. */
export interface OpenLogOptions extends SqliteLogOptions {
  /** TLS and credentials, e.g. from backendSecurityFromEnv(process.env). */
  readonly security?: BackendSecurity;
  readonly kafka?: Omit<KafkaLogOptions, 'security'>;
  readonly etcd?: Omit<EtcdLogOptions, 'security'>;
}

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
  if (scheme === 'kafka') return { backend: 'kafka', url: text, kafka: parseKafkaUrl(text) };
  if (scheme === 'etcd') return { backend: 'etcd', url: text, etcd: parseEtcdUrl(text) };
  throw new LogError(
    'unsupported-url',
    `log URL ${text}: unknown scheme "${scheme}:" (use file:PATH, a path, kafka://HOST:PORT/TOPIC or etcd://HOST:PORT/PREFIX)`,
  );
}

/** Opens the log `url` names; throws a LogError when the URL is bad. */
export function openLog(url?: string, options: OpenLogOptions = {}): EventLog {
  const where = parseLogUrl(url);
  switch (where.backend) {
    case 'file':
      return new SqliteLog(where.path, options);
    // The Kafka and etcd clients are required only when used: loading them costs ~200 ms of start-up
    // that every file-log command (and the CNI plugin) would otherwise pay.
    case 'kafka': {
      const { KafkaLog } = require('./kafka-log') as typeof import('./kafka-log');
      return new KafkaLog(where.kafka, { ...options.kafka, ...(options.security?.kafka ? { security: options.security.kafka } : {}) });
    }
    case 'etcd': {
      const { EtcdLog } = require('./etcd-log') as typeof import('./etcd-log');
      return new EtcdLog(where.etcd, { ...options.etcd, ...(options.security?.etcd ? { security: options.security.etcd } : {}) });
    }
  }
}

function fromFileUrl(text: string): string {
  try {
    return fileURLToPath(text);
  } catch (e) {
    throw new LogError('unsupported-url', `log URL ${text} is not a valid local file URL`, { cause: e });
  }
}
