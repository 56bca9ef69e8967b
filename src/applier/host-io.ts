// The applier's two doors to the host: running a command and touching a file.
// Both are injected (ApplierOptions.run / .files), so tests can drive the
// applier against a fake host or against a network namespace from outside it;
// the defaults here spawn processes and use node:fs in the current namespace.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `cmd args`, feeding `input` on stdin; never rejects for a non-zero exit (only when the command cannot start). */
export type CommandRunner = (cmd: string, args: readonly string[], options?: { readonly input?: string }) => Promise<CommandResult>;

export const spawnRunner: CommandRunner = (cmd, args, options = {}) =>
  new Promise((done, fail) => {
    const child = spawn(cmd, [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
    child.stdin.on('error', () => undefined); // a command that exits without reading stdin
    child.stdin.end(options.input ?? '');
  });

export interface HostFiles {
  /** The file's text, undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  write(path: string, text: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Removing what does not exist is not an error. */
  remove(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
}

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

export const nodeFiles: HostFiles = {
  async read(path) {
    try {
      return await fs.readFile(path, 'utf8');
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  },
  write: (path, text) => fs.writeFile(path, text),
  rename: (from, to) => fs.rename(from, to),
  remove: (path) => fs.rm(path, { force: true }),
  async exists(path) {
    try {
      await fs.access(path);
      return true;
    } catch {
      return false;
    }
  },
};
