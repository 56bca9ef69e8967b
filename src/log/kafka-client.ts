// The Kafka side of the Kafka log, through kafkajs: connecting (TLS, SASL,
// kafkajs's own logging silenced or routed to the caller), making sure the
// one-partition topic exists, producing a batch, fetching an exact offset
// range, and listing offsets (the head, a timestamp). kafkajs errors become
// LogErrors here, with `retriable` set for what a later attempt may cure.
// What offsets mean and when to retry is kafka-log.ts's business.
//
// Fetching by offset. kafkajs's public consumer only reads through a consumer
// group (a join, a rebalance delay, committed offsets), which cannot read an
// exact range cheaply. So reads use kafkajs's own Cluster/Broker objects, the
// ones its consumer uses, reached through the Kafka client's private cluster
// factory: Broker.fetch (Fetch v11, long-poll) and Cluster.fetchTopicsOffset
// (ListOffsets). That is internal API: kafkajs is pinned to exactly 2.2.4
// (its last release) and `fetcher()` fails loudly if the factory is missing.
import { type Admin, ConfigResourceTypes, Kafka, type KafkaConfig, type LogEntry, logLevel, type Producer } from 'kafkajs';
import { LogError } from './event-log';
import { showEndpoint } from './endpoint-list';
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

export interface RawRecord {
  readonly offset: number;
  readonly value: Buffer | null;
  readonly isControlRecord: boolean;
}

export interface FetchResult {
  readonly records: readonly RawRecord[];
  readonly highWatermark: number;
  /** The offset asked for is past the high watermark or before the log start. */
  readonly outOfRange: boolean;
}

/** What a fetch or list-offsets connection can do; one per tail, one shared by reads. */
export interface Fetcher {
  fetch(offset: number, maxWaitMs: number, maxBytes: number): Promise<FetchResult>;
  /** The offset the next record will get (the high watermark). */
  latestOffset(): Promise<number>;
  /** The first offset whose record timestamp is ≥ `ms`, or the latest offset when none is. */
  offsetForTime(ms: number): Promise<number>;
  close(): Promise<void>;
}

/** The record's value, key and Kafka timestamp for one stored event. */
export interface OutRecord {
  readonly key: string;
  readonly value: string;
  readonly timestampMs: number;
}

const READ_COMMITTED = 1;
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
      // A producer the broker no longer knows (fenced, lost sequence) cannot be reused.
      if (/PRODUCER|SEQUENCE|EPOCH/.test(kafkaType(e) ?? '')) await this.dropProducer();
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
    const cluster = (create as (o: object) => InternalCluster)({
      metadataMaxAge: 300_000,
      allowAutoTopicCreation: false,
      isolationLevel: READ_COMMITTED,
    });
    return new ClusterFetcher(cluster, this.topic, (e) => this.toLogError(e));
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
    const retriable =
      err.retriable === true ||
      (err.name !== undefined && RETRIABLE_NAMES.has(err.name)) ||
      (err.name === 'KafkaJSNumberOfRetriesExceeded' && (inner as { retriable?: boolean } | undefined)?.retriable !== false);
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

function kafkaType(e: unknown): string | undefined {
  const err = e as { type?: unknown; originalError?: { type?: unknown } } | undefined;
  const t = err?.type ?? err?.originalError?.type;
  return typeof t === 'string' ? t : undefined;
}

function levelName(level: number): 'error' | 'warn' | 'info' | 'debug' {
  return level <= logLevel.ERROR ? 'error' : level <= logLevel.WARN ? 'warn' : level <= logLevel.INFO ? 'info' : 'debug';
}

// The slice of kafkajs's internal Cluster and Broker that ClusterFetcher uses.
interface InternalMessage {
  offset: string;
  value: Buffer | null;
  isControlRecord?: boolean;
}
interface InternalBroker {
  fetch(req: object): Promise<{ responses: { partitions: { highWatermark: string; messages: InternalMessage[] }[] }[] }>;
}
interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(q: { nodeId: string }): Promise<InternalBroker>;
  fetchTopicsOffset(
    topics: { topic: string; partitions: { partition: number }[]; fromBeginning?: boolean; fromTimestamp?: number }[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}

class ClusterFetcher implements Fetcher {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly cluster: InternalCluster,
    private readonly topic: string,
    private readonly toLogError: (e: unknown) => LogError,
  ) {}

  async fetch(offset: number, maxWaitMs: number, maxBytes: number): Promise<FetchResult> {
    return this.guard(async () => {
      const leaders = this.cluster.findLeaderForPartitions(this.topic, [0]);
      const nodeId = Object.keys(leaders)[0];
      if (nodeId === undefined) throw new LogError('io', `topic ${this.topic}: partition 0 has no leader`, { retriable: true });
      const broker = await this.cluster.findBroker({ nodeId });
      let res: Awaited<ReturnType<InternalBroker['fetch']>>;
      try {
        res = await broker.fetch({
          replicaId: -1,
          isolationLevel: READ_COMMITTED,
          maxWaitTime: maxWaitMs,
          minBytes: 1,
          maxBytes,
          topics: [{ topic: this.topic, partitions: [{ partition: 0, fetchOffset: String(offset), maxBytes }] }],
        });
      } catch (e) {
        // An answer, not a failure: the connection stays.
        if (kafkaType(e) === 'OFFSET_OUT_OF_RANGE') return { records: [], highWatermark: -1, outOfRange: true };
        throw e;
      }
      const p = res.responses[0]?.partitions[0];
      if (p === undefined) throw new LogError('io', `topic ${this.topic}: the broker answered a fetch without partition 0`, { retriable: true });
      return {
        highWatermark: Number(p.highWatermark),
        outOfRange: false,
        records: p.messages.map((m) => ({ offset: Number(m.offset), value: m.value, isControlRecord: m.isControlRecord === true })),
      };
    });
  }

  async latestOffset(): Promise<number> {
    return this.listOffset({ fromBeginning: false });
  }

  async offsetForTime(ms: number): Promise<number> {
    const found = await this.listOffset({ fromTimestamp: ms });
    return found >= 0 ? found : this.latestOffset();
  }

  async close(): Promise<void> {
    this.ready = undefined;
    await this.cluster.disconnect().catch(() => undefined);
  }

  private async listOffset(q: { fromBeginning?: boolean; fromTimestamp?: number }): Promise<number> {
    return this.guard(async () => {
      const [t] = await this.cluster.fetchTopicsOffset([{ topic: this.topic, partitions: [{ partition: 0 }], ...q }]);
      const offset = Number(t?.partitions.find((p) => p.partition === 0)?.offset);
      if (!Number.isSafeInteger(offset)) throw new LogError('io', `topic ${this.topic}: the broker listed no offset for partition 0`, { retriable: true });
      return offset;
    });
  }

  /** Runs `op` on a connected cluster; after a failure the next call reconnects from scratch. */
  private async guard<T>(op: () => Promise<T>): Promise<T> {
    try {
      this.ready ??= (async () => {
        await this.cluster.connect();
        await this.cluster.addTargetTopic(this.topic);
      })();
      await this.ready;
      return await op();
    } catch (e) {
      this.ready = undefined;
      await this.cluster.disconnect().catch(() => undefined);
      throw this.toLogError(e);
    }
  }
}
