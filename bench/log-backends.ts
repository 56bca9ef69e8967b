// Measures each event-log backend on this machine: append throughput (one
// writer; single-event appends, then batches) and how long an appended event
// takes to reach a tail on another handle (append called → event yielded),
// as median and p99. It prints; it asserts nothing. Kafka and etcd are
// measured when their addresses are given (FOLDNET_TEST_KAFKA / _ETCD or
// services/.run/env, as services/start.sh writes them); each run uses a topic
// or key prefix of its own and deletes it afterwards.
//   node dist/bench/log-backends.js        (or: npm run bench, once bench/main.ts calls it)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Etcd3 } from 'etcd3';
import { Kafka, logLevel } from 'kafkajs';
import type { EventDraft } from '../compiler/events/event';
import type { EventLog } from '../src/log/event-log';
import { openLog } from '../src/log/open-log';

export interface LogBenchOptions {
  /** HOST:PORT of a Kafka broker; absent: Kafka is skipped. */
  readonly kafka?: string;
  /** HOST:PORT of an etcd member; absent: etcd is skipped. */
  readonly etcd?: string;
  /** Single-event appends timed (default 300). */
  readonly singles?: number;
  /** Batches appended (default 50) of batchSize events (default 100). */
  readonly batches?: number;
  readonly batchSize?: number;
  /** Append→visible samples (default 200). */
  readonly latencySamples?: number;
  readonly print?: (line: string) => void;
}

export interface BackendResult {
  readonly backend: 'sqlite' | 'kafka' | 'etcd';
  readonly singleAppendsPerSecond: number;
  readonly batchedEventsPerSecond: number;
  readonly batchSize: number;
  readonly visibleMedianMs: number;
  readonly visibleP99Ms: number;
  readonly samples: number;
}

let seq = 0;
const draft = (run: string): EventDraft => ({
  id: `${run}-${seq++}`,
  time: new Date().toISOString(),
  actor: 'bench',
  schemaVersion: 1,
  type: 'put',
  kind: 'WorkloadEndpoint',
  key: `bench/ep-${seq}`,
  resource: { spec: { host: 'host-1', interfaceName: `cali${seq}`, ipNetworks: [`10.0.${seq % 250}.1/32`], profiles: ['default'] } },
});

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function measure(backend: BackendResult['backend'], url: string, opts: LogBenchOptions): Promise<BackendResult> {
  const singles = opts.singles ?? 300;
  const batches = opts.batches ?? 50;
  const batchSize = opts.batchSize ?? 100;
  const samples = opts.latencySamples ?? 200;
  const run = `bench-${process.pid}-${Date.now().toString(36)}`;
  const writer: EventLog = openLog(url);
  const reader: EventLog = openLog(url);
  const stop = new AbortController();
  try {
    await writer.head();
    await reader.head();
    let t = performance.now();
    for (let i = 0; i < singles; i++) await writer.append([draft(run)]);
    const singleAppendsPerSecond = singles / ((performance.now() - t) / 1000);
    t = performance.now();
    for (let b = 0; b < batches; b++) await writer.append(Array.from({ length: batchSize }, () => draft(run)));
    const batchedEventsPerSecond = (batches * batchSize) / ((performance.now() - t) / 1000);

    // Latency: a tail on the other handle, waiting at the live edge.
    const head = await writer.head();
    const seen = new Map<string, number>();
    let notify: (() => void) | undefined;
    const tailing = (async () => {
      for await (const e of reader.tail(head, stop.signal)) {
        seen.set(e.id, performance.now());
        notify?.();
      }
    })();
    const lat: number[] = [];
    for (let i = 0; i < samples + 5; i++) {
      const d = draft(run);
      const sent = performance.now();
      await writer.append([d]);
      while (!seen.has(d.id)) await new Promise<void>((r) => (notify = r));
      if (i >= 5) lat.push(seen.get(d.id)! - sent); // the first few warm the tail up
    }
    stop.abort();
    await tailing;
    lat.sort((a, b) => a - b);
    return {
      backend,
      singleAppendsPerSecond,
      batchedEventsPerSecond,
      batchSize,
      visibleMedianMs: quantile(lat, 0.5),
      visibleP99Ms: quantile(lat, 0.99),
      samples: lat.length,
    };
  } finally {
    stop.abort();
    await Promise.allSettled([writer.close(), reader.close()]);
  }
}

export async function benchLogBackends(opts: LogBenchOptions = {}): Promise<BackendResult[]> {
  const print = opts.print ?? ((l: string) => void process.stdout.write(`${l}\n`));
  const results: BackendResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'foldnet-bench-log-'));
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  try {
    results.push(await measure('sqlite', `file:${join(dir, 'log.db')}`, opts));
    if (opts.kafka !== undefined) {
      const topic = `foldnet-bench-${tag}`;
      try {
        results.push(await measure('kafka', `kafka://${opts.kafka}/${topic}`, opts));
      } finally {
        const admin = new Kafka({ brokers: [opts.kafka], logLevel: logLevel.NOTHING }).admin();
        await admin.connect().then(() => admin.deleteTopics({ topics: [topic] })).catch(() => undefined);
        await admin.disconnect();
      }
    }
    if (opts.etcd !== undefined) {
      const prefix = `/foldnet-bench/${tag}`;
      try {
        results.push(await measure('etcd', `etcd://${opts.etcd}${prefix}`, opts));
      } finally {
        const client = new Etcd3({ hosts: `http://${opts.etcd}` });
        await client.delete().prefix(`${prefix}/`).exec().catch(() => undefined);
        client.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  print('event log backends (loopback, one writer; visible = append called → event yielded by a tail on another handle)');
  print('backend   single appends/s   batched events/s (batch)   visible median ms   visible p99 ms');
  for (const r of results) {
    print(
      `${r.backend.padEnd(9)} ${r.singleAppendsPerSecond.toFixed(0).padStart(16)}   ${r.batchedEventsPerSecond.toFixed(0).padStart(16)} (${r.batchSize})   ${r.visibleMedianMs.toFixed(2).padStart(17)}   ${r.visibleP99Ms.toFixed(2).padStart(14)}`,
    );
  }
  return results;
}

/** FOLDNET_TEST_KAFKA / FOLDNET_TEST_ETCD, else services/.run/env above this file. */
export function serverAddressesFromEnv(env: NodeJS.ProcessEnv = process.env): Pick<LogBenchOptions, 'kafka' | 'etcd'> {
  const fromFile = new Map<string, string>();
  for (let d = __dirname; dirname(d) !== d; d = dirname(d)) {
    const file = join(d, 'services', '.run', 'env');
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const i = line.indexOf('=');
        if (i > 0) fromFile.set(line.slice(0, i), line.slice(i + 1).trim());
      }
      break;
    }
  }
  const pick = (name: string): string | undefined => env[name] || fromFile.get(name) || undefined;
  const kafka = pick('FOLDNET_TEST_KAFKA');
  const etcd = pick('FOLDNET_TEST_ETCD');
  return { ...(kafka ? { kafka } : {}), ...(etcd ? { etcd } : {}) };
}

if (require.main === module) {
  benchLogBackends(serverAddressesFromEnv()).then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
