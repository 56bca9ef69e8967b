// Deleting what a test's Kafka or etcd log left on its server: the topic, or
// every key under the prefix (events, index, head and status). Test files and
// the demos call it after each log; a server that is gone already (a private
// one, destroyed) is not an error.
import { Etcd3 } from 'etcd3';
import { Kafka, logLevel } from 'kafkajs';
import { parseEtcdUrl } from '../../../src/log/etcd-url';
import { parseKafkaUrl } from '../../../src/log/kafka-url';

/** Deletes the topic (kafka://) or the keys (etcd://) of `url`. */
export async function dropLog(url: string): Promise<void> {
  if (url.startsWith('kafka:')) {
    const { brokers, topic } = parseKafkaUrl(url);
    const admin = new Kafka({
      brokers: brokers.map((b) => `${b.host}:${b.port}`),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      retry: { retries: 1 },
    }).admin();
    try {
      await admin.connect();
      await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
    } catch {
      // already gone, or its broker is
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    return;
  }
  const { endpoints, prefix } = parseEtcdUrl(url);
  const client = new Etcd3({ hosts: endpoints.map((e) => `http://${e.host}:${e.port}`), dialTimeout: 1000 });
  try {
    await client.delete().prefix(`${prefix}/`).options({ deadline: Date.now() + 3000 }).exec();
  } catch {
    // already gone
  } finally {
    client.close();
  }
}
