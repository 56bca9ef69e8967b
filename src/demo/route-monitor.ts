// Watches a host namespace's routing table as it changes (`ip -n NS monitor
// route`), stamping each change with the time it was seen, so the harness can
// say when a route appeared or went away to the millisecond without polling.
// Deciding which change matters is the caller's.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RouteChange {
  /** Epoch milliseconds (fractional) when the line was read. */
  readonly at: number;
  readonly deleted: boolean;
  /** The destination as printed (`192.168.1.5`, `10.0.0.0/24`, `default`). */
  readonly dst: string;
  readonly line: string;
}

const nowMs = (): number => performance.timeOrigin + performance.now();

export class RouteMonitor {
  readonly changes: RouteChange[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly child: ChildProcess;

  constructor(readonly netns: string) {
    this.child = spawn('ip', ['-n', netns, 'monitor', 'route'], { stdio: ['ignore', 'pipe', 'ignore'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const deleted = line.startsWith('Deleted ');
      const words = (deleted ? line.slice('Deleted '.length) : line).trim().split(/\s+/);
      // `blackhole 10.0.0.0/26 …`, `unreachable …`: the type comes before the destination.
      const dst = ['blackhole', 'unreachable', 'prohibit', 'local', 'broadcast'].includes(words[0] ?? '') ? words[1] ?? '' : words[0] ?? '';
      this.changes.push({ at: nowMs(), deleted, dst, line });
      for (const w of [...this.waiters]) w();
    });
  }

  /** The first change after `since` (epoch ms) matching `pred`; rejects after `timeoutMs`. */
  waitFor(pred: (c: RouteChange) => boolean, since: number, timeoutMs: number): Promise<RouteChange> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = this.changes.find((c) => c.at >= since && pred(c));
        if (!hit) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no route change in ${this.netns} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}

/** Matches the route to a single address (`192.168.1.5` or `192.168.1.5/32`). */
export const toAddress = (ip: string) => (c: RouteChange): boolean => c.dst === ip || c.dst === `${ip}/32`;
