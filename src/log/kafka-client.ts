// The Kafka side of the Kafka log, through kafkajs: connecting (TLS, SASL,
// kafkajs's own logging silenced or routed to the caller), making sure the
// one-partition topic exists, producing a batch, fetching an exact offset
// range, and listing offsets (the head, a timestamp). kafkajs errors become
// LogErrors here, with `retriable` set for what a later attempt may cure.
// What offsets mean and when to retry is kafka-log.ts's business; fetching by
// offset is kafka-fetcher.ts's (reached here through kafkajs's private
// cluster factory: `fetcher()` fails loudly if kafkajs ever lacks it).
import { type Admin, ConfigResourceTypes, Kafka, type KafkaConfig, type LogEntry, logLevel, type Producer } from 'kafkajs';
import { LogError } from './event-log';
import { showEndpoint } from './endpoint-list';
import { type ClusterFactory, type Fetcher, clusterFetcher, kafkaType } from './kafka-fetcher';
import type { KafkaLocation } from './kafka-url';
import type { KafkaSecurity } from './log-env';

/** Where kafkajs's own log lines go; absent = nowhere. */
export type KafkaLogSink = (level: 'error' | 'warn' | 'info' | 'debug', message: string) => void;

export interface KafkaClientOptions {
  readonly location: KafkaLocation;
  readonly security?: KafkaSecurity;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly logSink?: KafkaLogSink;
}

/** The record's value, key and Kafka timestamp for one stored event. */
export interface OutRecord {
  readonly key: string;
  readonly value: string;
  readonly timestampMs: number;
}

// Our own messages are never larger; Kafka returns at least one whole batch anyway (KIP-74).
const TOPIC_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export class KafkaClient {
  readonly where: string;
  private readonly kafka: Kafka;
  private readonly topic: string;
  private admin: Admin | undefined;
  private producer: Producer | undefined;

  constructor(private readonly options: KafkaClientOptions) {
    const { location, security, logSink } = options;
    this.topic = location.topic;
    this.where = `Kafka ${location.brokers.map(showEndpoint).join(',')} topic ${location.topic}`;
    const config: KafkaConfig = {
      brokers: location.brokers.map(showEndpoint),
      clientId: location.clientId ?? 'foldnet',
      connectionTimeout: options.connectionTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      // Our own loop (kafka-log.ts) retries with backoff; kafkajs only rides out short blips.
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
      logLevel: logSink === undefined ? logLevel.NOTHING : logLevel.WARN,
      logCreator: () => (entry: LogEntry) => logSink?.(levelName(entry.level), `kafkajs ${entry.namespace}: ${entry.log.message}`),
      ...(security?.ssl !== undefined ? { ssl: security.ssl as KafkaConfig['ssl'] } : location.tls ? { ssl: true } : {}),
      ...(security?.sasl !== undefined ? { sasl: security.sasl as KafkaConfig['sasl'] } : {}),
    };
    this.kafka = new Kafka(config);
  }

  /** Connects the admin client and makes sure the topic exists with one partition, never compacted. */
  async ensureTopic(): Promise<void> {
    const admin = await this.adminClient();
    try {
      const { location } = this.options;
      if (!(await admin.listTopics()).includes(this.topic)) {
        const configEntries = [
          { name: 'retention.ms', value: '-1' },
          { name: 'retention.bytes', value: '-1' },
          { name: 'cleanup.policy', value: 'delete' },
          { name: 'message.timestamp.type', value: 'CreateTime' },
          { name: 'max.message.bytes', value: String(TOPIC_MAX_MESSAGE_BYTES) },
          ...(location.minInsyncReplicas === undefined ? [] : [{ name: 'min.insync.replicas', value: String(location.minInsyncReplicas) }]),
        ];
        // false = someone else created it first; either way it exists now.
        await admin.createTopics({
          waitForLeaders: true,
          topics: [{ topic: this.topic, numPartitions: 1, replicationFactor: location.replicationFactor ?? -1, configEntries }],
        });
      }
      const meta = await admin.fetchTopicMetadata({ topics: [this.topic] });
      const partitions = meta.topics.find((t) => t.name === this.topic)?.partitions.length ?? 0;
      if (partitions !== 1) {
        throw new LogError(
          'foreign-format',
          `${this.where} has ${partitions} partitions; a foldnet log needs a topic with exactly one (the total order): choose another topic`,
        );
      }
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: this.topic, configNames: ['cleanup.policy'] }],
      });
      const policy = described.resources[0]?.configEntries.find((c) => c.configName === 'cleanup.policy')?.configValue ?? '';
      if (policy.includes('compact')) {
        throw new LogError('foreign-format', `${this.where} has cleanup.policy=${policy}; a compacted topic loses events and offsets: use cleanup.policy=delete with retention.ms=-1`);
      }
    } catch (e) {
      await this.dropAdmin();
      throw this.toLogError(e);
    }
  }

  /**
   * Produces the records as one batch: kafkajs puts all messages for one
   * partition of one send into a single RecordBatch, which the broker appends
   * whole or not at all. Resolves to the first offset.
   */
  async produce(records: readonly OutRecord[]): Promise<number> {
    const producer = await this.producerClient();
    try {
      const [meta] = await producer.send({
        topic: this.topic,
        acks: -1,
        timeout: this.options.requestTimeoutMs,
        messages: records.map((r) => ({ key: r.key, value: r.value, timestamp: String(r.timestampMs), partition: 0 })),
      });
      const base = Number(meta?.baseOffset);
      if (meta === undefined || meta.errorCode !== 0 || !Number.isSafeInteger(base)) {
        throw new LogError('io', `${this.where}: the broker acknowledged the batch without an offset`, { retriable: true });
      }
      return base;
    } catch (e) {
      const err = this.toLogError(e);
      // A producer the broker no longer knows (fenced, or its sequence lost, as after a broker restart) cannot be
      // reused; a new one can, so the append may retry: it looks its ids up first, and finds the batch if it landed
      // and was committed. A new producer has no sequence the broker could dedupe by, so any other error (a leader
      // epoch, a timeout) keeps this one.
      if (UNKNOWN_PRODUCER.has(kafkaType(e) ?? '')) {
        await this.dropProducer();
        throw new LogError(err.code, err.message, { retriable: true, cause: e });
      }
      throw err;
    }
  }

  /** A new connection for fetching and listing offsets (kafkajs internals, see above). */
  fetcher(): Fetcher {
    const factory = Object.getOwnPropertySymbols(this.kafka).find((s) => s.description === 'private:Kafka:createCluster');
    const create = factory === undefined ? undefined : (this.kafka as unknown as Record<symbol, unknown>)[factory];
    if (typeof create !== 'function') {
      throw new LogError('io', 'kafkajs has changed: foldnet needs kafkajs 2.2.4 exactly (see package.json)');
    }
    return clusterFetcher(create as ClusterFactory, this.topic, (e) => this.toLogError(e));
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.dropAdmin(), this.dropProducer()]);
  }

  toLogError(e: unknown): LogError {
    if (e instanceof LogError) return e;
    const err = e as { name?: string; message?: string; retriable?: boolean; type?: string; originalError?: unknown };
    const type = kafkaType(e);
    if (type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE') {
      return new LogError('invalid-argument', `${this.where}: the batch is larger than the topic allows (max.message.bytes)`, { cause: e });
    }
    const inner = err.originalError as { message?: string } | undefined;
    const detail = [err.message, inner?.message].filter((m) => m !== undefined && m !== '').join(': ');
    const retriable = err.retriable === true || chainIsTransient(e);
    return new LogError('io', `${this.where}: ${detail || String(e)}`, { retriable, cause: e });
  }

  private async adminClient(): Promise<Admin> {
    if (this.admin !== undefined) return this.admin;
    const admin = this.kafka.admin({ retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 } });
    try {
      await admin.connect();
    } catch (e) {
      throw this.toLogError(e);
    }
    this.admin = admin;
    return admin;
  }

  private async producerClient(): Promise<Producer> {
    if (this.producer !== undefined) return this.producer;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: () => () => 0,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    try {
      await producer.connect();
    } catch (e) {
      throw this.toLogError(e);
    }
    this.producer = producer;
    return producer;
  }

  private async dropAdmin(): Promise<void> {
    const a = this.admin;
    this.admin = undefined;
    await a?.disconnect().catch(() => undefined);
  }

  private async dropProducer(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    await p?.disconnect().catch(() => undefined);
  }
}

/** The broker's errors for a producer id or sequence it no longer accepts (kafkajs calls them all final). */
const UNKNOWN_PRODUCER = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING']);

const RETRIABLE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
  'KafkaJSLockTimeout',
  'KafkaJSNoBrokerAvailableError',
]);

/**
 * True when any error in the chain (kafkajs wraps: NumberOfRetriesExceeded,
 * NonRetriable around a connection error) is about reaching the broker: a
 * later attempt may find it back. kafkajs marks some of those non-retriable
 * for its own loop, which has given up; ours has not.
 */
function chainIsTransient(e: unknown): boolean {
  for (let x = e as { name?: string; message?: string; originalError?: unknown; cause?: unknown } | undefined, depth = 0; x && depth < 8; depth++) {
    if (x.name !== undefined && RETRIABLE_NAMES.has(x.name)) return true;
    if (/ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|Connection error|Closed connection|Connection timeout|Request timed out|not the leader|LEADER_NOT_AVAILABLE|NOT_LEADER|no leader|NOT_CONTROLLER|broker.*not found/i.test(x.message ?? '')) return true;
    x = (x.originalError ?? x.cause) as typeof x;
  }
  return false;
}

function levelName(level: number): 'error' | 'warn' | 'info' | 'debug' {
  return level <= logLevel.ERROR ? 'error' : level <= logLevel.WARN ? 'warn' : level <= logLevel.INFO ? 'info' : 'debug';
}
