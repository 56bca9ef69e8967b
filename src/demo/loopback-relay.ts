// How agents inside the demo's host namespaces reach a Kafka broker or an
// etcd that listens on the root namespace's loopback (the test servers of
// services/): each namespace has a loopback of its own, so the same
// HOST:PORT is served there by a relay process (loopback-relay-process.ts)
// that forwards every connection through a Unix socket in the run's
// directory to this half, which connects to the real server. The log URL the
// agents get stays the one everybody else uses, and Kafka's advertised
// listener (the same loopback address) works unchanged. A server that is
// down or killed shows up in the namespace as a connection that closes.
// Which URLs need relaying is loopbackEndpoints'; starting the agents is
// cluster.ts's.
import { type ChildProcess, spawn } from 'node:child_process';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { join as joinPath } from 'node:path';
import { createInterface } from 'node:readline';
import { type Endpoint, showEndpoint } from '../log/endpoint-list';
import { parseLogUrl } from '../log/open-log';
import { join } from './loopback-relay-process';
import { nodeEntry } from './node-entry';

const bare = (host: string): string => host.replace(/^\[(.*)\]$/, '$1');
const isLoopback = (host: string): boolean => {
  const h = bare(host).toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
};

/**
 * The server endpoints of the log and status URLs that the host namespaces
 * must reach (none for file: URLs); throws for a server off loopback, which
 * the demo's isolated namespaces cannot reach at all.
 */
export function loopbackEndpoints(urls: readonly (string | undefined)[]): Endpoint[] {
  const out = new Map<string, Endpoint>();
  for (const url of urls) {
    if (url === undefined) continue;
    const where = parseLogUrl(url);
    const endpoints = where.backend === 'kafka' ? where.kafka.brokers : where.backend === 'etcd' ? where.etcd.endpoints : [];
    for (const e of endpoints) {
      if (!isLoopback(e.host)) throw new Error(`${url}: the demo's host namespaces reach servers on loopback only (relayed into each namespace), not ${showEndpoint(e)}`);
      out.set(showEndpoint(e), e);
    }
  }
  return [...out.values()];
}

export class LoopbackRelay {
  private readonly children: { readonly child: ChildProcess; readonly exited: Promise<void> }[] = [];
  private readonly open = new Set<Socket>();
  private stopped = false;

  private constructor(
    private readonly servers: readonly Server[],
    private readonly pairs: readonly string[],
  ) {}

  /** Serves one Unix socket per endpoint in `dir`, each forwarding to its endpoint. */
  static async start(dir: string, endpoints: readonly Endpoint[]): Promise<LoopbackRelay> {
    const servers: Server[] = [];
    const pairs: string[] = [];
    const relay = new LoopbackRelay(servers, pairs);
    try {
      for (const e of endpoints) {
        const socket = joinPath(dir, `relay-${e.port}.sock`);
        const server = createServer((inner) => {
          const outer = connect(e.port, bare(e.host));
          for (const s of [inner, outer]) {
            relay.open.add(s);
            s.on('close', () => relay.open.delete(s));
          }
          join(inner, outer);
        });
        servers.push(server);
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(socket, () => resolve());
        });
        pairs.push(`${showEndpoint(e)}=${socket}`);
      }
      return relay;
    } catch (e) {
      await relay.stop();
      throw e;
    }
  }

  /** Starts the in-namespace half in `netns`; resolves once it listens. */
  async into(netns: string): Promise<void> {
    if (this.stopped) throw new Error('the relay is stopped');
    if (this.pairs.length === 0) return;
    const child = spawn('ip', ['netns', 'exec', netns, process.execPath, ...nodeEntry('demo/loopback-relay-process'), ...this.pairs], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.children.push({ child, exited });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
    await new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.once('line', (line) => {
        try {
          const v = JSON.parse(line) as { ready?: boolean; error?: string };
          if (v.ready === true) return resolve();
          reject(new Error(`the loopback relay in ${netns} failed: ${v.error ?? line}`));
        } catch {
          reject(new Error(`the loopback relay in ${netns} printed ${JSON.stringify(line)}`));
        }
      });
      void exited.then(() => reject(new Error(`the loopback relay in ${netns} exited: ${stderr.trim()}`)));
    });
  }

  /** Kills the in-namespace halves, closes every connection and the Unix sockets. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const { child } of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(this.children.map((c) => c.exited));
    for (const s of this.open) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
  }
}
