// Commands run through a small helper process. Starting a process from a big
// one costs time that grows with its memory (fork copies its page tables),
// and the agent of a large cluster is big; the helper stays small, so every `nft`, `ip` and `birdc` it starts
// costs the same whatever the cluster's size. Should the helper fail, the
// runner falls back to spawning directly (and says so once); a command that
// was in flight then fails rather than run again: it may have run already (an
// nft transaction twice appends its rules twice), and the applier's failure
// path re-reads the kernel before it tries again.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type CommandResult, type CommandRunner, spawnRunner } from './host-io';

type Pending = { readonly resolve: (r: CommandResult) => void; readonly reject: (e: Error) => void };

const helperMain = (): { cmd: string; args: string[] } | undefined => {
  const js = join(__dirname, 'spawn-helper-main.js');
  if (existsSync(js)) return { cmd: process.execPath, args: [js] };
  const ts = join(__dirname, 'spawn-helper-main.ts');
  // Run from source (tsx), the helper is too.
  return existsSync(ts) ? { cmd: process.execPath, args: ['--import', 'tsx', ts] } : undefined;
};

export class SpawnHelper {
  private child: ChildProcess | undefined;
  private dead = false;
  private next = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly onFallback: (why: string) => void = () => undefined) {}

  readonly run: CommandRunner = (cmd, args, options = {}) => {
    const child = this.dead ? undefined : this.start();
    if (child === undefined) return spawnRunner(cmd, args, options);
    return new Promise((resolve, reject) => {
      const id = this.next++;
      this.pending.set(id, { resolve, reject });
      this.hold(true);
      child.stdin!.write(`${JSON.stringify({ id, cmd, args, input: options.input ?? '' })}\n`);
    });
  };

  /** Stops the helper; later commands are spawned directly. */
  close(): void {
    this.dead = true;
    this.child?.stdin?.end();
    this.child = undefined;
  }

  private start(): ChildProcess | undefined {
    if (this.child !== undefined) return this.child;
    const main = helperMain();
    if (main === undefined) return this.fail('the helper script is missing');
    const child = spawn(main.cmd, main.args, { stdio: ['pipe', 'pipe', 'inherit'] });
    child.on('error', (e) => this.fail(`the helper failed: ${e.message}`));
    child.on('exit', (code) => this.fail(`the helper exited (${code})`));
    child.stdin!.on('error', (e) => this.fail(`the helper's stdin failed: ${e.message}`));
    // Its output ending is what a parent waiting for an answer sees first (the process handle is not waited on).
    createInterface({ input: child.stdout! }).on('line', (line) => this.answer(line)).on('close', () => this.fail('the helper closed its output'));
    // An idle helper does not keep the parent alive (it exits when the parent's end of its stdin closes);
    // one with a command in flight does (hold).
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    this.child = child;
    this.hold(false);
    return child;
  }

  /** Keeps the parent alive while an answer is awaited, and only then. */
  private hold(waiting: boolean): void {
    const out = this.child?.stdout as unknown as { ref?: () => void; unref?: () => void } | undefined;
    if (waiting) out?.ref?.();
    else if (this.pending.size === 0) out?.unref?.();
  }

  private answer(line: string): void {
    let r: { id: number; status?: number | null; stdout?: string; stderr?: string; error?: string };
    try {
      r = JSON.parse(line) as typeof r;
    } catch {
      return;
    }
    const p = this.pending.get(r.id);
    if (p === undefined) return;
    this.pending.delete(r.id);
    this.hold(false);
    if (r.error !== undefined) p.reject(new Error(r.error));
    else p.resolve({ status: r.status ?? null, stdout: r.stdout ?? '', stderr: r.stderr ?? '' });
  }

  private fail(why: string): undefined {
    if (!this.dead) {
      this.dead = true;
      this.child = undefined;
      this.onFallback(why);
    }
    // What was in flight may have run or not: it fails, and is not run again.
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(new Error(`the spawn helper stopped with this command in flight (${why}); it may or may not have run`));
    return undefined;
  }
}
