// Throwaway network namespaces for tests that load rulesets into a real
// kernel with nft: unique names per call, always deleted by withNetns.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunResult { readonly status: number | null; readonly stdout: string; readonly stderr: string }

const run = (cmd: string, args: ReadonlyArray<string>): RunResult => {
  const r = spawnSync(cmd, [...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
};

/** Why kernel tests cannot run here, or undefined when they can. */
export const kernelTestsUnavailable = (): string | undefined => {
  if (process.getuid?.() !== 0) return 'needs root for network namespaces';
  if (run('nft', ['--version']).status !== 0) return 'needs nft';
  if (run('ip', ['-V']).status !== 0) return 'needs iproute2';
  return undefined;
};

export interface Netns {
  readonly name: string;
  /** Runs nft inside the namespace. */
  readonly nft: (args: ReadonlyArray<string>) => RunResult;
  /** `nft [-j] -f FILE` with `content` in a temporary file (nft -j cannot read JSON from a pipe). */
  readonly nftFile: (json: boolean, content: string) => RunResult;
}

export const withNetns = async <T>(fn: (ns: Netns) => T | Promise<T>): Promise<T> => {
  const name = `fnnft-${process.pid}-${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'fnnft-'));
  try {
    const made = run('ip', ['netns', 'add', name]);
    if (made.status !== 0) throw new Error(`ip netns add ${name}: ${made.stderr}`);
    let files = 0;
    const nft = (args: ReadonlyArray<string>): RunResult => run('ip', ['netns', 'exec', name, 'nft', ...args]);
    const nftFile = (json: boolean, content: string): RunResult => {
      const file = join(dir, `in-${files++}.${json ? 'json' : 'nft'}`);
      writeFileSync(file, content);
      return nft([...(json ? ['-j'] : []), '-f', file]);
    };
    return await fn({ name, nft, nftFile });
  } finally {
    run('ip', ['netns', 'delete', name]);
    rmSync(dir, { recursive: true, force: true });
  }
};

/** Loads JSON (`nft -j -f -`) or text (`nft -f -`); throws with nft's message on failure. */
export const load = (ns: Netns, how: 'json' | 'text', content: string): void => {
  const r = ns.nftFile(how === 'json', content);
  if (r.status !== 0) throw new Error(`nft ${how} load failed: ${r.stderr}`);
};

export const listTable = (ns: Netns, numeric = false): unknown => {
  const r = ns.nft(['-j', ...(numeric ? ['-n'] : []), 'list', 'table', 'inet', 'foldnet']);
  if (r.status !== 0) throw new Error(`nft list failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
};
