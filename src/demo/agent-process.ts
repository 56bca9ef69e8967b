// One host agent as a separate process inside its host's network namespace
// (`ip netns exec NS node … agent --host H …`), the way an operator runs it:
// starts it, keeps its JSON log lines for the harness to wait on and show,
// stops it gracefully (SIGTERM) or kills it (SIGKILL). The agent's own
// behaviour is src/agent/'s; this only drives the process.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { nodeEntry } from './node-entry';

export interface AgentProcessOptions {
  readonly host: string;
  readonly netns: string;
  readonly logUrl: string;
  /** `--status URL`; absent: the agent's default. */
  readonly statusUrl?: string;
  readonly stateDir: string;
  readonly birdDir: string;
  readonly metricsPort: number;
  readonly driftIntervalS: number;
  readonly batchMs?: number;
  /** Receives every line the agent prints (stdout and stderr), e.g. to echo it. */
  readonly onLine?: (host: string, line: string) => void;
}

export type AgentLine = Readonly<Record<string, unknown>> & { readonly msg?: string; readonly level?: string };

/** The node arguments running `foldnet agent`. */
export function agentEntry(): string[] {
  return [...nodeEntry('cli/main'), 'agent'];
}

export class AgentProcess {
  readonly lines: AgentLine[] = [];
  private readonly waiters = new Set<() => void>();
  private exitCode: number | null | undefined;
  readonly exited: Promise<number | null>;

  private constructor(readonly options: AgentProcessOptions, private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => {
      this.exitCode = code ?? (signal ? -1 : null);
      this.notify();
      resolve(code);
    }));
    const take = (line: string): void => {
      options.onLine?.(options.host, line);
      try {
        const v = JSON.parse(line) as unknown;
        if (v !== null && typeof v === 'object') this.lines.push(v as AgentLine);
        else this.lines.push({ raw: line });
      } catch {
        this.lines.push({ raw: line });
      }
      this.notify();
    };
    createInterface({ input: child.stdout! }).on('line', take);
    createInterface({ input: child.stderr! }).on('line', (l) => take(JSON.stringify({ level: 'stderr', msg: l })));
  }

  static start(o: AgentProcessOptions): AgentProcess {
    const args = [
      'netns', 'exec', o.netns, process.execPath, ...agentEntry(),
      '--host', o.host, '--log', o.logUrl, '--state-dir', o.stateDir, '--bird-dir', o.birdDir,
      '--metrics-port', String(o.metricsPort), '--drift-interval', String(o.driftIntervalS), '--batch-ms', String(o.batchMs ?? 20),
      ...(o.statusUrl === undefined ? [] : ['--status', o.statusUrl]),
    ];
    // `ip netns exec` execs node in place, so the child's pid is the agent's. Its own
    // process group: a Ctrl-C reaches the demo, which stops agents in order.
    const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    return new AgentProcess(o, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The first line (from index `from` on) satisfying `pred`; rejects after `timeoutMs` or when the agent exits. */
  waitForLine(pred: (l: AgentLine) => boolean, timeoutMs: number, from = 0): Promise<AgentLine> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = this.lines.slice(from).find(pred);
        if (hit) return finish(() => resolve(hit));
        if (!this.running) return finish(() => reject(new Error(`agent ${this.options.host} exited (${this.exitCode}); last lines:\n${this.tail()}`)));
      };
      const finish = (f: () => void): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        f();
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`agent ${this.options.host}: no matching log line within ${timeoutMs} ms; last lines:\n${this.tail()}`))), timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** The last `n` lines, for error messages. */
  tail(n = 15): string {
    return this.lines.slice(-n).map((l) => JSON.stringify(l)).join('\n');
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves to the exit code. */
  async stop(graceMs = 5000): Promise<number | null> {
    if (!this.running) return this.exitCode ?? null;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** SIGKILL: the agent dies mid-flight, as in a crash. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}
