// KafkaClient.produce on a producer the broker no longer knows (after a
// broker restart the idempotent producer's sequence can be lost): the
// producer is dropped and the error is retriable, so the append retries with
// a new one (kafka-log.ts looks its ids up first and finds a batch that
// landed). Other broker errors keep their own retriability. No broker: the
// producer is a stand-in that throws as kafkajs does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogError } from '../../../src/log/event-log';
import { KafkaClient } from '../../../src/log/kafka-client';

const clientWith = (error: Error) => {
  const c = new KafkaClient({ location: { brokers: [{ host: '127.0.0.1', port: 9 }], topic: 't' }, connectionTimeoutMs: 100, requestTimeoutMs: 100 });
  let disconnected = false;
  const producer = {
    send: async () => {
      throw error;
    },
    disconnect: async () => {
      disconnected = true;
    },
  };
  (c as unknown as { producer: unknown }).producer = producer;
  return { c, producer, disconnected: () => disconnected, current: () => (c as unknown as { producer: unknown }).producer };
};

/** What kafkajs throws for a broker's error code: a KafkaJSProtocolError carrying its type. */
const protocolError = (type: string, retriable = false): Error => Object.assign(new Error(`broker says ${type}`), { name: 'KafkaJSProtocolError', type, retriable });

test('an out-of-order sequence drops the producer and is retriable', async () => {
  const k = clientWith(protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER'));
  const err = await k.c.produce([{ key: 'a', value: 'v', timestampMs: 0 }]).then(() => assert.fail('produce must fail'), (e: unknown) => e);
  assert.ok(err instanceof LogError);
  assert.equal(err.retriable, true);
  assert.equal(err.code, 'io');
  assert.match(err.message, /OUT_OF_ORDER_SEQUENCE_NUMBER|broker says/);
  assert.equal(k.disconnected(), true);
  assert.equal(k.current(), undefined);
});

test('another broker error that kafkajs calls final keeps the producer and is not retriable', async () => {
  const k = clientWith(protocolError('TOPIC_AUTHORIZATION_FAILED'));
  const err = await k.c.produce([{ key: 'a', value: 'v', timestampMs: 0 }]).then(() => assert.fail('produce must fail'), (e: unknown) => e);
  assert.ok(err instanceof LogError);
  assert.equal(err.retriable, false);
  assert.equal(k.disconnected(), false);
  assert.equal(k.current(), k.producer);
});

test('a leader-epoch error keeps the producer (its sequence lets the broker dedupe the retry) and stays retriable', async () => {
  const k = clientWith(protocolError('FENCED_LEADER_EPOCH', true));
  const err = await k.c.produce([{ key: 'a', value: 'v', timestampMs: 0 }]).then(() => assert.fail('produce must fail'), (e: unknown) => e);
  assert.ok(err instanceof LogError);
  assert.equal(err.retriable, true);
  assert.equal(k.disconnected(), false);
  assert.equal(k.current(), k.producer);
});
