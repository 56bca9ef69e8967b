// What the applier needs to know about its host: where BIRD's config and
// control socket are, and (for tests) how to run commands and touch files.
// Everything happens in the current network namespace; an agent for a host
// in a namespace runs inside it (`ip netns exec`).
import { tmpdir } from 'node:os';
import { CommandRunner, HostFiles, nodeFiles, spawnRunner } from './host-io';

export interface ApplierOptions {
  /** The BIRD config file foldnet owns (BIRD must be started with it). */
  readonly birdConfigPath: string;
  /** BIRD's control socket; when given and present, `birdc configure` follows a config change. */
  readonly birdSocket?: string;
  /** Runs commands (default: spawn). */
  readonly run?: CommandRunner;
  /** Reads and writes files, /proc/sys included (default: node:fs). */
  readonly files?: HostFiles;
  /** Where sysctls live (default /proc/sys). */
  readonly sysctlRoot?: string;
  /** Where nft transactions are written before `nft -j -f` (default: the OS temp dir). */
  readonly tmpDir?: string;
}

export interface ReadKernelOptions extends ApplierOptions {
  /** The sysctl keys foldnet manages: the desired snapshot's, plus those applied before. */
  readonly sysctlKeys?: readonly string[];
}

export interface Resolved {
  readonly run: CommandRunner;
  readonly files: HostFiles;
  readonly sysctlRoot: string;
  readonly tmpDir: string;
}

export const resolve = (o: ApplierOptions): Resolved => ({
  run: o.run ?? spawnRunner,
  files: o.files ?? nodeFiles,
  sysctlRoot: o.sysctlRoot ?? '/proc/sys',
  tmpDir: o.tmpDir ?? tmpdir(),
});
