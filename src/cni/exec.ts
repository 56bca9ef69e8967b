// Running `ip` (and `nsenter` for the container's namespace) as child
// processes. A non-zero exit becomes a CniError naming the command and what it
// printed, so a runtime's log says which step failed.
import { spawn } from 'node:child_process';
import { CniCode, CniError } from './errors';

export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export const run = (cmd: string, args: readonly string[], input?: string): Promise<Ran> =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => reject(new CniError(CniCode.Interface, `cannot run ${cmd}: ${e.message}`)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
  });

export const runOk = async (cmd: string, args: readonly string[], input?: string): Promise<string> => {
  const r = await run(cmd, args, input);
  if (r.code !== 0)
    throw new CniError(CniCode.Interface, `${[cmd, ...args].join(' ')} failed: ${(r.stderr || r.stdout).trim()}`, input);
  return r.stdout;
};

/** `ip ARGS` in the container's network namespace (a path: /var/run/netns/X, /proc/PID/ns/net). */
export const inNetns = (netns: string, args: readonly string[], input?: string): Promise<string> =>
  runOk('nsenter', [`--net=${netns}`, 'ip', ...args], input);
