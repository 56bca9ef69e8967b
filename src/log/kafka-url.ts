// `kafka://HOST:PORT[,HOST:PORT…]/TOPIC[?replicationFactor=N&minInsyncReplicas=N&tls=1&clientId=ID]`:
// the brokers to bootstrap from, the topic that holds the log, and the
// settings used when the topic is created on first use. Connecting is
// kafka-log.ts's job; TLS files and SASL secrets come from the environment
// (log-env.ts), never from the URL, so URLs can be logged.
import { type Endpoint, boolParam, intParam, onlyParams, parseEndpoints } from './endpoint-list';
import { LogError } from './event-log';

export interface KafkaLocation {
  readonly brokers: readonly Endpoint[];
  readonly topic: string;
  /** Replicas of the topic when foldnet creates it (default: the broker's default.replication.factor). */
  readonly replicationFactor?: number;
  /** min.insync.replicas of the topic when foldnet creates it (default: the broker's). */
  readonly minInsyncReplicas?: number;
  readonly tls?: boolean;
  readonly clientId?: string;
}

const PARAMS = ['replicationFactor', 'minInsyncReplicas', 'tls', 'clientId'];

export function parseKafkaUrl(url: string): KafkaLocation {
  const m = /^kafka:\/\/([^/?#]+)\/([^?#]*)(?:\?([^#]*))?$/i.exec(url.trim());
  if (m === null) throw new LogError('unsupported-url', `log URL ${url}: expected kafka://HOST:PORT[,HOST:PORT...]/TOPIC`);
  const topic = decodeURIComponent(m[2]!);
  // Kafka's own rule for topic names.
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic) || topic === '.' || topic === '..') {
    throw new LogError('unsupported-url', `log URL ${url}: ${JSON.stringify(topic)} is not a Kafka topic name ([A-Za-z0-9._-], 1-249 characters)`);
  }
  const params = new URLSearchParams(m[3] ?? '');
  onlyParams(params, PARAMS, url);
  const replicationFactor = intParam(params, 'replicationFactor', url, 1);
  const minInsyncReplicas = intParam(params, 'minInsyncReplicas', url, 1);
  const tls = boolParam(params, 'tls', url);
  const clientId = params.get('clientId') ?? undefined;
  return {
    brokers: parseEndpoints(m[1]!, url),
    topic,
    ...(replicationFactor === undefined ? {} : { replicationFactor }),
    ...(minInsyncReplicas === undefined ? {} : { minInsyncReplicas }),
    ...(tls === undefined ? {} : { tls }),
    ...(clientId === undefined ? {} : { clientId }),
  };
}
