import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isLogError } from '../../../src/log/event-log';
import { EtcdLog } from '../../../src/log/etcd-log';
import { KafkaLog } from '../../../src/log/kafka-log';
import { DEFAULT_LOG_PATH, openLog, parseLogUrl } from '../../../src/log/open-log';
import { SqliteLog } from '../../../src/log/sqlite-log';

const root = mkdtempSync(join(tmpdir(), 'foldnet-open-log-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('parseLogUrl', () => {
  test('no URL, or a blank one, means the default file', () => {
    for (const url of [undefined, '', '  ']) {
      assert.deepEqual(parseLogUrl(url), { backend: 'file', path: DEFAULT_LOG_PATH });
    }
  });

  test('file:PATH, file:///PATH and a bare path all name a file', () => {
    assert.deepEqual(parseLogUrl('file:/var/lib/foldnet/log.db'), { backend: 'file', path: '/var/lib/foldnet/log.db' });
    assert.deepEqual(parseLogUrl('file:rel/log.db'), { backend: 'file', path: 'rel/log.db' });
    assert.deepEqual(parseLogUrl('file:///var/lib/log%20x.db'), { backend: 'file', path: '/var/lib/log x.db' });
    assert.deepEqual(parseLogUrl('./here.db'), { backend: 'file', path: './here.db' });
    assert.deepEqual(parseLogUrl('/abs/here.db'), { backend: 'file', path: '/abs/here.db' });
  });

  test('kafka:// and etcd:// are recognised; other schemes and empty file URLs are refused', () => {
    assert.deepEqual(parseLogUrl('kafka://broker:9092/foldnet'), {
      backend: 'kafka',
      url: 'kafka://broker:9092/foldnet',
      kafka: { brokers: [{ host: 'broker', port: 9092 }], topic: 'foldnet' },
    });
    assert.deepEqual(parseLogUrl('etcd://127.0.0.1:2379'), {
      backend: 'etcd',
      url: 'etcd://127.0.0.1:2379',
      etcd: { endpoints: [{ host: '127.0.0.1', port: 2379 }], prefix: '/foldnet' },
    });
    for (const url of ['http://x/log', 'file:', 'file://remote-host/log.db']) {
      assert.throws(() => parseLogUrl(url), (e: unknown) => isLogError(e, 'unsupported-url'), url);
    }
  });
});

describe('openLog', () => {
  test('a file URL opens an SQLite log at that path', async () => {
    const path = join(root, 'sub', 'log.db');
    const log = openLog(pathToFileURL(path).href);
    try {
      assert.ok(log instanceof SqliteLog);
      assert.equal(await log.head(), 0);
      assert.ok(existsSync(path));
    } finally {
      await log.close();
    }
  });

  test('kafka and etcd URLs open their backends without connecting', async () => {
    const kafka = openLog('kafka://127.0.0.1:1/t');
    const etcd = openLog('etcd://127.0.0.1:1/p');
    try {
      assert.ok(kafka instanceof KafkaLog);
      assert.ok(etcd instanceof EtcdLog);
    } finally {
      await Promise.all([kafka.close(), etcd.close()]);
    }
  });

  test('malformed kafka and etcd URLs are refused, naming what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['kafka://broker:9092', /TOPIC/],
      ['kafka://broker/t', /HOST:PORT/],
      ['kafka://broker:9092/bad topic', /topic name/],
      ['kafka://broker:9092/t?replicationFactor=0', /replicationFactor/],
      ['kafka://broker:9092/t?colour=red', /unknown parameter/],
      ['etcd://h:99999/p', /HOST:PORT/],
      ['etcd://h:2379/a//b', /prefix/],
    ];
    for (const [url, why] of cases) {
      assert.throws(() => openLog(url), (e: unknown) => isLogError(e, 'unsupported-url') && why.test(e.message), url);
    }
  });

  test('kafka URLs carry brokers, IPv6 literals, topic settings and TLS', () => {
    const where = parseLogUrl('kafka://a:1,[::1]:2/log.v1?replicationFactor=3&minInsyncReplicas=2&tls=1&clientId=agent');
    assert.deepEqual(where.backend === 'kafka' && where.kafka, {
      brokers: [{ host: 'a', port: 1 }, { host: '[::1]', port: 2 }],
      topic: 'log.v1',
      replicationFactor: 3,
      minInsyncReplicas: 2,
      tls: true,
      clientId: 'agent',
    });
  });
});
