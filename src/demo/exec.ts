// Running the system tools the demo drives (ip, nft, birdc, ping) as child
// processes, with a timeout, collecting their output. Which commands to run
// is the callers' business.
import { spawn } from 'node:child_process';

export interface ExecResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  /** Kill the command after this long (default 10 s). */
  readonly timeoutMs?: number;
  readonly input?: string;
}

export function exec(cmd: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // a command that exits without reading its input
      child.stdin.end(options.input);
    }
  });
}

/** Like exec, but a non-zero exit is an error naming the command and its stderr. */
export async function execOk(cmd: string, args: readonly string[], options: ExecOptions = {}): Promise<string> {
  const r = await exec(cmd, args, options);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** `ip netns exec NS CMD ARGS…`. */
export const inNetns = (ns: string, cmd: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> =>
  exec('ip', ['netns', 'exec', ns, cmd, ...args], options);

export const inNetnsOk = (ns: string, cmd: string, args: readonly string[], options: ExecOptions = {}): Promise<string> =>
  execOk('ip', ['netns', 'exec', ns, cmd, ...args], options);
