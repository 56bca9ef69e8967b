// The applier's two doors to the host: running a command and touching a file.
// Both are injected (ApplierOptions.run / .files), so tests can drive the
// applier against a fake host or against a network namespace from outside it;
// the defaults here spawn processes and use node:fs in the current namespace.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';

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

// Synchronous calls behind the async interface: the files touched are /proc/sys entries, BIRD's config and the
// applier's own temp files, each read or written in well under a millisecond, where a trip through libuv's
// thread pool costs several times the work (hundreds of sysctls at scale). The exception is a large write —
// the nft transaction file, several MB at 100k endpoints — which goes through the thread pool so the agent's
// event loop keeps serving while it is written.
const LARGE_WRITE = 64 * 1024;

export const nodeFiles: HostFiles = {
  async read(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  },
  write: async (path, text) => (text.length < LARGE_WRITE ? writeFileSync(path, text) : writeFile(path, text)),
  rename: async (from, to) => renameSync(from, to),
  remove: async (path) => rmSync(path, { force: true }),
  exists: async (path) => existsSync(path),
};
