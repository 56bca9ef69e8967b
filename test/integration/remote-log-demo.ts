// What the demo tests on a Kafka or etcd log share: whether they can run
// (root and the tools of the namespace demo; a server from services/start.sh,
// whose absence fails the run under CI=true, as test/src/log/kafka-log.test.ts
// decides), a fresh log URL per run (a topic, a key prefix) and its removal,
// where the agents report status (etcd: the log itself; Kafka holds none, so
// a file: store), and the policy the fault tests append over and over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Etcd3 } from 'etcd3';
import { Kafka, logLevel } from 'kafkajs';
import { parseEtcdUrl } from '../../src/log/etcd-url';
import { parseKafkaUrl } from '../../src/log/kafka-url';
import { missingServer, mustHaveServers, sharedServer } from '../src/log/servers';

export type Backend = 'kafka' | 'etcd';

export const BACKEND_NAME: Record<Backend, string> = { kafka: 'Kafka', etcd: 'etcd' };
/** The name with its article, for titles. */
export const A_BACKEND: Record<Backend, string> = { kafka: 'a Kafka', etcd: 'an etcd' };

/** Why the namespace demo cannot run here, or undefined. */
export function demoUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for network namespaces';
  for (const [cmd, arg] of [['ip', '-V'], ['nft', '--version'], ['bird', '--version'], ['birdc', '--version'], ['ping', '-V']])
    if (spawnSync(cmd!, [arg!]).error) return `needs ${cmd}`;
  return undefined;
}

/**
 * The shared server's HOST:PORT. Without one, registers a test named `what`
 * that fails under CI=true and is skipped elsewhere, saying why, and returns
 * undefined.
 */
export function serverOrReport(backend: Backend, what: string): string | undefined {
  const missing = missingServer(backend);
  if (missing === undefined) return sharedServer(backend)!;
  if (mustHaveServers()) test(`${what}: ${A_BACKEND[backend]} server is available (CI=true)`, () => assert.fail(missing));
  else test(what, { skip: missing }, () => undefined);
  return undefined;
}

/** A log URL no run used before: a topic or a key prefix of its own. */
export function freshLogUrl(backend: Backend, address: string): string {
  const run = `${process.pid}-${randomBytes(3).toString('hex')}`;
  return backend === 'kafka' ? `kafka://${address}/foldnet-demo-${run}` : `etcd://${address}/foldnet-demo/${run}`;
}

/** Deletes the topic or the keys (events and status) of `url`; a server that is gone is not an error. */
export async function dropLog(url: string): Promise<void> {
  if (url.startsWith('kafka:')) {
    const { brokers, topic } = parseKafkaUrl(url);
    const admin = new Kafka({ brokers: brokers.map((b) => `${b.host}:${b.port}`), logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 1 } }).admin();
    try {
      await admin.connect();
      await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
    } catch {
      // gone already, or its broker is
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
    // gone already
  } finally {
    client.close();
  }
}

/** `--status` for the agents: none for etcd (they default to the log), a file: store in `dir` for Kafka. */
export const statusUrlFor = (backend: Backend, dir: string): string | undefined => (backend === 'kafka' ? `file:${dir}/status.db` : undefined);

/** Where the status lives, for test names. */
export const statusWhere = (backend: Backend): string => (backend === 'kafka' ? 'a file: store given with --status' : 'etcd, beside the log');

/**
 * A policy on C (host-1) and E (host-2) that allows TCP `port` in and passes
 * everything else on to the profiles: each new port changes both hosts'
 * snapshots and leaves the demo's reachability on ports 80 and 443 as it was.
 */
export const churnPolicy = (port: number): string => `apiVersion: foldnet.io/v1
kind: NetworkPolicy
metadata: {namespace: demo, name: churn}
spec:
  selector: "app in {'c', 'e'}"
  types: [Ingress]
  ingress:
    - {action: Allow, protocol: TCP, destination: {ports: [${port}]}}
    - {action: Pass}
`;

/** One row of `foldnet status -o json`. */
export interface StatusRow {
  readonly host: string;
  readonly state: string;
  readonly appliedOffset?: number;
  readonly lag?: number;
  readonly reportedHash?: string;
  readonly expectedHash?: string;
  readonly head: number;
}
