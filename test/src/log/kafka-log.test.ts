// The Kafka log against a real broker (services/start.sh): the shared
// conformance suite, unchanged; what the topic must be like; records that are
// not foldnet events; several processes; and broker failures (private
// brokers, killed and restarted). Each log gets its own topic, deleted after.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Admin, ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { type EventLog, isLogError } from '../../../src/log/event-log';
import { KafkaLog } from '../../../src/log/kafka-log';
import { parseKafkaUrl } from '../../../src/log/kafka-url';
import { openLog } from '../../../src/log/open-log';
import { runEventLogConformance } from './conformance';
import { dropLog } from './drop-log';
import { collect, drafts, uniqueRun } from './log-fixtures';
import { runRemoteLogSuite } from './remote-log-suite';
import { serverOrReport } from './servers';

const address = serverOrReport('kafka', 'Kafka log tests');

let topics = 0;
const freshTopic = (): string => `foldnet-test-${uniqueRun()}-${topics++}`.replace(/[^A-Za-z0-9._-]/g, '-');
const urlFor = (addr: string, topic = freshTopic()): string => `kafka://${addr}/${topic}`;

const openKafka = (url: string, attempts = 6, maxDelayMs = 1000): EventLog =>
  openLog(url, { kafka: { retry: { attempts, baseDelayMs: 50, maxDelayMs }, tailWaitMs: 200, connectionTimeoutMs: 1000 } });

if (address !== undefined) {
  const addr = address;
  let admin: Admin | undefined;
  const adminClient = async (): Promise<Admin> => {
    if (admin === undefined) {
      admin = new Kafka({ brokers: [addr], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
    }
    return admin;
  };
  after(async () => {
    await admin?.disconnect();
  });

  runEventLogConformance('kafka', async () => {
    const url = urlFor(addr);
    const opened: EventLog[] = [openKafka(url)];
    return {
      log: opened[0]!,
      reopen: async () => {
        const log = openKafka(url);
        opened.push(log);
        return log;
      },
      cleanup: async () => {
        await Promise.all(opened.map((l) => l.close()));
        await dropLog(url);
      },
    };
  });

  describe('KafkaLog topics', () => {
    test('a topic created on first use has one partition, infinite retention, no compaction and the min.insync.replicas asked for', { timeout: 60_000 }, async () => {
      const topic = freshTopic();
      const log = openKafka(`kafka://${addr}/${topic}?replicationFactor=1&minInsyncReplicas=1`);
      try {
        assert.equal(await log.head(), 0);
        const a = await adminClient();
        const meta = await a.fetchTopicMetadata({ topics: [topic] });
        assert.equal(meta.topics[0]?.partitions.length, 1);
        const { resources } = await a.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'cleanup.policy', 'min.insync.replicas'] }],
        });
        const config = Object.fromEntries(resources[0]!.configEntries.map((c) => [c.configName, c.configValue]));
        assert.deepEqual(config, { 'retention.ms': '-1', 'cleanup.policy': 'delete', 'min.insync.replicas': '1' });
      } finally {
        await log.close();
        await dropLog(`kafka://${addr}/${topic}`);
      }
    });

    test('an existing topic with 3 partitions is refused, saying why', { timeout: 60_000 }, async () => {
      const topic = freshTopic();
      const a = await adminClient();
      await a.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
      const log = openKafka(`kafka://${addr}/${topic}`);
      try {
        await assert.rejects(log.append(drafts(uniqueRun(), 1)), (e: unknown) => isLogError(e, 'foreign-format') && /3 partitions/.test(e.message) && /exactly one/.test(e.message));
      } finally {
        await log.close();
        await dropLog(`kafka://${addr}/${topic}`);
      }
    });

    test('a record that is not a foldnet event fails the read at its offset instead of being skipped', { timeout: 60_000 }, async () => {
      const url = urlFor(addr);
      const log = openKafka(url);
      const producer = new Kafka({ brokers: [addr], logLevel: logLevel.NOTHING }).producer({ createPartitioner: () => () => 0 });
      try {
        await log.append(drafts(uniqueRun(), 2));
        await producer.connect();
        await producer.send({ topic: parseKafkaUrl(url).topic, messages: [{ value: 'not an event' }] });
        assert.equal(await log.head(), 3);
        await assert.rejects(collect(log.read(0)), (e: unknown) => isLogError(e, 'foreign-format') && /offset 2/.test(e.message));
        assert.equal((await collect(log.read(0, 2))).length, 2);
      } finally {
        await producer.disconnect();
        await log.close();
        await dropLog(url);
      }
    });

    test('the offsets an append returns are the ones a reader in another handle sees, for a batch of 500', { timeout: 60_000 }, async () => {
      const url = urlFor(addr);
      const a = new KafkaLog(parseKafkaUrl(url));
      const b = new KafkaLog(parseKafkaUrl(url));
      try {
        await a.append(drafts(uniqueRun(), 3));
        const batch = drafts(uniqueRun(), 500);
        const offsets = await a.append(batch);
        assert.deepEqual(offsets, batch.map((_, i) => 3 + i));
        const read = await collect(b.read(3));
        assert.deepEqual(read.map((e) => [e.offset, e.id]), batch.map((d, i) => [3 + i, d.id]));
      } finally {
        await Promise.all([a.close(), b.close()]);
        await dropLog(url);
      }
    });
  });

  runRemoteLogSuite(
    { name: 'kafka', freshUrl: (a) => urlFor(a), open: openKafka, drop: dropLog },
    addr,
  );
}
