// The harness's handle on one demo workload process (workload-process.ts)
// running inside the workload's namespace: starts it, sends it requests,
// matches answers by id, stops it. What to ask and what the answers mean is
// the probes' and tests' business.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { nodeEntry } from './node-entry';
import type { AcceptedCount, ConnectOutcome, WorkloadRequest } from './workload-process';

export const DEMO_TCP_PORTS = [80, 443] as const;
export const DEMO_UDP_PORT = 9999;

type Body<R> = R extends { readonly id: number } ? Omit<R, 'id'> : never;
export type RequestBody = Body<WorkloadRequest>;

export interface OpenResult { readonly ok: boolean; readonly attempts: number; readonly startedAt?: number; readonly connectedAt?: number; readonly error?: string }
export interface WatchResult { readonly ok: boolean; readonly attempts: number; readonly failures: readonly { readonly at: number; readonly error: string }[] }

/** What the process serves: TCP ports and a UDP port (default: the demo's, 80 and 443, and 9999); none, for a client only. */
export interface ServeOptions {
  readonly tcp?: readonly number[];
  readonly udp?: number | null;
}

export class WorkloadClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (v: Record<string, unknown>) => void>();
  private exited = false;
  private stderr = '';

  private constructor(readonly netns: string, private readonly child: ChildProcess) {
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-4000)));
    child.on('exit', () => {
      this.exited = true;
      for (const w of this.waiting.values()) w({ ok: false, error: `workload process in ${netns} exited: ${this.stderr.trim()}` });
      this.waiting.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Starts the workload process in `netns` and waits until it listens. */
  static async start(netns: string, serve: ServeOptions = {}): Promise<WorkloadClient> {
    const tcp = serve.tcp ?? DEMO_TCP_PORTS;
    const udp = serve.udp === undefined ? DEMO_UDP_PORT : serve.udp;
    const ports = [...(tcp.length > 0 ? ['--tcp', tcp.join(',')] : []), ...(udp === null ? [] : ['--udp', String(udp)])];
    const child = spawn('ip', ['netns', 'exec', netns, process.execPath, ...nodeEntry('demo/workload-process'), ...ports], {
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C reaches the demo, which tears down in order.
      detached: true,
    });
    const client = new WorkloadClient(netns, child);
    const ready = new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      let first = true;
      lines.on('line', (line) => {
        let v: Record<string, unknown>;
        try {
          v = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return;
        }
        if (first) {
          first = false;
          if (v.ready === true) resolve();
          else reject(new Error(`workload process in ${netns} failed: ${String(v.error)}`));
          return;
        }
        const w = client.waiting.get(Number(v.id));
        if (w) {
          client.waiting.delete(Number(v.id));
          w(v);
        }
      });
      child.on('exit', (code) => reject(new Error(`workload process in ${netns} exited with ${code}: ${client.stderr.trim()}`)));
      child.on('error', reject);
    });
    await ready;
    return client;
  }

  request(body: RequestBody): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.resolve({ ok: false, error: `workload process in ${this.netns} is gone` });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin!.write(`${JSON.stringify({ ...body, id })}\n`);
    });
  }

  async connect(dst: string, port: number, timeoutMs = 1000, src?: string): Promise<ConnectOutcome> {
    return (await this.request({ op: 'connect', dst, port, timeoutMs, ...(src ? { src } : {}) })) as unknown as ConnectOutcome;
  }

  async awaitOpen(dst: string, port: number, options: { everyMs?: number; deadlineMs?: number; attemptTimeoutMs?: number } = {}): Promise<OpenResult> {
    return (await this.request({
      op: 'await-open', dst, port, everyMs: options.everyMs ?? 5, deadlineMs: options.deadlineMs ?? 30_000, attemptTimeoutMs: options.attemptTimeoutMs ?? 1000,
    })) as unknown as OpenResult;
  }

  async watchStart(watch: string, dst: string, port: number, everyMs = 50, timeoutMs = 1000): Promise<void> {
    const r = await this.request({ op: 'watch-start', watch, dst, port, everyMs, timeoutMs });
    if (r.ok !== true) throw new Error(`watch-start in ${this.netns}: ${String(r.error)}`);
  }

  async watchStop(watch: string): Promise<WatchResult> {
    return (await this.request({ op: 'watch-stop', watch })) as unknown as WatchResult;
  }

  async udpSend(dst: string, port: number, payload: string, src?: string): Promise<void> {
    const r = await this.request({ op: 'udp-send', dst, port, payload, ...(src ? { src } : {}) });
    if (r.ok !== true) throw new Error(`udp-send in ${this.netns}: ${String(r.error)}`);
  }

  async udpSeen(): Promise<{ from: string; payload: string }[]> {
    return ((await this.request({ op: 'udp-seen' })).seen ?? []) as { from: string; payload: string }[];
  }

  /** TCP connections the process accepted so far, by port and source address. */
  async accepted(): Promise<AcceptedCount[]> {
    const r = await this.request({ op: 'accepted' });
    if (r.ok !== true) throw new Error(`accepted in ${this.netns}: ${String(r.error)}`);
    return r.accepted as AcceptedCount[];
  }

  /** Ends the process (stdin closed, then SIGKILL if it lingers). */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 1000);
    await gone;
    clearTimeout(timer);
  }
}
