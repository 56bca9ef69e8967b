// readKernel: what foldnet owns on this host, read back from the kernel of
// the current network namespace — table `inet foldnet` (normalised; absent
// or outside foldnet's subset is said so), routes of protocol 88 in the main
// table, the managed sysctls (a missing interface is skipped), and the BIRD
// config file. Nothing else is read. It is slow at scale (normalising a full
// listing): the Applier calls it on first use, on refresh and for drift
// checks only, and readKernelLazily lets it skip normalising a listing it has
// seen before (same digest).
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/Either';
import { FOLDNET_RTPROTO, SysctlModel } from '../../compiler/compile/snapshot';
import { normaliseListing } from '../../compiler/nft/normalise';
import type { KernelState } from './contract';
import { CommandRunner } from './host-io';
import { ReadKernelOptions, resolve } from './options';
import { parseRouteListing } from './route-listing';
import { sysctlPath } from './sysctl-path';

type NftPart = Pick<KernelState, 'nft' | 'nftUnreadable'>;

/** The table as listed: a digest of the listing's text (undefined when there is no table), normalised on demand. */
export interface NftListing {
  readonly digest: string | undefined;
  normalised(): NftPart;
}

const absent: NftListing = { digest: undefined, normalised: () => ({ nft: undefined }) };

const readNft = async (run: CommandRunner): Promise<NftListing> => {
  const r = await run('nft', ['-j', 'list', 'table', 'inet', 'foldnet']);
  if (r.status !== 0) {
    if (/No such file or directory/.test(r.stderr)) return absent;
    throw new Error(`nft -j list table inet foldnet failed (exit ${r.status}): ${r.stderr.trim()}`);
  }
  let part: NftPart | undefined;
  return {
    digest: createHash('sha256').update(r.stdout).digest('hex'),
    // Parsed only when asked: a listing whose digest matches the last one is never read again.
    normalised: () => {
      if (part !== undefined) return part;
      let listed: unknown;
      try {
        listed = JSON.parse(r.stdout);
      } catch (e) {
        throw new Error(`nft -j list table inet foldnet: output is not JSON: ${(e as Error).message}`);
      }
      const doc = normaliseListing(listed);
      return (part = E.isRight(doc) ? { nft: doc.right } : { nft: undefined, nftUnreadable: doc.left });
    },
  };
};

const readRoutes = async (run: CommandRunner, family: 4 | 6) => {
  const r = await run('ip', ['-j', `-${family}`, 'route', 'show', 'proto', String(FOLDNET_RTPROTO), 'table', 'main']);
  if (r.status !== 0) throw new Error(`ip -j -${family} route show failed (exit ${r.status}): ${r.stderr.trim()}`);
  return parseRouteListing(r.stdout.trim(), family);
};

/** Reads files a few dozen at a time: thousands of sysctls should not open thousands of files at once. */
const readSysctls = async (read: (path: string) => Promise<string | undefined>, root: string, keys: readonly string[]): Promise<SysctlModel[]> => {
  const unique = [...new Set(keys)].sort();
  const out: SysctlModel[] = [];
  for (let i = 0; i < unique.length; i += 64) {
    const batch = unique.slice(i, i + 64);
    const values = await Promise.all(batch.map((k) => read(sysctlPath(k, root))));
    batch.forEach((key, j) => {
      const v = values[j];
      if (v !== undefined) out.push({ key, value: v.trim() });
    });
  }
  return out;
};

/** The kernel state with the table's listing not yet normalised. */
export async function readKernelLazily(options: ReadKernelOptions): Promise<{ readonly nft: NftListing; readonly rest: Omit<KernelState, 'nft' | 'nftUnreadable'> }> {
  const { run, files, sysctlRoot } = resolve(options);
  const [nft, v4, v6, sysctls, bird] = await Promise.all([
    readNft(run),
    readRoutes(run, 4),
    readRoutes(run, 6),
    readSysctls((p) => files.read(p), sysctlRoot, options.sysctlKeys ?? []),
    files.read(options.birdConfigPath),
  ]);
  return { nft, rest: { routes: [...v4, ...v6], sysctls, bird } };
}

export async function readKernel(options: ReadKernelOptions): Promise<KernelState> {
  const { nft, rest } = await readKernelLazily(options);
  return { ...nft.normalised(), ...rest };
}
