// TLS and authentication for the Kafka and etcd backends, read from the
// environment (secrets stay out of URLs, argv and shell history):
//
//   FOLDNET_KAFKA_TLS=1                      TLS to the brokers (implied by any *_FILE below)
//   FOLDNET_KAFKA_TLS_CA_FILE=PATH           CA bundle (PEM) that signed the brokers' certificates
//   FOLDNET_KAFKA_TLS_CERT_FILE=PATH         client certificate (PEM), for mutual TLS
//   FOLDNET_KAFKA_TLS_KEY_FILE=PATH          its private key (PEM)
//   FOLDNET_KAFKA_SASL_MECHANISM=M           plain | scram-sha-256 | scram-sha-512
//   FOLDNET_KAFKA_SASL_USERNAME=NAME
//   FOLDNET_KAFKA_SASL_PASSWORD=SECRET       or FOLDNET_KAFKA_SASL_PASSWORD_FILE=PATH
//   FOLDNET_ETCD_TLS_CA_FILE=PATH            CA bundle; turns on https to the members
//   FOLDNET_ETCD_TLS_CERT_FILE=PATH          client certificate, for mutual TLS
//   FOLDNET_ETCD_TLS_KEY_FILE=PATH           its private key
//   FOLDNET_ETCD_USERNAME=NAME               etcd's password authentication
//   FOLDNET_ETCD_PASSWORD=SECRET             or FOLDNET_ETCD_PASSWORD_FILE=PATH
//
// Whoever owns the environment (the CLI, the agent) calls this and hands the
// result to openLog / openStatusStore; the backends never read process.env.
import { readFileSync } from 'node:fs';
import { LogError } from './event-log';

export interface KafkaSecurity {
  /** TLS options for node's tls.connect (ca, cert, key), or true for the system CAs. */
  readonly ssl?: true | { readonly ca?: string; readonly cert?: string; readonly key?: string };
  readonly sasl?: {
    readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    readonly username: string;
    readonly password: string;
  };
}

export interface EtcdSecurity {
  readonly credentials?: { readonly rootCertificate: Buffer; readonly certChain?: Buffer; readonly privateKey?: Buffer };
  readonly auth?: { readonly username: string; readonly password: string };
}

export interface BackendSecurity {
  readonly kafka?: KafkaSecurity;
  readonly etcd?: EtcdSecurity;
}

type Env = Readonly<Record<string, string | undefined>>;

const set = (env: Env, name: string): string | undefined => {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v;
};

function readPem(env: Env, name: string): Buffer | undefined {
  const path = set(env, name);
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (e) {
    throw new LogError('invalid-argument', `${name}=${path}: cannot read it (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
}

function secret(env: Env, name: string): string | undefined {
  const direct = set(env, name);
  if (direct !== undefined) return direct;
  const file = readPem(env, `${name}_FILE`);
  return file?.toString('utf8').replace(/\r?\n$/, '');
}

export function backendSecurityFromEnv(env: Env): BackendSecurity {
  return { kafka: kafkaSecurity(env), etcd: etcdSecurity(env) };
}

function kafkaSecurity(env: Env): KafkaSecurity {
  const ca = readPem(env, 'FOLDNET_KAFKA_TLS_CA_FILE');
  const cert = readPem(env, 'FOLDNET_KAFKA_TLS_CERT_FILE');
  const key = readPem(env, 'FOLDNET_KAFKA_TLS_KEY_FILE');
  const tlsFlag = set(env, 'FOLDNET_KAFKA_TLS');
  const files = ca !== undefined || cert !== undefined || key !== undefined;
  const ssl: KafkaSecurity['ssl'] = files
    ? { ...(ca ? { ca: ca.toString() } : {}), ...(cert ? { cert: cert.toString() } : {}), ...(key ? { key: key.toString() } : {}) }
    : tlsFlag === '1' || tlsFlag === 'true'
      ? true
      : undefined;
  const mechanism = set(env, 'FOLDNET_KAFKA_SASL_MECHANISM')?.toLowerCase();
  let sasl: KafkaSecurity['sasl'];
  if (mechanism !== undefined) {
    if (mechanism !== 'plain' && mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512') {
      throw new LogError('invalid-argument', `FOLDNET_KAFKA_SASL_MECHANISM: expected plain, scram-sha-256 or scram-sha-512, got ${JSON.stringify(mechanism)}`);
    }
    const username = set(env, 'FOLDNET_KAFKA_SASL_USERNAME');
    const password = secret(env, 'FOLDNET_KAFKA_SASL_PASSWORD');
    if (username === undefined || password === undefined) {
      throw new LogError('invalid-argument', 'FOLDNET_KAFKA_SASL_MECHANISM needs FOLDNET_KAFKA_SASL_USERNAME and FOLDNET_KAFKA_SASL_PASSWORD (or _PASSWORD_FILE)');
    }
    sasl = { mechanism, username, password };
  }
  return { ...(ssl === undefined ? {} : { ssl }), ...(sasl === undefined ? {} : { sasl }) };
}

function etcdSecurity(env: Env): EtcdSecurity {
  const rootCertificate = readPem(env, 'FOLDNET_ETCD_TLS_CA_FILE');
  const certChain = readPem(env, 'FOLDNET_ETCD_TLS_CERT_FILE');
  const privateKey = readPem(env, 'FOLDNET_ETCD_TLS_KEY_FILE');
  if (rootCertificate === undefined && (certChain !== undefined || privateKey !== undefined)) {
    throw new LogError('invalid-argument', 'FOLDNET_ETCD_TLS_CERT_FILE and _KEY_FILE need FOLDNET_ETCD_TLS_CA_FILE');
  }
  const username = set(env, 'FOLDNET_ETCD_USERNAME');
  const password = secret(env, 'FOLDNET_ETCD_PASSWORD');
  if ((username === undefined) !== (password === undefined)) {
    throw new LogError('invalid-argument', 'FOLDNET_ETCD_USERNAME and FOLDNET_ETCD_PASSWORD (or _PASSWORD_FILE) go together');
  }
  return {
    ...(rootCertificate === undefined
      ? {}
      : { credentials: { rootCertificate, ...(certChain ? { certChain } : {}), ...(privateKey ? { privateKey } : {}) } }),
    ...(username !== undefined && password !== undefined ? { auth: { username, password } } : {}),
  };
}
