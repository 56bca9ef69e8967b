// Reading a Kafka topic by offset. kafkajs's public consumer only reads
// through a consumer group (a join, a rebalance delay, committed offsets),
// which cannot read an exact range cheaply. So reads use kafkajs's own
// Cluster and Broker objects, the ones its consumer uses: Broker.fetch (Fetch
// v11, long-poll) and Cluster.fetchTopicsOffset (ListOffsets). That is
// internal API, so it is confined to this file, typed by the slice we use,
// and kafkajs is pinned to exactly 2.2.4 (its last release). A connection
// that failed is rebuilt on the next call; an offset past the head is an
// answer (outOfRange), not a failure. Density and decoding are kafka-log.ts's.
import { LogError } from './event-log';

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

/** kafkajs's private `createCluster` (see kafka-client.ts). */
export type ClusterFactory = (options: object) => InternalCluster;

const READ_COMMITTED = 1;

export function clusterFetcher(create: ClusterFactory, topic: string, toLogError: (e: unknown) => LogError): Fetcher {
  const cluster = create({ metadataMaxAge: 300_000, allowAutoTopicCreation: false, isolationLevel: READ_COMMITTED });
  return new ClusterFetcher(cluster, topic, toLogError);
}

export function kafkaType(e: unknown): string | undefined {
  const err = e as { type?: unknown; originalError?: { type?: unknown } } | undefined;
  const t = err?.type ?? err?.originalError?.type;
  return typeof t === 'string' ? t : undefined;
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
export interface InternalCluster {
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
