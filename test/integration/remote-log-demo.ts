// What the demo tests on a Kafka or etcd log share: whether they can run
// (root and the tools of the namespace demo, with ping: demo-unavailable.ts; the server itself is
// serverOrReport's question, test/src/log/servers.ts), a fresh log URL per
// run (a topic, a key prefix; test/src/log/drop-log.ts removes it), where the
// agents report status (etcd: the log itself; Kafka holds none, so a file:
// store), and the policy the fault tests append over and over.
import { randomBytes } from 'node:crypto';

export type Backend = 'kafka' | 'etcd';

export const BACKEND_NAME: Record<Backend, string> = { kafka: 'Kafka', etcd: 'etcd' };
/** The name with its article, for titles. */
export const A_BACKEND: Record<Backend, string> = { kafka: 'a Kafka', etcd: 'an etcd' };

/** A log URL no run used before: a topic or a key prefix of its own. */
export function freshLogUrl(backend: Backend, address: string): string {
  const run = `${process.pid}-${randomBytes(3).toString('hex')}`;
  return backend === 'kafka' ? `kafka://${address}/foldnet-demo-${run}` : `etcd://${address}/foldnet-demo/${run}`;
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
