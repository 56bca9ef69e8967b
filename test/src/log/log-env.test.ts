import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLogError } from '../../../src/log/event-log';
import { backendSecurityFromEnv } from '../../../src/log/log-env';

const dir = mkdtempSync(join(tmpdir(), 'foldnet-log-env-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('backendSecurityFromEnv', () => {
  test('no variables: no TLS, no SASL, no etcd credentials', () => {
    assert.deepEqual(backendSecurityFromEnv({}), { kafka: {}, etcd: {} });
  });

  test('Kafka TLS files and SASL with a password file are read', () => {
    const ca = file('ca.pem', 'CA');
    const pw = file('pw', 's3cret\n');
    const s = backendSecurityFromEnv({
      FOLDNET_KAFKA_TLS_CA_FILE: ca,
      FOLDNET_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      FOLDNET_KAFKA_SASL_USERNAME: 'foldnet',
      FOLDNET_KAFKA_SASL_PASSWORD_FILE: pw,
    });
    assert.deepEqual(s.kafka, { ssl: { ca: 'CA' }, sasl: { mechanism: 'scram-sha-512', username: 'foldnet', password: 's3cret' } });
    assert.deepEqual(backendSecurityFromEnv({ FOLDNET_KAFKA_TLS: '1' }).kafka, { ssl: true });
  });

  test('etcd CA, client certificate and password auth are read', () => {
    const s = backendSecurityFromEnv({
      FOLDNET_ETCD_TLS_CA_FILE: file('eca', 'ECA'),
      FOLDNET_ETCD_TLS_CERT_FILE: file('ecert', 'CERT'),
      FOLDNET_ETCD_TLS_KEY_FILE: file('ekey', 'KEY'),
      FOLDNET_ETCD_USERNAME: 'root',
      FOLDNET_ETCD_PASSWORD: 'pw',
    });
    assert.equal(s.etcd?.credentials?.rootCertificate.toString(), 'ECA');
    assert.equal(s.etcd?.credentials?.certChain?.toString(), 'CERT');
    assert.equal(s.etcd?.credentials?.privateKey?.toString(), 'KEY');
    assert.deepEqual(s.etcd?.auth, { username: 'root', password: 'pw' });
  });

  test('bad or incomplete settings are refused, naming the variable', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ FOLDNET_KAFKA_SASL_MECHANISM: 'gssapi', FOLDNET_KAFKA_SASL_USERNAME: 'u', FOLDNET_KAFKA_SASL_PASSWORD: 'p' }, /FOLDNET_KAFKA_SASL_MECHANISM/],
      [{ FOLDNET_KAFKA_SASL_MECHANISM: 'plain' }, /FOLDNET_KAFKA_SASL_USERNAME/],
      [{ FOLDNET_KAFKA_TLS_CA_FILE: join(dir, 'missing.pem') }, /FOLDNET_KAFKA_TLS_CA_FILE/],
      [{ FOLDNET_ETCD_USERNAME: 'root' }, /FOLDNET_ETCD_PASSWORD/],
      [{ FOLDNET_ETCD_TLS_CERT_FILE: file('c2', 'C') }, /FOLDNET_ETCD_TLS_CA_FILE/],
    ];
    for (const [env, why] of cases) {
      assert.throws(() => backendSecurityFromEnv(env), (e: unknown) => isLogError(e, 'invalid-argument') && why.test(e.message), JSON.stringify(env));
    }
  });
});
